"""The providers through the real anthropic and openai SDKs against loopback fakes, and the demo model."""

import pytest

from generation.providers import ErrorKind, ProviderError, Usage, get_provider
from generation.providers.base import Exchange
from generation.providers.demo import LABEL, DemoProvider
from tests.fake_llm import Failure


def run(provider, prompt="Write about tea", system="", max_tokens=100, history=()):
    """(deltas, usage) of one call; raises ProviderError like the real thing."""
    deltas, usage = [], None
    for item in provider.stream(prompt=prompt, system=system, max_tokens=max_tokens, history=history):
        if isinstance(item, Usage):
            usage = item
        else:
            deltas.append(item)
    return deltas, usage


def test_anthropic_streams_deltas_and_reports_usage(fake_anthropic):
    fake_anthropic.reply = "one two three four"

    deltas, usage = run(get_provider(), prompt="Write about tea", system="Be brief.")

    assert deltas == ["one", " two", " three", " four"]
    assert usage == Usage(input_tokens=5, output_tokens=4, stop_reason="end_turn")
    request = fake_anthropic.requests[0]
    assert request["body"]["stream"] is True
    assert request["body"]["system"] == "Be brief."
    assert request["body"]["messages"] == [{"role": "user", "content": "Write about tea"}]
    assert request["body"]["model"] == "claude-test"
    assert "sk-ant-test" in (request["headers"].get("x-api-key") or request["headers"]["authorization"])


def test_anthropic_stops_at_max_tokens(fake_anthropic):
    fake_anthropic.reply = "a b c d e f"
    deltas, usage = run(get_provider(), max_tokens=3)
    assert len(deltas) == 3
    assert (usage.output_tokens, usage.stop_reason) == (3, "max_tokens")


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (Failure(status=429), ErrorKind.RATE_LIMITED),
        (Failure(status=500), ErrorKind.OVERLOADED),
        (Failure(status=529), ErrorKind.OVERLOADED),
        (Failure(status=401), ErrorKind.AUTH),
        (Failure(status=400), ErrorKind.BAD_REQUEST),
        (Failure(hang=True), ErrorKind.TIMEOUT),
        (Failure(after_deltas=2), ErrorKind.OVERLOADED),
        (Failure(after_deltas=2, drop=True), ErrorKind.CONNECTION),
    ],
    ids=["429", "500", "529", "401", "400", "timeout", "error-after-2", "dropped-after-2"],
)
def test_anthropic_failures_map_to_kinds(fake_anthropic, failure, kind):
    fake_anthropic.fail_next(failure)
    with pytest.raises(ProviderError) as raised:
        run(get_provider())
    assert raised.value.kind == kind


def test_anthropic_unreachable_server_is_a_connection_error(fake_anthropic, settings):
    fake_anthropic.stop()
    with pytest.raises(ProviderError) as raised:
        run(get_provider())
    assert raised.value.kind == ErrorKind.CONNECTION


def test_sdk_retries_failures_before_the_first_token(fake_anthropic, settings):
    settings.LLM_MAX_RETRIES = 2
    fake_anthropic.fail_next(Failure(status=529), Failure(status=429))

    deltas, usage = run(get_provider())

    assert "".join(deltas) == fake_anthropic.reply
    assert len(fake_anthropic.requests) == 3


def test_sdk_never_retries_after_text_has_streamed(fake_anthropic, settings):
    settings.LLM_MAX_RETRIES = 2
    fake_anthropic.fail_next(Failure(after_deltas=3))

    with pytest.raises(ProviderError):
        run(get_provider())

    assert len(fake_anthropic.requests) == 1


def test_openai_streams_and_reads_usage_from_include_usage(fake_openai):
    fake_openai.reply = "alpha beta gamma"

    deltas, usage = run(get_provider(), prompt="Say three words", system="Be terse.")

    assert deltas == ["alpha", " beta", " gamma"]
    assert usage == Usage(input_tokens=5, output_tokens=3, stop_reason="stop", estimated=False)
    body = fake_openai.requests[0]["body"]
    assert body["stream_options"] == {"include_usage": True}
    assert body["messages"][0] == {"role": "system", "content": "Be terse."}
    assert body["model"] == "llama-test"


def test_openai_estimates_usage_when_the_server_sends_none(fake_openai):
    fake_openai.send_usage = False
    fake_openai.reply = "x" * 40

    _, usage = run(get_provider(), prompt="p" * 80)

    assert usage.estimated is True
    assert (usage.input_tokens, usage.output_tokens) == (20, 10)


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (Failure(status=429), ErrorKind.RATE_LIMITED),
        (Failure(status=500), ErrorKind.OVERLOADED),
        (Failure(status=401), ErrorKind.AUTH),
        (Failure(status=400), ErrorKind.BAD_REQUEST),
        (Failure(hang=True), ErrorKind.TIMEOUT),
        (Failure(after_deltas=1), ErrorKind.OVERLOADED),
        (Failure(after_deltas=1, drop=True), ErrorKind.CONNECTION),
    ],
    ids=["429", "500", "401", "400", "timeout", "error-after-1", "dropped-after-1"],
)
def test_openai_failures_map_to_kinds(fake_openai, failure, kind):
    fake_openai.fail_next(failure)
    with pytest.raises(ProviderError) as raised:
        run(get_provider())
    assert raised.value.kind == kind


def test_demo_is_offline_deterministic_labelled_and_built_from_the_prompt(settings):
    settings.DEMO_DELAY_SECONDS = 0
    first, usage = run(DemoProvider(), prompt="Quarterly update for investors")
    second, _ = run(DemoProvider(), prompt="Quarterly update for investors")

    text = "".join(first)
    assert first == second
    assert text.startswith(LABEL)
    assert "Quarterly update for investors" in text
    assert usage.output_tokens == len(first) and not usage.estimated


def test_demo_respects_max_tokens(settings):
    settings.DEMO_DELAY_SECONDS = 0
    deltas, usage = run(DemoProvider(), max_tokens=5)
    assert len(deltas) == 5 and usage.stop_reason == "max_tokens"


def test_provider_is_chosen_by_settings(settings):
    settings.LLM_PROVIDER, settings.LLM_MODEL = "openai", "qwen"
    provider = get_provider()
    assert (provider.name, provider.model) == ("openai", "qwen")
    settings.LLM_PROVIDER = "demo"
    assert get_provider().name == "demo"


def test_demo_answers_in_markdown_and_revises_an_earlier_exchange(settings):
    settings.DEMO_DELAY_SECONDS = 0
    earlier = Exchange("A launch email", "Dear reader, we launch today.")

    first, _ = run(DemoProvider(), prompt="A launch email", max_tokens=1000)
    revised, usage = run(DemoProvider(), prompt="Make it shorter", max_tokens=1000, history=[earlier])

    assert "## A first draft: A launch email" in "".join(first)
    assert "## A revised draft: Make it shorter" in "".join(revised)
    assert "\u201cA launch email\u201d" in "".join(revised)
    assert "\n- a concrete example," in "".join(first)
    assert usage.input_tokens > run(DemoProvider(), prompt="Make it shorter", max_tokens=1000)[1].input_tokens
