"""OpenAI-compatible servers (Ollama, vLLM, LM Studio, OpenAI) through the ``openai`` SDK.

Usage comes from the final chunk (``stream_options.include_usage``); servers that ignore the
option get estimated counts, marked ``estimated`` so the log says so.
"""

from collections.abc import Iterator, Sequence
from functools import lru_cache

import httpx2
import openai
from django.conf import settings

from generation.providers.base import ErrorKind, Exchange, ProviderError, Usage, chat_messages, estimate_tokens

DEFAULT_MODEL = "llama3.2"


@lru_cache(maxsize=4)
def client_for(api_key: str, base_url: str, timeout: float, max_retries: int) -> openai.OpenAI:
    return openai.OpenAI(
        # Local servers (Ollama, vLLM) accept any key, but the SDK refuses an empty one.
        api_key=api_key or "not-needed",
        base_url=base_url or None,
        timeout=httpx2.Timeout(timeout, connect=min(timeout, 10.0)),
        max_retries=max_retries,
    )


def error_kind(error: openai.APIError) -> str:
    if isinstance(error, openai.APITimeoutError):
        return ErrorKind.TIMEOUT
    if isinstance(error, openai.APIConnectionError):
        return ErrorKind.CONNECTION
    if isinstance(error, openai.APIStatusError):
        return ErrorKind.for_status(error.status_code)
    # A mid-stream error event (status 200) or anything else the SDK raises.
    return ErrorKind.OVERLOADED


class OpenAIProvider:
    name = "openai"

    def __init__(self, model: str = ""):
        self.model = model or DEFAULT_MODEL

    def stream(
        self, *, prompt: str, system: str, max_tokens: int, history: Sequence[Exchange] = ()
    ) -> Iterator[str | Usage]:
        client = client_for(
            settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL, settings.LLM_TIMEOUT_SECONDS, settings.LLM_MAX_RETRIES
        )
        messages = [{"role": "system", "content": system}] if system else []
        messages += chat_messages(prompt, history)
        text, usage, finish_reason = [], None, ""
        try:
            stream = client.chat.completions.create(
                model=self.model,
                messages=messages,
                max_tokens=max_tokens,
                stream=True,
                stream_options={"include_usage": True},
            )
            with stream:
                for chunk in stream:
                    if chunk.usage is not None:
                        usage = chunk.usage
                    for choice in chunk.choices:
                        if choice.finish_reason:
                            finish_reason = choice.finish_reason
                        if choice.delta and choice.delta.content:
                            text.append(choice.delta.content)
                            yield choice.delta.content
        except openai.APIError as error:
            raise ProviderError(error_kind(error), str(error)) from error
        except httpx2.TransportError as error:
            kind = ErrorKind.TIMEOUT if isinstance(error, httpx2.TimeoutException) else ErrorKind.CONNECTION
            raise ProviderError(kind, str(error) or type(error).__name__) from error
        if not finish_reason:  # the body ended before a choice finished: cut off
            raise ProviderError(ErrorKind.CONNECTION, "The stream ended before the answer was complete.")
        if usage is not None:
            yield Usage(usage.prompt_tokens, usage.completion_tokens, finish_reason)
        else:
            yield Usage(
                input_tokens=sum(estimate_tokens(message["content"]) for message in messages),
                output_tokens=estimate_tokens("".join(text)),
                stop_reason=finish_reason,
                estimated=True,
            )
