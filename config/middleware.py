"""Request and response rules for every page: slow clients cost a greenlet, never a database connection
(docs/serving.md); a proxy the settings do not know about is reported; signed-in pages are never cached;
API-key calls skip the browsers' middleware (docs/serving.md)."""

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, UnreadablePostError
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


def cooperative_io() -> bool:
    """Whether sockets are gevent's (the Procfile's gevent workers), so a timeout can interrupt a read."""
    monkey = sys.modules.get("gevent.monkey")
    return bool(monkey and monkey.is_module_patched("socket"))


class RequestBodyFirstMiddleware:
    """Read the whole request body before any other middleware or view runs.

    Session, authentication and usersessions middleware query the database, and a connection
    borrowed from the pool stays with the request until it ends. Read after them, a body
    trickled in byte by byte would hold that connection, and a few dozen such clients would
    drain the pool. Read first, a slow body holds only its own greenlet. Under gevent the read
    also has a deadline (REQUEST_BODY_TIMEOUT_SECONDS): a body that takes longer is answered 408.
    Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE are left unread for the view to refuse in its format.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("CONTENT_LENGTH") not in (None, "", "0"):
            try:
                self.read_body(request)
            except RequestDataTooBig:
                pass
            except SlowBody:
                return HttpResponse("The request body arrived too slowly.\n", status=408, content_type="text/plain")
            except UnreadablePostError:  # the client went away mid-body
                return HttpResponse("The request body could not be read.\n", status=400, content_type="text/plain")
        return self.get_response(request)

    def read_body(self, request) -> None:
        if not cooperative_io():
            request.body  # noqa: B018 - reading it is the point
            return
        import gevent

        with gevent.Timeout(settings.REQUEST_BODY_TIMEOUT_SECONDS, SlowBody):
            request.body  # noqa: B018


class SlowBody(Exception):
    pass


class ProxyCountWarningMiddleware:
    """Log a warning, once per process, when a request carries X-Forwarded-For while TRUSTED_PROXY_COUNT is 0.

    With 0 the header is ignored (it could be forged), so behind a proxy every visitor has the proxy's
    address: per-IP limits such as sign-in codes' become one limit for the whole site. README, "Behind a
    proxy", says what to set.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.warned = settings.ALLAUTH_TRUSTED_PROXY_COUNT > 0  # the header is read, nothing to report

    def __call__(self, request):
        if not self.warned and "HTTP_X_FORWARDED_FOR" in request.META:
            self.warned = True
            logger.warning(
                "A request came with X-Forwarded-For but TRUSTED_PROXY_COUNT is 0, so every visitor appears to "
                "come from %s and per-IP rate limits (sign-in codes) are shared by all of them. Behind a proxy, "
                "set TRUSTED_PROXY_COUNT to the number of proxies in front of the app (1 on most platforms).",
                request.META.get("REMOTE_ADDR"),
            )
        return self.get_response(request)


class PrivatePagesNotCachedMiddleware:
    """``Cache-Control: no-store`` (Django's never_cache headers) on every answer to a signed-in user that
    does not set its own caching, so a shared computer's back button or a proxy keeps no private page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class ApiKeyFastLaneMiddleware:
    """Send a request carrying an API key straight to its view when the view authenticates keys.

    The middleware below this one serves browsers: sessions, CSRF cookies, messages, allauth's
    login stages and session tracking, frame and content-security headers for HTML. An API call
    with ``Authorization: Bearer`` uses none of them (generation/api.py authenticates the key and
    never reads the session), yet running them cost about a fifth of a ``"stream": false`` call
    (docs/serving.md). Views opt in with an ``authenticates_api_keys`` attribute; any other
    request, or one without the header, takes the full stack.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_AUTHORIZATION" in request.META:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            if getattr(match.func, "authenticates_api_keys", False):
                request.resolver_match = match
                return match.func(request, *match.args, **match.kwargs)
        return self.get_response(request)
