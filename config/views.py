import logging

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from billing.plans import FREE, PLANS

logger = logging.getLogger(__name__)


def landing(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "landing.html", {"plans": list(PLANS.values()), "free_plan": FREE})


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "error": "database_unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def admin_login(request):
    """/admin/login/: staff sign in like everyone, by emailed code on /login/ with its rate limits; the
    admin's password form, which had none, is never offered. A signed-in user who is not staff is refused
    here (sending them to /login/ would bounce straight back to the admin)."""
    if request.user.is_authenticated:
        raise PermissionDenied("Only staff can use the admin.")
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("login") + (f"?{query}" if query else ""))
