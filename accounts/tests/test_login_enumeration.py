"""/login/ answers known and unknown addresses the same way, and an account exists only once its code
is confirmed: typing addresses creates nothing and tells nothing."""

import re

from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client

from accounts.models import User
from accounts.tests.conftest import last_code, request_code

CSRF_TOKEN = re.compile(r'(?<=csrfmiddlewaretoken" value=")[^"]+|(?<="X-CSRFToken": ")[^"]+')


def answer(email, path="/login/", next_url=""):
    """What a visitor sees for ``email``: status, redirect, messages, the email's subject, and the code page."""
    browser = Client()
    response = browser.post(path, {"email": email, "next": next_url} if next_url else {"email": email})
    flashed = [str(message).replace(email, "EMAIL") for message in get_messages(response.wsgi_request)]
    code_page = browser.get(response["Location"])
    page = CSRF_TOKEN.sub("TOKEN", code_page.content.decode().replace(email, "EMAIL"))
    return (response.status_code, response["Location"], flashed, mail.outbox[-1].subject, code_page.status_code, page)


def test_known_and_unknown_addresses_get_the_same_answer(user):
    assert answer(user.email) == answer("stranger@example.com")
    assert answer(user.email, next_url="/history/") == answer("other@example.com", next_url="/history/")
    assert answer(user.email, path="/accounts/signup/") == answer("third@example.com", path="/accounts/signup/")


def test_typing_unknown_addresses_creates_no_account(db):
    for n in range(5):
        request_code(Client(), f"typed{n}@example.com")

    assert not User.objects.exists()
    assert len(mail.outbox) == 5


def test_wrong_codes_for_a_new_address_create_nothing_and_run_out_like_sign_in_codes(client, user):
    request_code(client, "new@example.com")
    code = last_code("new@example.com")
    wrong = client.post("/accounts/login/code/confirm/", {"code": "AAAA-AAAA"})
    for _ in range(2):
        last = client.post("/accounts/login/code/confirm/", {"code": "AAAA-AAAA"})
    client.post("/accounts/login/code/confirm/", {"code": code})

    known = Client()
    request_code(known, user.email)
    for _ in range(3):
        known_last = known.post("/accounts/login/code/confirm/", {"code": "AAAA-AAAA"})

    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    assert last.status_code == 302 and last["Location"] == known_last["Location"]
    assert not User.objects.filter(email="new@example.com").exists()


def test_an_address_that_got_an_account_meanwhile_signs_into_it(client, user_factory):
    request_code(client, "late@example.com")
    code = last_code("late@example.com")
    existing = user_factory(email="late@example.com")

    response = client.post("/accounts/login/code/confirm/", {"code": code})

    assert response["Location"] == "/dashboard/"
    assert User.objects.filter(email="late@example.com").count() == 1
    assert client.get("/dashboard/").wsgi_request.user == existing
