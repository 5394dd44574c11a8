"""An offline model: a deterministic, clearly labelled draft built from the prompt.

It lets a fresh checkout generate with no keys. It sleeps DEMO_DELAY_SECONDS between
chunks so the page visibly streams.
"""

import time
from collections.abc import Iterator, Sequence

from django.conf import settings

from generation.providers.base import Exchange, Usage, estimate_tokens

LABEL = "[Demo model: a placeholder draft, not AI output. Set ANTHROPIC_API_KEY for real answers.]"


def demo_draft(prompt: str, system: str = "", history: Sequence[Exchange] = ()) -> str:
    """A Markdown draft (a heading, emphasis and a list, as real models answer) built from the prompt."""
    topic = " ".join(prompt.split())
    short_topic = topic if len(topic) <= 80 else topic[:77].rstrip() + "..."
    voice = " ".join(system.split())
    voice_line = f"House style applied: \u201c{voice[:120]}\u201d.\n\n" if voice else ""
    if history:
        earlier = " ".join(history[-1].prompt.split())[:60]
        heading = f"## A revised draft: {short_topic}\n\nRevising the earlier draft for \u201c{earlier}\u201d.\n\n"
    else:
        heading = f"## A first draft: {short_topic}\n\n"
    return (
        f"{LABEL}\n\n"
        f"{heading}"
        f"{voice_line}"
        f"Here is a starting point for \u201c{short_topic}\u201d. Open with **the one idea** a reader should "
        "remember, then give it room:\n\n"
        "- a concrete example,\n- a number that matters,\n- a sentence on why it matters now.\n\n"
        "Next, answer the question a sceptical reader would ask, in plain words. Close with a single, "
        "specific next step.\n\n"
        "Edit freely: this draft was assembled offline from your prompt."
    )


class DemoProvider:
    name = "demo"

    def __init__(self, model: str = ""):
        self.model = model or "inkwell-demo"

    def stream(
        self, *, prompt: str, system: str, max_tokens: int, history: Sequence[Exchange] = ()
    ) -> Iterator[str | Usage]:
        words = demo_draft(prompt, system, history).split(" ")
        stop_reason = "end_turn"
        if len(words) > max_tokens:
            words, stop_reason = words[:max_tokens], "max_tokens"
        delay = settings.DEMO_DELAY_SECONDS  # read once: a setting costs a lookup on every read
        for index, word in enumerate(words):
            if index and delay:
                time.sleep(delay)
            yield word if index == 0 else " " + word
        yield Usage(
            input_tokens=estimate_tokens(system)
            + estimate_tokens(prompt)
            + sum(estimate_tokens(turn.prompt) + estimate_tokens(turn.answer) for turn in history),
            output_tokens=len(words),
            stop_reason=stop_reason,
        )
