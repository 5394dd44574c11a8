"""Pages for staff only: the founder metrics (generation/metrics.py, docs/metrics.md)."""

from functools import wraps

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from billing.plans import PLANS
from billing.templatetags.billing import money
from generation import stats
from generation.metrics import DEFAULT_DAYS, MONTH_DAYS, WINDOW_CHOICES, Metrics


def staff_only(view):
    """Staff see the page; for everyone else, signed in or not, it does not exist (404)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapper


@staff_only
@require_GET
def metrics_page(request):
    requested = request.GET.get("days", "")
    days = int(requested) if requested in {str(choice) for choice in WINDOW_CHOICES} else DEFAULT_DAYS
    metrics = Metrics(days)
    figures = metrics.figures()
    plans = [
        {"plan": PLANS[code], "losing": row["model_cost"] > row["revenue"], **row}
        for code, row in figures["by_plan"].items()
    ]
    top_cost_users = [
        {"admin_url": reverse("admin:accounts_user_change", args=[row["user_id"]]), **row}
        for row in metrics.top_cost_users
    ]
    return render(
        request,
        "generation/staff_metrics.html",
        {
            "days": days,
            "window_choices": WINDOW_CHOICES,
            "month_days": MONTH_DAYS,
            "metrics": metrics,
            "figures": figures,
            "plans": plans,
            "top_cost_users": top_cost_users,
            "mrr_chart": stats.chart_bars(metrics.mrr_by_day(), value="mrr", label=money),
            "generations_chart": stats.chart_bars(metrics.generations_by_day()),
        },
    )
