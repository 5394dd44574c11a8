"""What a model's tokens cost: USD per million input and output tokens.

Each Generation keeps the price its model had when it ran (``Generation.input_price_per_mtok``,
``output_price_per_mtok``), so a later price change or a switch of model does not rewrite what
past generations cost. For the configured model (``LLM_MODEL``, or the provider's default) the
price is ``LLM_PRICE_INPUT_PER_MTOK`` / ``LLM_PRICE_OUTPUT_PER_MTOK`` when set; otherwise, and
for any other model, the list price below; a model not listed costs nothing (a local server).
"""

from decimal import Decimal

from django.conf import settings

from generation.providers import get_provider

# Standard (not batch, not cached) list prices in USD per million tokens, as Anthropic published
# them on anthropic.com/pricing as of February 2026 (taken from what the author knew then, not
# re-checked online). Prices change: set LLM_PRICE_INPUT_PER_MTOK / LLM_PRICE_OUTPUT_PER_MTOK to
# what your provider bills you. Keys match a model name or the start of a dated one
# ("claude-haiku-4-5-20251001").
LIST_PRICES_PER_MTOK = {
    "claude-opus-4-6": (Decimal("5"), Decimal("25")),
    "claude-sonnet-4-6": (Decimal("3"), Decimal("15")),  # the anthropic provider's default model
    "claude-haiku-4-5": (Decimal("1"), Decimal("5")),
    # The openai provider's default talks to your own server (Ollama), and the demo model is offline.
    "llama3.2": (Decimal("0"), Decimal("0")),
    "inkwell-demo": (Decimal("0"), Decimal("0")),
}
FREE = (Decimal("0"), Decimal("0"))


def list_price(model: str) -> tuple[Decimal, Decimal]:
    """(input, output) USD per million tokens of ``model`` from the list above; free if unknown."""
    matches = [name for name in LIST_PRICES_PER_MTOK if model == name or model.startswith(f"{name}-")]
    return LIST_PRICES_PER_MTOK[max(matches, key=len)] if matches else FREE


def configured_model() -> str:
    """The model new generations use."""
    return get_provider().model


def price_per_mtok(model: str) -> tuple[Decimal, Decimal]:
    """(input, output) USD per million tokens of ``model`` now: the settings (when set) for the
    configured model, else the list price."""
    listed_input, listed_output = list_price(model)
    if model != configured_model():
        return listed_input, listed_output
    configured_input, configured_output = settings.LLM_PRICE_INPUT_PER_MTOK, settings.LLM_PRICE_OUTPUT_PER_MTOK
    return (
        listed_input if configured_input is None else configured_input,
        listed_output if configured_output is None else configured_output,
    )


def cost_cents(input_tokens: int, output_tokens: int, input_price: Decimal, output_price: Decimal) -> Decimal:
    """The exact cost in US cents (not rounded) of tokens at prices per million tokens."""
    return (input_tokens * input_price + output_tokens * output_price) / 10_000
