"""The one interface every model provider implements.

``Provider.stream()`` yields text deltas (``str``) and ends with exactly one ``Usage``.
``history`` holds earlier turns of the conversation (an ``Exchange``: a prompt and the answer
it got), sent before ``prompt`` so that "make it shorter" refines the earlier answer.
Anything that goes wrong is raised as ``ProviderError`` with one of a small set of kinds,
so the quota code decides refunds without knowing which SDK ran.
"""

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol


class ErrorKind:
    RATE_LIMITED = "rate_limited"
    OVERLOADED = "overloaded"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    AUTH = "auth"
    BAD_REQUEST = "bad_request"

    ALL = (RATE_LIMITED, OVERLOADED, TIMEOUT, CONNECTION, AUTH, BAD_REQUEST)

    @classmethod
    def for_status(cls, status: int) -> str:
        """What an HTTP error status means, the same for every provider."""
        if status == 429:
            return cls.RATE_LIMITED
        if status in (401, 403):
            return cls.AUTH
        if status == 408:
            return cls.TIMEOUT
        if 400 <= status < 500:
            return cls.BAD_REQUEST
        return cls.OVERLOADED


class ProviderError(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message

    def __str__(self):
        return f"{self.kind}: {self.message}"


@dataclass(frozen=True)
class Usage:
    input_tokens: int
    output_tokens: int
    stop_reason: str
    estimated: bool = False  # the server reported no usage; the counts are estimates


@dataclass(frozen=True)
class Exchange:
    """An earlier turn: what the user asked and what the model answered."""

    prompt: str
    answer: str


class Provider(Protocol):
    name: str
    model: str

    def stream(
        self, *, prompt: str, system: str, max_tokens: int, history: Sequence[Exchange] = ()
    ) -> Iterator[str | Usage]: ...


def chat_messages(prompt: str, history: Sequence[Exchange] = ()) -> list[dict]:
    """The conversation as user/assistant messages, the shape both the Messages and Chat APIs take."""
    messages = []
    for exchange in history:
        messages += [{"role": "user", "content": exchange.prompt}, {"role": "assistant", "content": exchange.answer}]
    messages.append({"role": "user", "content": prompt})
    return messages


def estimate_tokens(text: str) -> int:
    """Roughly four characters per token: used only when a server reports no usage."""
    return math.ceil(len(text) / 4) if text else 0
