"""Slow clients cost a greenlet, never a database connection; API-key calls skip the browsers'
middleware (docs/serving.md)."""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, UnreadablePostError
from django.urls import Resolver404, resolve


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
