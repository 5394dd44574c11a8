"""Admin actions need the change permission they imply; only superusers act on superusers.

A staff member with only the view permission on users could run every action (set a plan, ban the
superuser) before actions declared their permissions.
"""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import Invitation, User
from generation.models import DailyUsage
from generation.quota import usage_day
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

USER_ACTIONS = [
    "ban",
    "unban",
    "end_all_sessions",
    "set_plan_free",
    "set_plan_pro",
    "set_plan_team",
    "reset_usage_today",
]


def staff_with(user_factory, client_factory, *codenames):
    staff = user_factory(email="staff@example.com", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    browser = client_factory()
    browser.force_login(staff)
    return staff, browser


def run_action(browser, action, *users, url="/admin/accounts/user/"):
    return browser.post(url, {"action": action, "_selected_action": [u.pk for u in users]}, follow=True)


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def test_a_view_only_staff_member_sees_no_actions_and_runs_none(user_factory, client_factory):
    boss = user_factory(email="boss@example.com", is_staff=True, is_superuser=True)
    writer = user_factory(email="writer@example.com", plan="free")
    DailyUsage.objects.create(user=writer, day=usage_day(), used=5)
    _, browser = staff_with(user_factory, client_factory, "view_user")

    listing = browser.get("/admin/accounts/user/")
    assert listing.status_code == 200
    action_form = listing.context["action_form"]  # None when no action is left to offer
    offered = {name for name, _ in action_form.fields["action"].choices if name} if action_form else set()
    assert not offered & set(USER_ACTIONS)

    for action in USER_ACTIONS:
        run_action(browser, action, boss, writer)

    boss.refresh_from_db()
    writer.refresh_from_db()
    assert boss.is_active and boss.plan == "free"
    assert writer.is_active and writer.plan == "free"
    assert DailyUsage.objects.get(user=writer).used == 5


def test_staff_who_may_change_users_do_not_act_on_superusers(user_factory, client_factory):
    boss = user_factory(email="boss@example.com", is_staff=True, is_superuser=True)
    writer = user_factory(email="writer@example.com")
    _, browser = staff_with(user_factory, client_factory, "view_user", "change_user")

    page = run_action(browser, "ban", boss, writer).content.decode()
    run_action(browser, "set_plan_team", boss, writer)

    boss.refresh_from_db()
    writer.refresh_from_db()
    assert "only superusers act on superusers" in page
    assert boss.is_active and boss.plan == "free"
    assert not writer.is_active and writer.plan == "team"


def test_staff_cannot_edit_a_superuser_or_grant_themselves_rights(user_factory, client_factory):
    boss = user_factory(email="boss@example.com", is_staff=True, is_superuser=True)
    staff, browser = staff_with(user_factory, client_factory, "view_user", "change_user")

    browser.post(f"/admin/accounts/user/{boss.pk}/change/", {"email": boss.email, "plan": "free", "is_active": ""})
    browser.post(
        f"/admin/accounts/user/{staff.pk}/change/",
        {"email": staff.email, "plan": "team", "is_active": "on", "is_staff": "on", "is_superuser": "on"},
    )

    boss.refresh_from_db()
    staff.refresh_from_db()
    assert boss.is_active
    assert not staff.is_superuser
    assert staff.plan == "team"  # the rest of the form still saves


def test_staff_cannot_ban_themselves(user_factory, client_factory):
    staff, browser = staff_with(user_factory, client_factory, "view_user", "change_user")
    page = run_action(browser, "ban", staff).content.decode()
    staff.refresh_from_db()
    assert staff.is_active
    assert "You cannot ban yourself" in page


def test_resetting_usage_needs_the_change_permission_on_daily_usage(user_factory, client_factory):
    writer = user_factory(email="writer@example.com")
    DailyUsage.objects.create(user=writer, day=usage_day(), used=5)
    _, browser = staff_with(user_factory, client_factory, "view_user", "change_user")
    run_action(browser, "reset_usage_today", writer)
    assert DailyUsage.objects.get(user=writer).used == 5

    Permission.objects.get(codename="change_dailyusage").user_set.add(User.objects.get(email="staff@example.com"))
    run_action(browser, "reset_usage_today", writer)
    assert DailyUsage.objects.get(user=writer).used == 0


def test_revoking_invitations_needs_the_change_permission(user_factory, client_factory):
    team = TeamFactory(owner=user_factory())
    invitation = Invitation.objects.create(team=team, email="guest@example.com")
    _, browser = staff_with(user_factory, client_factory, "view_invitation")

    run_action(browser, "revoke", invitation, url="/admin/accounts/invitation/")

    invitation.refresh_from_db()
    assert invitation.revoked_at is None
