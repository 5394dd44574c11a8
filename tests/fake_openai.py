"""A loopback fake of an OpenAI-compatible server (POST /v1/chat/completions), streaming only.

Chunks are ``chat.completion.chunk`` objects; with ``stream_options.include_usage`` a final
chunk with empty ``choices`` carries usage, unless ``send_usage`` is False (as some local
servers do). The stream ends with ``data: [DONE]``. A failure after N deltas is an
``error`` payload in the stream.
"""

import time

from tests.fake_llm import Failure, FakeServer

__all__ = ["FakeOpenAI", "Failure"]


class FakeOpenAI(FakeServer):
    path = "/v1/chat/completions"

    def __init__(self):
        super().__init__()
        self.send_usage = True

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def send_status_error(self, handler, status):
        handler.send_json(
            status,
            {"error": {"message": f"Fake error {status}", "type": "server_error", "code": None}},
            headers=[("retry-after-ms", "5")],
        )

    def stream(self, handler, body, failure):
        deltas, truncated = self.words(body.get("max_tokens") or 1024)
        created = int(time.time())

        def chunk(choices, **extra):
            return {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": created,
                "model": body.get("model", "fake"),
                "choices": choices,
                **extra,
            }

        handler.event(None, chunk([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]))
        for sent, text in enumerate(deltas):
            if failure.after_deltas is not None and sent == failure.after_deltas:
                if not failure.drop:
                    handler.event(None, {"error": {"message": "The server had an error", "type": "server_error"}})
                return
            if sent and self.delta_delay_seconds:
                time.sleep(self.delta_delay_seconds)
            handler.event(None, chunk([{"index": 0, "delta": {"content": text}, "finish_reason": None}]))
        handler.event(None, chunk([{"index": 0, "delta": {}, "finish_reason": "length" if truncated else "stop"}]))
        if self.send_usage and (body.get("stream_options") or {}).get("include_usage"):
            prompt = " ".join(str(m.get("content", "")) for m in body.get("messages", []))
            prompt_tokens = len(prompt.split())
            usage = {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": len(deltas),
                "total_tokens": prompt_tokens + len(deltas),
            }
            handler.event(None, chunk([], usage=usage))
        handler.event(None, "[DONE]")
