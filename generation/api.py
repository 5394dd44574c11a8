"""The JSON API: POST /api/generate and GET /api/usage (docs/api.md is the reference).

Callers authenticate with the session cookie (plus X-CSRFToken on POST) or with
``Authorization: Bearer <api key>`` (no CSRF: the key is not sent automatically by a browser).
This module is the only place that knows HTTP for generations: it maps the service's domain
errors (generation/service.py) to statuses and bodies in ``GENERATION_ERRORS``.
"""

import json
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse, StreamingHttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from accounts import api_keys
from accounts.permissions import Action
from accounts.workspaces import personal_workspace
from generation import quota, service, stats

# Domain error -> (status, error code); docs/api.md has the same table for callers.
GENERATION_ERRORS = {
    service.InvalidRequest: (400, "invalid_request"),
    service.PromptTooLong: (413, "prompt_too_long"),
    service.Forbidden: (403, "forbidden"),
    service.DocumentNotFound: (404, "not_found"),
    service.GenerationNotFound: (404, "not_found"),
    service.EmailUnverified: (403, "email_unverified"),
    service.RateLimited: (429, "rate_limited"),
    service.LimitReached: (402, "daily_limit_reached"),
    service.ModelUnavailable: (502, "model_unavailable"),
}


class ApiError(Exception):
    """A refusal that belongs to HTTP rather than to generations: authentication, CSRF, method, body, address."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None, **details):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers, self.details = headers or {}, details


def error_response(status: int, code: str, message: str, headers: dict | None = None, **details) -> JsonResponse:
    """The one shape of every API error: ``{"error": code, "message": ..., **details}``."""
    response = JsonResponse({"error": code, "message": message, **details}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def api_error_response(error: ApiError) -> JsonResponse:
    return error_response(error.status, error.code, error.message, error.headers, **error.details)


def generation_error_response(error: service.GenerationError) -> JsonResponse:
    status, code = GENERATION_ERRORS[type(error)]
    details = dict(error.details)
    headers = {}
    if isinstance(error, service.RateLimited):
        headers["Retry-After"] = str(details["retry_after"])
    if isinstance(error, service.LimitReached):
        details["upgrade_url"] = reverse("pricing")
    return error_response(status, code, error.message, headers, **details)


def with_usage_headers(response, status: quota.UsageStatus):
    """X-Usage-* on an answer to a known caller: where they stand today under the plan that applied."""
    response["X-Usage-Limit"] = "unlimited" if status.limit is None else str(status.limit)
    response["X-Usage-Remaining"] = "unlimited" if status.remaining is None else str(status.remaining)
    response["X-Usage-Reset"] = status.reset_at.isoformat()
    return response


def bearer_user(request):
    """The active user behind the request's API key; ApiError 401 for a bad, revoked or banned key, 403
    ``plan_required`` while the owner's plan has no API keys (a downgraded user's keys work again on upgrade)."""
    scheme, _, raw_key = request.headers["Authorization"].partition(" ")
    if scheme.lower() != "bearer" or not raw_key.strip():
        raise ApiError(401, "unauthorized", 'Use "Authorization: Bearer <api key>".')
    owner = api_keys.key_owner(raw_key.strip())
    if owner is None or owner.key_revoked_at is not None or not owner.is_active:
        raise ApiError(401, "unauthorized", "This API key is not valid or has been revoked.")
    keys_here = personal_workspace(owner)  # the plan is on the user row already loaded: no query
    if not keys_here.can(Action.USE_API_KEYS):
        raise ApiError(403, "plan_required", keys_here.refusal(Action.USE_API_KEYS), upgrade_url=reverse("pricing"))
    api_keys.record_use(owner)
    return owner


def check_csrf(request) -> None:
    """Django's own CSRF check, run here because API views are csrf_exempt for bearer callers.

    ``process_view`` answers None when the request passes and the CSRF failure page otherwise.
    """
    if CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {}) is not None:
        raise ApiError(403, "csrf_failed", "CSRF check failed. Send the X-CSRFToken header with the csrftoken cookie.")


def api_view(*methods):
    """Authenticate, pass the caller to the view, turn errors into JSON, and put X-Usage-* on every
    answer to a known caller: for the caller's own plan, unless the view already set them for the
    plan that applied (a team's)."""

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            caller = None
            try:
                # Who is asking comes first, so that a 405 to a known caller carries X-Usage-* too.
                if "Authorization" in request.headers:
                    caller = bearer_user(request)
                elif request.user.is_authenticated:
                    caller = request.user
                else:
                    raise ApiError(401, "unauthorized", "Sign in or send an API key.")
                if request.method not in methods:
                    raise ApiError(
                        405, "method_not_allowed", f"Use {' or '.join(methods)}.", headers={"Allow": ", ".join(methods)}
                    )
                if "Authorization" not in request.headers:
                    check_csrf(request)
                response = view(request, caller, *args, **kwargs)
            except ApiError as error:
                response = api_error_response(error)
            except service.GenerationError as error:
                response = generation_error_response(error)
            except RequestDataTooBig:  # Django would answer its HTML 400 page
                response = error_response(
                    413,
                    "prompt_too_long",
                    f"The request body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes; "
                    f"a prompt may have at most {settings.PROMPT_MAX_CHARS} characters.",
                    max_chars=settings.PROMPT_MAX_CHARS,
                )
            if caller is not None and "X-Usage-Limit" not in response:
                with_usage_headers(response, quota.usage_status(caller, caller.plan_info))
            response["Cache-Control"] = "no-store"
            return response

        wrapper.authenticates_api_keys = True  # config.middleware.ApiKeyFastLaneMiddleware
        return wrapper

    return decorator


def event_stream(run: service.Run):
    """The SSE body. When the server closes the response early (client gone), closing this
    generator closes ``run.events()``, which charges the generation and closes the model stream
    (see Run.events)."""
    events = run.events()
    try:
        for event, data in events:
            if event == "error":
                data = {"error": GENERATION_ERRORS[service.ModelUnavailable][1], **data}
            yield f"event: {event}\ndata: {json.dumps(data)}\n\n"
    finally:
        events.close()


def read_json(request):
    try:
        return json.loads(request.body or b"")
    except (ValueError, RecursionError):  # malformed JSON, bad UTF-8, absurd nesting
        raise ApiError(400, "invalid_request", "The body must be JSON.") from None


@api_view("POST")
def generate(request, caller):
    data = read_json(request)
    job = service.prepare(caller, data)
    # From here on the usage headers describe the plan the generation runs under (a team's, perhaps),
    # from what the run already knows: no query, so no connection is taken back before the stream.
    try:
        run = service.start(job)
        run.open()
        if data.get("stream", True) is False:
            return with_usage_headers(JsonResponse(run.collect()), run.usage)
    except (service.LimitReached, service.ModelUnavailable) as error:
        return with_usage_headers(generation_error_response(error), error.usage)
    response = StreamingHttpResponse(event_stream(run), content_type="text/event-stream")
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    response["X-Generation-Id"] = str(run.generation.pk)  # known before `done`: a stopped stream's page links it
    return with_usage_headers(response, run.usage)


@api_view("GET", "HEAD")
def usage(request, caller):
    return JsonResponse(stats.usage_summary(caller))


@csrf_exempt
def not_found(request):
    """Any other /api/ address (e.g. /api/generate/ with a slash): a JSON 404, not the HTML page."""
    return error_response(404, "not_found", f"There is no API endpoint at {request.path}.")
