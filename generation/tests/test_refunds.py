"""A failed model call costs nothing; a usable partial answer is kept and counted; a client that
closes the stream is charged (service docstring)."""

import json

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import StreamingHttpResponse

from billing.plans import FREE
from generation import quota, service
from generation.api import event_stream
from generation.models import DailyUsage, Document, Generation
from generation.service import USABLE_ANSWER_MIN_CHARS
from generation.tests.conftest import post_generate, sse_events
from tests.fake_llm import Failure

pytestmark = pytest.mark.django_db

FAILURES_BEFORE_TEXT = {
    "rate_limited": Failure(status=429),
    "overloaded": Failure(status=529),
    "server_error": Failure(status=500),
    "timeout": Failure(hang=True),
    "auth": Failure(status=401),
    "bad_request": Failure(status=400),
    "error_after_0_deltas": Failure(after_deltas=0),
}
KINDS = {
    "rate_limited": "rate_limited",
    "overloaded": "overloaded",
    "server_error": "overloaded",
    "timeout": "timeout",
    "auth": "auth",
    "bad_request": "bad_request",
    "error_after_0_deltas": "overloaded",
}


def used(user):
    row = DailyUsage.objects.filter(user=user).first()
    return row.used if row else 0


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "plain"])
@pytest.mark.parametrize("name", FAILURES_BEFORE_TEXT)
def test_failure_before_any_text_is_502_and_refunded(signed_in_client, user, fake_anthropic, name, stream):
    fake_anthropic.fail_next(FAILURES_BEFORE_TEXT[name])

    response = post_generate(signed_in_client, {"prompt": "Hello", "stream": stream})

    assert response.status_code == 502
    assert response.json()["error"] == "model_unavailable"
    assert response.json()["refunded"] is True
    assert response.json()["remaining"] == FREE.daily_generations
    assert response["X-Usage-Remaining"] == str(FREE.daily_generations)
    generation = Generation.objects.get()
    assert response.json()["generation_id"] == generation.pk
    assert (generation.status, generation.refunded, generation.error_kind) == ("failed", True, KINDS[name])
    assert used(user) == 0


def test_unreachable_model_is_refunded(signed_in_client, user, fake_anthropic):
    fake_anthropic.stop()

    response = post_generate(signed_in_client, {"prompt": "Hello"})

    assert response.status_code == 502
    assert Generation.objects.get().error_kind == "connection"
    assert used(user) == 0


def test_short_partial_answer_ends_the_stream_with_a_refunded_error(signed_in_client, user, fake_anthropic):
    fake_anthropic.reply = "Just a few words before it breaks"
    fake_anthropic.fail_next(Failure(after_deltas=3))

    events = sse_events(post_generate(signed_in_client, {"prompt": "Hello"}))

    assert [name for name, _ in events] == ["delta", "delta", "delta", "error"]
    error = events[-1][1]
    assert error["error"] == "model_unavailable" and error["refunded"] is True
    assert error["remaining"] == FREE.daily_generations
    generation = Generation.objects.get()
    assert (generation.status, generation.refunded, generation.output) == ("failed", True, "Just a few")
    assert used(user) == 0


@pytest.fixture
def long_reply(fake_anthropic):
    """A reply whose first 60 words are well past the usable-answer threshold."""
    fake_anthropic.reply = " ".join(["word"] * 80)
    assert len(" ".join(["word"] * 60)) >= USABLE_ANSWER_MIN_CHARS
    fake_anthropic.fail_next(Failure(after_deltas=60))
    return fake_anthropic


def test_usable_partial_answer_is_kept_and_counted(signed_in_client, user, long_reply):
    document = Document.objects.create(title="Draft", created_by=user)

    events = sse_events(post_generate(signed_in_client, {"prompt": "Hello", "document": document.pk}))

    name, error = events[-1]
    assert name == "error" and error["refunded"] is False
    assert error["remaining"] == FREE.daily_generations - 1
    generation = Generation.objects.get()
    assert (generation.status, generation.refunded, generation.stop_reason) == ("completed", False, "interrupted")
    assert generation.error_kind == "overloaded" and generation.usage_estimated
    assert generation.output == " ".join(["word"] * 60)
    document.refresh_from_db()
    assert document.body == generation.output
    assert used(user) == 1


def test_usable_partial_answer_without_streaming_is_returned_as_incomplete(signed_in_client, user, long_reply):
    response = post_generate(signed_in_client, {"prompt": "Hello", "stream": False})

    body = response.json()
    assert response.status_code == 200
    assert body["incomplete"] is True and body["stop_reason"] == "interrupted"
    assert body["text"] == " ".join(["word"] * 60)
    assert used(user) == 1


def read_then_go_away(user, chars: int) -> tuple[service.Run, str]:
    """Stream an answer and read deltas until ``chars`` characters arrived, then leave as a WSGI
    server does when the browser goes away: stop iterating and close the response.

    Returns the run (still referenced, so only an explicit close, not garbage collection, can end
    the model stream) and the text received.
    """
    run = service.start(service.prepare(user, {"prompt": "Hello"}))
    response = StreamingHttpResponse(event_stream(run), content_type="text/event-stream")
    body = iter(response)
    received = ""
    while len(received) < chars:
        event = next(body).decode()
        if event.startswith("event: delta"):
            received += json.loads(event.split("data: ", 1)[1])["text"]
    # As Django's test client does: keep request_finished from closing the test's DB connection.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return run, received


@pytest.mark.parametrize("chars", [1, 150], ids=["after_one_delta", "after_150_chars"])
def test_client_closing_the_stream_is_charged_and_stops_the_model(user, fake_anthropic, chars):
    fake_anthropic.reply = " ".join(["word"] * 300)
    fake_anthropic.delta_delay_seconds = 0.01  # the model is still writing when the client leaves
    assert USABLE_ANSWER_MIN_CHARS > 150  # below the usable-answer threshold of a model failure

    run, received = read_then_go_away(user, chars)

    generation = Generation.objects.get()
    assert (generation.status, generation.refunded, generation.stop_reason) == ("completed", False, "client_closed")
    assert generation.output == received
    assert generation.output_tokens > 0 and generation.usage_estimated
    assert used(user) == 1
    assert fake_anthropic.closed_mid_stream.wait(timeout=5), "the model stream was left open"
    assert run.settled


def test_refund_is_idempotent_and_goes_to_the_charged_day(user, time_machine):
    time_machine.move_to("2026-03-01 23:59:00+00:00", tick=False)
    generation, _ = quota.reserve(user, FREE, prompt="x", provider="demo", model="demo")
    time_machine.move_to("2026-03-02 00:01:00+00:00", tick=False)
    quota.reserve(user, FREE, prompt="y", provider="demo", model="demo")

    assert quota.refund(generation) is True
    assert quota.refund(generation) is False

    counts = dict(DailyUsage.objects.values_list("day", "used"))
    assert {str(day): n for day, n in counts.items()} == {"2026-03-01": 0, "2026-03-02": 1}
