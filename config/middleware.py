"""Slow clients cost a greenlet, never a database connection (docs/serving.md)."""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, UnreadablePostError


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
