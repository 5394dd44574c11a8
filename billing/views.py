from django.shortcuts import render

from billing.plans import PLANS


def pricing(request):
    return render(request, "billing/pricing.html", {"plans": PLANS.values()})
