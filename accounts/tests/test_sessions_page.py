"""The account page lists a user's sessions and ends the others, keeping the current one."""

from allauth.usersessions.models import UserSession

from accounts.tests.conftest import sign_in_by_code

CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile Safari/604.1"
)


def who(client):
    return client.get("/dashboard/").wsgi_request.user


def signed_in_browsers(client_factory, user):
    laptop = client_factory(HTTP_USER_AGENT=CHROME_MAC, REMOTE_ADDR="203.0.113.7")
    phone = client_factory(HTTP_USER_AGENT=SAFARI_IPHONE, REMOTE_ADDR="198.51.100.9")
    sign_in_by_code(laptop, user.email)
    sign_in_by_code(phone, user.email)
    return laptop, phone


def test_account_page_lists_sessions_with_device_ip_and_this_session(client_factory, user):
    laptop, _phone = signed_in_browsers(client_factory, user)

    page = laptop.get("/account/").content.decode()

    assert "Chrome on macOS" in page
    assert "Safari on iPhone" in page
    assert "203.0.113.7" in page and "198.51.100.9" in page
    assert page.count("This session") == 1
    assert "Sign out other sessions (1)" in page


def test_sign_out_other_sessions_keeps_the_current_one(client_factory, user):
    laptop, phone = signed_in_browsers(client_factory, user)

    response = laptop.post("/account/sessions/end-others/", follow=True)

    assert "Signed out 1 other session." in response.content.decode()
    assert who(laptop) == user
    assert who(phone).is_anonymous
    assert UserSession.objects.filter(user=user).count() == 1


def test_end_one_session(client_factory, user):
    laptop, phone = signed_in_browsers(client_factory, user)
    phone_session = UserSession.objects.get(user=user, user_agent=SAFARI_IPHONE)

    laptop.post(f"/account/sessions/{phone_session.pk}/end/")

    assert who(phone).is_anonymous
    assert who(laptop) == user


def test_a_user_cannot_end_someone_elses_session(client_factory, user_factory):
    mine, theirs = user_factory(), user_factory()
    my_browser = client_factory()
    their_browser = client_factory()
    sign_in_by_code(my_browser, mine.email)
    sign_in_by_code(their_browser, theirs.email)
    their_session = UserSession.objects.get(user=theirs)

    response = my_browser.post(f"/account/sessions/{their_session.pk}/end/")

    assert response.status_code == 404
    assert who(their_browser) == theirs


def test_account_page_needs_sign_in(client, db):
    assert client.get("/account/")["Location"] == "/login/?next=/account/"
