"""Claude through the official ``anthropic`` SDK (streaming Messages API).

The SDK retries (``LLM_MAX_RETRIES``) only while opening the stream, i.e. before the first
token; once text has flowed, a failure is reported, never silently replayed.
"""

from collections.abc import Iterator, Sequence
from functools import lru_cache

import anthropic
import httpx2
from django.conf import settings

from generation.providers.base import ErrorKind, Exchange, ProviderError, Usage, chat_messages

DEFAULT_MODEL = "claude-sonnet-4-6"

# Error types Anthropic puts in the body (also in a mid-stream ``error`` event, which arrives on a 200).
BODY_ERROR_KINDS = {
    "rate_limit_error": ErrorKind.RATE_LIMITED,
    "overloaded_error": ErrorKind.OVERLOADED,
    "api_error": ErrorKind.OVERLOADED,
    "timeout_error": ErrorKind.TIMEOUT,
    "authentication_error": ErrorKind.AUTH,
    "permission_error": ErrorKind.AUTH,
    "invalid_request_error": ErrorKind.BAD_REQUEST,
}


@lru_cache(maxsize=4)
def client_for(api_key: str, base_url: str, timeout: float, max_retries: int) -> anthropic.Anthropic:
    """One client (and connection pool) per configuration; the SDK client is thread-safe."""
    return anthropic.Anthropic(
        api_key=api_key or "missing-key",
        base_url=base_url or None,
        timeout=httpx2.Timeout(timeout, connect=min(timeout, 10.0)),
        max_retries=max_retries,
    )


def error_kind(error: anthropic.APIError) -> str:
    if isinstance(error, anthropic.APITimeoutError):
        return ErrorKind.TIMEOUT
    if isinstance(error, anthropic.APIConnectionError):
        return ErrorKind.CONNECTION
    if isinstance(error, anthropic.APIStatusError):
        kind = ErrorKind.for_status(error.status_code)
        if kind != ErrorKind.BAD_REQUEST and error.status_code >= 400:
            return kind
        # A plain 4xx, or an error event inside a 200 stream: the body's error type says more.
        body = error.body if isinstance(error.body, dict) else {}
        body_type = (body.get("error") or {}).get("type") if isinstance(body.get("error"), dict) else None
        return BODY_ERROR_KINDS.get(body_type, kind)
    return ErrorKind.CONNECTION


class AnthropicProvider:
    name = "anthropic"

    def __init__(self, model: str = ""):
        self.model = model or DEFAULT_MODEL

    def stream(
        self, *, prompt: str, system: str, max_tokens: int, history: Sequence[Exchange] = ()
    ) -> Iterator[str | Usage]:
        client = client_for(
            settings.ANTHROPIC_API_KEY,
            settings.ANTHROPIC_BASE_URL,
            settings.LLM_TIMEOUT_SECONDS,
            settings.LLM_MAX_RETRIES,
        )
        request = {"model": self.model, "max_tokens": max_tokens, "messages": chat_messages(prompt, history)}
        if system:
            request["system"] = system
        try:
            with client.messages.stream(**request) as stream:
                for text in stream.text_stream:
                    if text:
                        yield text
                message = stream.get_final_message()
        except anthropic.APIError as error:
            raise ProviderError(error_kind(error), str(error)) from error
        except httpx2.TransportError as error:  # a stream cut mid-body surfaces from the transport
            kind = ErrorKind.TIMEOUT if isinstance(error, httpx2.TimeoutException) else ErrorKind.CONNECTION
            raise ProviderError(kind, str(error) or type(error).__name__) from error
        if message.stop_reason is None:  # the body ended without message_delta/message_stop: cut off
            raise ProviderError(ErrorKind.CONNECTION, "The stream ended before the message was complete.")
        yield Usage(
            input_tokens=message.usage.input_tokens,
            output_tokens=message.usage.output_tokens,
            stop_reason=message.stop_reason or "",
        )
