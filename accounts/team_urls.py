from django.urls import path

from accounts import team_views

urlpatterns = [
    path("teams/", team_views.team_list, name="team_list"),
]
