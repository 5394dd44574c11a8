"""Each generation keeps its model's price per million tokens from when it ran: LLM_PRICE_*_PER_MTOK
for the configured model when set, else the model's list price (generation/pricing.py)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_price
from generation import pricing
from generation.models import Generation
from generation.tests.conftest import post_generate

pytestmark = pytest.mark.django_db


def test_a_generation_records_the_configured_price(signed_in_client, settings):
    settings.LLM_PRICE_INPUT_PER_MTOK, settings.LLM_PRICE_OUTPUT_PER_MTOK = Decimal("2.5"), Decimal("12")

    post_generate(signed_in_client, {"prompt": "Hello", "stream": False})

    generation = Generation.objects.get()
    assert (generation.input_price_per_mtok, generation.output_price_per_mtok) == (Decimal("2.5"), Decimal("12"))


def test_a_price_change_leaves_earlier_generations_as_they_were(signed_in_client, settings):
    settings.LLM_PRICE_INPUT_PER_MTOK, settings.LLM_PRICE_OUTPUT_PER_MTOK = Decimal("3"), Decimal("15")
    post_generate(signed_in_client, {"prompt": "First", "stream": False})
    settings.LLM_PRICE_INPUT_PER_MTOK, settings.LLM_PRICE_OUTPUT_PER_MTOK = Decimal("1"), Decimal("5")
    post_generate(signed_in_client, {"prompt": "Second", "stream": False})

    prices = list(Generation.objects.order_by("pk").values_list("input_price_per_mtok", "output_price_per_mtok"))
    assert prices == [(Decimal("3"), Decimal("15")), (Decimal("1"), Decimal("5"))]


def test_without_settings_the_model_s_list_price_applies(signed_in_client, settings):
    settings.LLM_PROVIDER, settings.LLM_MODEL = "anthropic", ""  # the provider's default model
    settings.LLM_PRICE_INPUT_PER_MTOK = settings.LLM_PRICE_OUTPUT_PER_MTOK = None

    assert pricing.configured_model() == "claude-sonnet-4-6"
    assert pricing.price_per_mtok("claude-sonnet-4-6") == (Decimal("3"), Decimal("15"))
    assert pricing.price_per_mtok("inkwell-demo") == (Decimal("0"), Decimal("0"))


def test_the_settings_price_only_the_configured_model(settings):
    settings.LLM_PROVIDER, settings.LLM_MODEL = "anthropic", "claude-haiku-4-5-20251001"
    settings.LLM_PRICE_INPUT_PER_MTOK, settings.LLM_PRICE_OUTPUT_PER_MTOK = None, Decimal("4")

    assert pricing.price_per_mtok("claude-haiku-4-5-20251001") == (Decimal("1"), Decimal("4"))
    assert pricing.price_per_mtok("claude-opus-4-6") == (Decimal("5"), Decimal("25"))
    assert pricing.price_per_mtok("llama3.2") == (Decimal("0"), Decimal("0"))  # a local server


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "inf"])
def test_a_bad_price_setting_stops_the_app_with_a_clear_message(monkeypatch, value):
    monkeypatch.setenv("LLM_PRICE_OUTPUT_PER_MTOK", value)

    with pytest.raises(ImproperlyConfigured, match="LLM_PRICE_OUTPUT_PER_MTOK.*USD per million tokens"):
        env_price("LLM_PRICE_OUTPUT_PER_MTOK")


def test_an_unset_or_empty_price_setting_means_the_list_price(monkeypatch):
    monkeypatch.setenv("LLM_PRICE_INPUT_PER_MTOK", "")
    assert env_price("LLM_PRICE_INPUT_PER_MTOK") is None
    monkeypatch.setenv("LLM_PRICE_INPUT_PER_MTOK", "0.8")
    assert env_price("LLM_PRICE_INPUT_PER_MTOK") == Decimal("0.8")
