"""One generation from request to log: checks, quota, the model stream, commit or refund.

Views call ``prepare()`` (everything that can reject a call without spending quota), then
``start()`` (reserves a unit and opens the model stream), then read ``Run.events()`` or
``Run.collect()``. Whatever happens, including the client going away mid-stream, the run
settles its Generation exactly once: committed or refunded. No database connection is held
while the model is awaited or the client reads (``quota.release_connection()`` after the
reservation, when the body starts and after settling): a request borrows one from the pool
only to reserve, commit or refund.

This module speaks the domain, not HTTP: a refusal or failure is a ``GenerationError``
subclass carrying its message and details, and generation/api.py turns each kind into a
status code and a JSON body (docs/api.md lists them).

Only a failure of the model or provider is refunded. A model failure after text has
streamed follows the partial-answer rule: an answer counts once it is *usable*, i.e. at
least ``USABLE_ANSWER_MIN_CHARS`` non-blank characters reached the user. A usable partial
answer is kept: the Generation is ``completed`` with stop reason ``interrupted`` (the
error is recorded), the unit stays spent, the text goes into the document, and the
stream ends with an ``error`` event saying ``"refunded": false``. Anything shorter is
treated like a failure before the first token: ``failed`` and refunded.

A client that closes the stream (a closed tab, a dropped connection, a script that stops
reading) is charged whatever it received: the model's tokens were spent. The Generation is
``completed`` with stop reason ``client_closed``, its text kept, and the model stream is
closed so the provider stops generating. A refund is never the caller's to trigger.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from accounts.permissions import Action
from accounts.workspaces import NotAMember, Workspace, personal_workspace, team_workspace
from generation import history, metrics, quota
from generation.documents import append_to_document, documents_visible_to
from generation.ids import is_id, parse_id
from generation.models import Document, Generation
from generation.providers import ErrorKind, ProviderError, Usage, get_provider
from generation.providers.base import Exchange, estimate_tokens

logger = logging.getLogger(__name__)

# Below this much text a cut-off answer is not worth paying for (about two sentences).
USABLE_ANSWER_MIN_CHARS = 200

ERROR_MESSAGES = {
    ErrorKind.RATE_LIMITED: "The model provider is rate limiting us right now.",
    ErrorKind.OVERLOADED: "The model is overloaded or had an internal error.",
    ErrorKind.TIMEOUT: "The model took too long to answer.",
    ErrorKind.CONNECTION: "We could not reach the model.",
    ErrorKind.AUTH: "The model provider refused our credentials.",
    ErrorKind.BAD_REQUEST: "The model provider rejected the request.",
}


class GenerationError(Exception):
    """A generation refused before it spent anything, or failed; ``details`` say more (e.g. ``max_chars``).

    The errors raised once a unit was reserved (LimitReached, ModelUnavailable) also carry ``usage``:
    where the caller stands after them.
    """

    usage: quota.UsageStatus | None = None

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message, self.details = message, details


class InvalidRequest(GenerationError):
    """The body is not a valid request (wrong types, empty prompt, malformed ids)."""


class PromptTooLong(GenerationError):
    """The prompt is over PROMPT_MAX_CHARS."""


class Forbidden(GenerationError):
    """Not a member of the named team, or the document is read-only."""


class DocumentNotFound(GenerationError):
    """No document with that id that the caller may see."""


class GenerationNotFound(GenerationError):
    """No earlier generation with that id that the caller may see (the ``"parent"``)."""


class EmailUnverified(GenerationError):
    """The free plan waits for a verified email address."""


class RateLimited(GenerationError):
    """Over RATE_LIMIT_PER_MINUTE; ``details["retry_after"]`` seconds until the next minute."""


class LimitReached(GenerationError):
    """The plan's daily generations are used up."""

    def __init__(self, status: quota.UsageStatus):
        super().__init__(
            f"You have used all {status.limit} generations for today. Upgrade for more, or come back after the reset.",
            limit=status.limit,
            remaining=0,
            reset_at=status.reset_at.isoformat(),
        )
        self.usage = status


class ModelUnavailable(GenerationError):
    """The model failed before a usable answer; the unit was refunded. ``details`` are the ``error`` event's."""

    def __init__(self, payload: dict, usage: quota.UsageStatus):
        super().__init__(payload["message"], **{key: value for key, value in payload.items() if key != "message"})
        self.usage = usage


@dataclass
class Job:
    """A validated request: who asks, what, and in which workspace (whose plan applies)."""

    workspace: Workspace
    prompt: str
    document: Document | None = None
    parent: Generation | None = None
    append_to_document: bool = True  # False: the editor places the answer itself (at its cursor)

    @property
    def user(self):
        return self.workspace.user

    @property
    def plan(self):
        return self.workspace.plan

    @property
    def team(self):
        return self.workspace.team

    @property
    def system_prompt(self) -> str:
        return self.workspace.brand_voice

    @property
    def history(self) -> tuple[Exchange, ...]:
        """What the model reads before the prompt: the refined generation's prompt and answer."""
        return (Exchange(self.parent.prompt, self.parent.output),) if self.parent else ()


def resolve_workspace(user, team_slug) -> Workspace:
    """The API's ``"team"``: a team's slug; missing, empty or null means the personal workspace."""
    if team_slug in (None, ""):
        return personal_workspace(user)
    if not isinstance(team_slug, str):
        raise InvalidRequest('"team" must be a team\'s slug.')
    try:
        return team_workspace(user, team_slug)
    except NotAMember:
        raise Forbidden("You are not a member of that team.") from None


def resolve_document(workspace: Workspace, document_id) -> Document | None:
    """The document the answer is appended to: one the caller may see and write, in the same workspace."""
    if document_id in (None, ""):
        return None
    if not is_id(document_id):
        raise InvalidRequest('"document" must be a document id.')
    pk = parse_id(document_id)
    document = documents_visible_to(workspace.user).filter(pk=pk).first() if pk is not None else None
    if document is None:
        raise DocumentNotFound("No such document.")
    if document.team_id != workspace.team_id:
        raise InvalidRequest("That document belongs to another workspace.")
    if not workspace.can(Action.EDIT_DOCUMENTS):
        raise Forbidden(workspace.refusal(Action.EDIT_DOCUMENTS))
    return document


def resolve_parent(user, parent_id) -> Generation | None:
    """The earlier generation a refinement continues: one the caller may see (history.may_see), with an answer."""
    if parent_id in (None, ""):
        return None
    if not is_id(parent_id):
        raise InvalidRequest('"parent" must be a generation id.')
    pk = parse_id(parent_id)
    parent = history.visible_generation(user, pk) if pk is not None else None
    if parent is None:
        raise GenerationNotFound("No such generation.")
    if not parent.output.strip():
        raise InvalidRequest("That generation has no answer to refine.")
    return parent


def check_rate_limit(user) -> None:
    """At most RATE_LIMIT_PER_MINUTE calls per user per clock minute, counted in Django's cache.

    ``cache.incr`` is atomic on Redis (shared by every process) and per process on locmem.
    """
    per_minute = settings.RATE_LIMIT_PER_MINUTE
    if not per_minute:
        return
    now = time.time()
    key = f"generate-rate:{user.pk}:{int(now // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > per_minute:
        retry_after = max(1, 60 - int(now % 60))
        raise RateLimited(
            f"Too many requests: at most {per_minute} a minute. Try again in {retry_after} s.",
            retry_after=retry_after,
        )


def is_encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def prepare(user, data) -> Job:
    """Validate a request body and run every check that can refuse it before any quota is spent.

    The order is the one docs/api.md gives: body, prompt length, workspace, document and parent, email, rate.
    """
    if not isinstance(data, dict):
        raise InvalidRequest("The body must be a JSON object.")
    prompt = data.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise InvalidRequest('"prompt" must be a non-empty string.')
    if "\x00" in prompt or not is_encodable(prompt):  # NUL or lone surrogates: not storable text
        raise InvalidRequest('"prompt" must be valid text (no NUL or lone surrogates).')
    if len(prompt) > settings.PROMPT_MAX_CHARS:
        raise PromptTooLong(
            f"The prompt is {len(prompt)} characters; the maximum is {settings.PROMPT_MAX_CHARS}.",
            max_chars=settings.PROMPT_MAX_CHARS,
        )
    if not isinstance(data.get("stream", True), bool):
        raise InvalidRequest('"stream" must be true or false.')
    workspace = resolve_workspace(user, data.get("team"))
    document = resolve_document(workspace, data.get("document"))
    parent = resolve_parent(user, data.get("parent"))
    append = data.get("append_to_document", True)
    if not isinstance(append, bool):
        raise InvalidRequest('"append_to_document" must be true or false.')
    if not workspace.plan.is_paid and not user.has_verified_email:
        raise EmailUnverified("Verify your email address to use the free plan.")
    check_rate_limit(user)
    return Job(workspace=workspace, prompt=prompt, document=document, parent=parent, append_to_document=append)


def start(job: Job) -> "Run":
    """Reserve a unit (LimitReached if none is left) and open the model stream."""
    provider = get_provider()
    try:
        generation, usage = quota.reserve(
            job.user,
            job.plan,
            team=job.team,
            document=job.document,
            prompt=job.prompt,
            parent=job.parent,
            provider=provider.name,
            model=provider.model,
        )
    except quota.LimitReached as limit:
        metrics.record_limit_hit(job.user)
        raise LimitReached(limit.status) from None
    quota.release_connection()  # the model may take a minute to answer
    return Run(job, generation, provider, usage)


class Run:
    def __init__(self, job: Job, generation: Generation, provider, usage: quota.UsageStatus):
        self.job, self.generation = job, generation
        self.started = time.monotonic()
        self.chunks: list[str] = []
        self.settled = False
        self.items = provider.stream(
            prompt=job.prompt, system=job.system_prompt, max_tokens=job.plan.max_output_tokens, history=job.history
        )
        self.first = None
        self.usage = usage  # where the caller stands with this call counted; re-read after a refund

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def next_item(self):
        """The provider's next item; unexpected exceptions from an SDK count as a failed call, not a 500."""
        try:
            return next(self.items)
        except ProviderError:
            raise
        except StopIteration:
            raise ProviderError(ErrorKind.CONNECTION, "The model stream ended without an answer.") from None
        except Exception as error:
            logger.exception("Generation %s: unexpected error from the provider", self.generation.pk)
            raise ProviderError(ErrorKind.CONNECTION, f"{type(error).__name__}: {error}") from error

    def open(self) -> None:
        """Wait for the model's first item, so a failure before any text is a plain 502 (refunded)."""
        try:
            self.first = self.next_item()
        except ProviderError as error:
            raise ModelUnavailable(self.fail(error), self.usage) from None

    def events(self):
        """Yield ``(event, data)``: ``delta`` events, then one ``done`` or one ``error``."""
        quota.release_connection()  # in case anything since start() (headers, middleware) took one
        if self.first is None:
            self.open()
        try:
            item = self.first
            while not isinstance(item, Usage):
                self.chunks.append(item)
                yield "delta", {"text": item}
                item = self.next_item()
            yield "done", self.complete(item)
        except ProviderError as error:
            yield "error", self.fail(error)
        finally:
            if not self.settled:  # the client went away mid-stream: stop the model, charge what it wrote
                self.items.close()
                self.keep_partial_answer(stop_reason="client_closed")

    def collect(self) -> dict:
        """Run to the end; the non-streaming answer. ModelUnavailable when nothing usable came back.

        A usable answer cut short is returned (200) with ``"incomplete": true``.
        """
        for event, data in self.events():
            outcome = (event, data)
        event, data = outcome
        if event == "error" and data["refunded"]:
            raise ModelUnavailable(data, self.usage)
        generation, status = self.generation, self.usage
        body = {
            "generation_id": generation.pk,
            "text": self.text,
            "usage": {"input_tokens": generation.input_tokens, "output_tokens": generation.output_tokens},
            "limit": status.limit,
            "remaining": status.remaining,
            "reset_at": status.reset_at.isoformat(),
            "stop_reason": generation.stop_reason,
        }
        if event == "error":
            body.update(incomplete=True, message=data["message"])
        return body

    def latency_ms(self) -> int:
        return round((time.monotonic() - self.started) * 1000)

    def counts(self) -> dict:
        """Limit and remaining after this call settled (also used for the X-Usage-* headers)."""
        return {"limit": self.usage.limit, "remaining": self.usage.remaining}

    def complete(self, usage: Usage) -> dict:
        self.keep_answer(
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            usage_estimated=usage.estimated,
            stop_reason=usage.stop_reason,
        )
        return {
            "generation_id": self.generation.pk,
            "usage": {"input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens},
            "stop_reason": usage.stop_reason,
            **self.counts(),
        }

    def fail(self, error: ProviderError) -> dict:
        """Settle a failed call by the partial-answer rule (module docstring); what the ``error`` event says."""
        logger.warning("Generation %s: model error %s", self.generation.pk, error)
        message = ERROR_MESSAGES.get(error.kind, "The model failed.")
        if len(self.text.strip()) >= USABLE_ANSWER_MIN_CHARS:
            self.keep_partial_answer(stop_reason="interrupted", error_kind=error.kind, error=error.message)
            refunded = False
            message += " The answer stopped early; the part you received is kept and counts as a generation."
        else:
            quota.refund(
                self.generation,
                output=self.text,
                error_kind=error.kind,
                error=error.message,
                latency_ms=self.latency_ms(),
            )
            self.settled = True
            self.usage = quota.usage_status(self.job.user, self.job.plan)
            quota.release_connection()  # the error still has to reach a client that may read slowly
            refunded = True
            message += " This attempt was not counted against your limit. Please try again."
        return {
            "message": message,
            "refunded": refunded,
            "generation_id": self.generation.pk,
            **self.counts(),
        }

    def keep_partial_answer(self, **fields) -> None:
        """Charge the text streamed so far; the model reported no usage for it, so it is estimated."""
        self.keep_answer(
            input_tokens=estimate_tokens(self.job.system_prompt)
            + estimate_tokens(self.job.prompt)
            + sum(estimate_tokens(turn.prompt) + estimate_tokens(turn.answer) for turn in self.job.history),
            output_tokens=estimate_tokens(self.text),
            usage_estimated=True,
            **fields,
        )

    def keep_answer(self, **fields) -> None:
        """Commit the answer and append it to the chosen document (unless the editor places it)."""
        if self.job.document is None or not self.job.append_to_document:
            quota.commit(self.generation, output=self.text, latency_ms=self.latency_ms(), **fields)
        else:
            with transaction.atomic():
                quota.commit(self.generation, output=self.text, latency_ms=self.latency_ms(), **fields)
                append_to_document(self.job.document, self.text, self.job.user)
        self.settled = True
        quota.release_connection()  # the last event still has to reach a client that may read slowly
