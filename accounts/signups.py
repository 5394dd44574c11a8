"""Sign-up by emailed code, with no account until the code is confirmed.

/login/ answers a new address exactly as it answers a known one: the same email (a sign-in code), the
same message and the same redirect to the code page, so nobody can tell which addresses have accounts.
For a known address allauth runs its login-by-code flow. For a new one the pending sign-up (address,
code, attempts) lives in the anonymous session only; the ``User`` row is created when the code is
confirmed, so typing addresses creates nothing. Codes expire and allow as many attempts as allauth's
sign-in codes (ACCOUNT_LOGIN_BY_CODE_TIMEOUT, ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS).
"""

import time

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.db import IntegrityError, transaction

from accounts.models import User

SESSION_KEY = "pending_signup"


def start(request, email: str) -> None:
    """Email a code to ``email`` and remember the pending sign-up in the session, as allauth does for a sign-in."""
    adapter = get_adapter(request)
    code = adapter.generate_login_code()
    request.session[SESSION_KEY] = {"email": email, "code": code, "at": time.time(), "attempts": 0}
    adapter.send_mail("account/email/login_code", email, {"request": request, "code": code})
    adapter.add_message(
        request, messages.SUCCESS, "account/messages/login_code_sent.txt", {"email": email, "recipient": email}
    )


def pending(request) -> dict | None:
    """The session's pending sign-up, or None (none, or its code expired)."""
    state = request.session.get(SESSION_KEY)
    if state and time.time() - state["at"] > app_settings.LOGIN_BY_CODE_TIMEOUT:
        abandon(request)
        return None
    return state


def record_wrong_code(request) -> bool:
    """Count a wrong code; False (and the pending sign-up is dropped) once no attempt is left."""
    state = request.session[SESSION_KEY]
    state["attempts"] += 1
    request.session.modified = True
    if state["attempts"] >= app_settings.LOGIN_BY_CODE_MAX_ATTEMPTS:
        abandon(request)
        return False
    return True


def abandon(request) -> None:
    request.session.pop(SESSION_KEY, None)


def create_account(request) -> tuple[User, bool]:
    """The code was right: (the account for the pending address, whether it was created now), the address
    verified (it received the code).

    If the address got an account meanwhile (another browser, Google or GitHub), that one is returned:
    the code proves the address is the person's.
    """
    email = request.session.pop(SESSION_KEY)["email"]
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email)
                EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            return user, True
        except IntegrityError:  # the same address confirmed in two browsers at once
            user = User.objects.get(email__iexact=email)
    EmailAddress.objects.filter(user=user, email__iexact=email).update(verified=True)
    return user, False
