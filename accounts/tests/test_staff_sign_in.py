"""Staff sign in through /login/ (emailed codes and their rate limits): the admin's password form, which
had no rate limit, is gone."""

from django.contrib.auth import SESSION_KEY

from accounts.tests.conftest import last_code, request_code


def test_the_admin_sends_staff_to_the_code_sign_in_and_back(client, user_factory):
    staff = user_factory(is_staff=True, is_superuser=True)

    to_admin_login = client.get("/admin/")
    to_login = client.get(to_admin_login["Location"])
    assert to_login["Location"] == "/login/?next=/admin/"

    response = client.post("/login/", {"email": staff.email, "next": "/admin/"})
    response = client.post(response["Location"], {"code": last_code(staff.email)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_passwords_posted_to_the_admin_sign_in_never_sign_anyone_in(client, user_factory):
    staff = user_factory(is_staff=True, is_superuser=True)
    staff.set_password("correct horse battery staple")
    staff.save()

    for _ in range(60):
        client.post("/admin/login/", {"username": staff.email, "password": "wrong"})
    response = client.post("/admin/login/", {"username": staff.email, "password": "correct horse battery staple"})

    assert response.status_code == 302 and response["Location"] == "/login/"
    assert SESSION_KEY not in client.session


def test_a_signed_in_user_who_is_not_staff_is_refused_without_a_redirect_loop(signed_in_client):
    response = signed_in_client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1


def test_staff_sign_in_shares_the_code_rate_limits(client, user_factory):
    staff = user_factory(is_staff=True)
    for _ in range(3):
        request_code(client, staff.email)
    assert "Too many" in request_code(client, staff.email).content.decode()
