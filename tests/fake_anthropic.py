"""A loopback fake of the Anthropic Messages API (POST /v1/messages), streaming only.

The stream is what Anthropic documents: ``message_start``, ``content_block_start``, a ``ping``,
``content_block_delta`` (text_delta) events, ``content_block_stop``, ``message_delta`` (stop
reason, output tokens) and ``message_stop``. Errors use Anthropic's JSON error shape; 429, 500
and 529 carry ``retry-after-ms`` so SDK retries in tests are quick. A failure after N deltas
is an SSE ``error`` event (overloaded_error), as the API sends mid-stream.
Usage: ``with FakeAnthropic() as fake: settings.ANTHROPIC_BASE_URL = fake.url``.
"""

import time

from tests.fake_llm import Failure, FakeServer

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}

__all__ = ["FakeAnthropic", "Failure"]


class FakeAnthropic(FakeServer):
    path = "/v1/messages"

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def system_prompts(self) -> list:
        return [request["body"].get("system") for request in self.requests]

    def send_status_error(self, handler, status):
        error_type = ERROR_TYPES.get(status, "api_error")
        handler.send_json(
            status,
            {"type": "error", "error": {"type": error_type, "message": f"Fake {error_type}"}},
            headers=[("retry-after-ms", "5"), ("request-id", "req_fake")],
        )

    def stream(self, handler, body, failure):
        prompt = " ".join(str(m.get("content", "")) for m in body.get("messages", []))
        input_tokens = len(prompt.split()) + len(str(body.get("system", "")).split())
        deltas, truncated = self.words(body.get("max_tokens", 1024))
        model = body.get("model", "claude-fake")
        handler.event(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_fake",
                    "type": "message",
                    "role": "assistant",
                    "content": [],
                    "model": model,
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": input_tokens, "output_tokens": 1},
                },
            },
        )
        handler.event(
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        )
        handler.event("ping", {"type": "ping"})
        for sent, text in enumerate(deltas):
            if failure.after_deltas is not None and sent == failure.after_deltas:
                if failure.drop:
                    return  # the connection closes mid-stream
                handler.event(
                    "error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
                )
                return
            if sent and self.delta_delay_seconds:
                time.sleep(self.delta_delay_seconds)
            handler.event(
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}},
            )
        handler.event("content_block_stop", {"type": "content_block_stop", "index": 0})
        handler.event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "max_tokens" if truncated else "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": len(deltas)},
            },
        )
        handler.event("message_stop", {"type": "message_stop"})
