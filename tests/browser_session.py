"""Signing a Playwright page in as a user, without walking the email-code form each time."""


def sign_in(page, client, user, live_server):
    """Give ``page`` a session for ``user``: Django's test client logs in, the browser takes its cookie."""
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
