"""The JSON API: POST /api/generate and GET /api/usage (DESIGN 7).

Callers authenticate with the session cookie (plus X-CSRFToken on POST) or with
``Authorization: Bearer <api key>`` (no CSRF: the key is not sent automatically by a browser).
"""

import json
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse, StreamingHttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from accounts.models import ApiKey, User
from generation import quota, service, stats
from generation.service import Rejected

LAST_USED_PRECISION = timedelta(minutes=1)

# The key's owner and the key's state in one join, written out: it runs on every API call, and
# compiling the ORM's select_related() query costs more than running it (docs/serving.md).
KEY_OWNER_SQL = """
SELECT u.*, k.id AS key_id, k.revoked_at AS key_revoked_at, k.last_used_at AS key_last_used_at
FROM {keys} k JOIN {users} u ON u.id = k.user_id WHERE k.key_hash = %s
"""


def error_response(rejected: Rejected) -> JsonResponse:
    response = JsonResponse(rejected.body(), status=rejected.status)
    for name, value in rejected.headers.items():
        response[name] = value
    return response


def bearer_user(request):
    """The active user behind the request's API key; Rejected 401 for a bad, revoked or banned key."""
    scheme, _, raw_key = request.headers["Authorization"].partition(" ")
    if scheme.lower() != "bearer" or not raw_key.strip():
        raise Rejected(401, "unauthorized", 'Use "Authorization: Bearer <api key>".')
    sql = KEY_OWNER_SQL.format(keys=ApiKey._meta.db_table, users=User._meta.db_table)
    owner = next(iter(User.objects.raw(sql, [ApiKey.hash(raw_key.strip())])), None)
    if owner is None or owner.key_revoked_at is not None or not owner.is_active:
        raise Rejected(401, "unauthorized", "This API key is not valid or has been revoked.")
    now = timezone.now()
    if owner.key_last_used_at is None or now - owner.key_last_used_at > LAST_USED_PRECISION:  # spare a write per call
        ApiKey.objects.filter(pk=owner.key_id).update(last_used_at=now)
    return owner


class CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        raise Rejected(403, "csrf_failed", f"CSRF check failed ({reason}). Send the X-CSRFToken header.")


def check_csrf(request) -> None:
    check = CsrfCheck(lambda request: None)
    check.process_request(request)
    check.process_view(request, None, (), {})


def api_view(*methods):
    """Authenticate, turn Rejected into JSON errors, and put X-Usage-* on every answer to a known caller.

    The view may set ``request.usage_plan`` (e.g. a team's plan) for the headers, or
    ``request.usage_status`` when it has just read it; by default they describe the caller's
    own plan.
    """

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
                    raise Rejected(401, "unauthorized", "Sign in or send an API key.")
                if request.method not in methods:
                    raise Rejected(
                        405, "method_not_allowed", f"Use {' or '.join(methods)}.", headers={"Allow": ", ".join(methods)}
                    )
                if "Authorization" not in request.headers:
                    check_csrf(request)
                request.api_user = caller
                response = view(request, *args, **kwargs)
            except Rejected as rejected:
                response = error_response(rejected)
            except RequestDataTooBig:  # Django would answer its HTML 400 page
                response = error_response(
                    Rejected(
                        413,
                        "prompt_too_long",
                        f"The request body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes; "
                        f"a prompt may have at most {settings.PROMPT_MAX_CHARS} characters.",
                        max_chars=settings.PROMPT_MAX_CHARS,
                    )
                )
            if caller is not None:
                status = getattr(request, "usage_status", None) or quota.usage_status(
                    caller, getattr(request, "usage_plan", None) or caller.plan_info
                )
                response["X-Usage-Limit"] = "unlimited" if status.limit is None else str(status.limit)
                response["X-Usage-Remaining"] = "unlimited" if status.remaining is None else str(status.remaining)
                response["X-Usage-Reset"] = status.reset_at.isoformat()
            response["Cache-Control"] = "no-store"
            return response

        return wrapper

    return decorator


def event_stream(run: service.Run):
    """The SSE body. When the server closes the response early (client gone), closing this
    generator closes ``run.events()``, which charges the generation and closes the model stream
    (see Run.events)."""
    events = run.events()
    try:
        for event, data in events:
            yield f"event: {event}\ndata: {json.dumps(data)}\n\n"
    finally:
        events.close()


@api_view("POST")
def generate(request):
    try:
        data = json.loads(request.body or b"")
    except (ValueError, RecursionError):  # malformed JSON, bad UTF-8, absurd nesting
        raise Rejected(400, "invalid_request", "The body must be JSON.") from None
    job = service.prepare(request.api_user, data)
    request.usage_plan = job.plan
    run = service.start(job)
    run.open()
    if data.get("stream", True) is False:
        answer = run.collect()
        request.usage_status = run.usage
        return JsonResponse(answer)
    request.usage_status = run.usage  # the headers need no query, so no connection is taken back
    response = StreamingHttpResponse(event_stream(run), content_type="text/event-stream")
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@api_view("GET", "HEAD")
def usage(request):
    return JsonResponse(stats.usage_summary(request.api_user))


@csrf_exempt
def not_found(request):
    """Any other /api/ address (e.g. /api/generate/ with a slash): a JSON 404, not the HTML page."""
    return error_response(Rejected(404, "not_found", f"There is no API endpoint at {request.path}."))
