from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.models import Team


@login_required
def team_list(request):
    teams = Team.objects.filter(memberships__user=request.user)
    return render(request, "accounts/team_list.html", {"teams": teams})
