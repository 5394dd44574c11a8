"""Invitation tokens kept out of the logs.

An invitation link (/teams/join/<token>/) lets whoever holds it join a team, so no log may carry the
token: not gunicorn's access log (the request line, the path, the Referer of the pages it loads), not
gunicorn's error log ("Error handling request ..."), not Django's request log ("Bad Request: ...").
All go through ``redact``: gunicorn's with ``TokenRedactingLogger`` (the Procfile's ``--logger-class``),
Django's with the ``RedactTokens`` filter on the console handler (config/settings.py LOGGING).
"""

import logging
import re
from functools import cache

from gunicorn.glogging import Logger

REDACTED = "[token]"


@cache
def _invitation_link() -> re.Pattern:
    from django.urls import reverse  # resolved on first use, once Django has loaded the URLs

    prefix, _, suffix = reverse("team_invitation", args=["TOKEN"]).partition("TOKEN")
    return re.compile(rf"({re.escape(prefix)})[^/?#\s\"]+(?={re.escape(suffix)}|[?#\s\"]|$)")


def redact(text: str) -> str:
    """``text`` with every invitation token replaced by "[token]"."""
    from django.apps import apps

    if not apps.ready:  # gunicorn's master, which serves no request, logs before Django is loaded
        return text
    return _invitation_link().sub(rf"\g<1>{REDACTED}", text)


class TokenRedactingLogger(Logger):
    """gunicorn's logger, with invitation tokens out of every atom of the access log format and out of its
    error log."""

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(RedactTokens())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: redact(value) if isinstance(value, str) else value for name, value in atoms.items()}


class RedactTokens(logging.Filter):
    """For Django's log records: the message, formatted with its arguments, without invitation tokens."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
