from django.urls import path

from generation import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("generate/", views.generate_page, name="generate"),
    path("generate/status/", views.generate_status, name="generate_status"),
    path("history/", views.history, name="history"),
    path("history/<int:pk>/", views.history_detail, name="history_detail"),
    path("teams/<slug:slug>/history/", views.team_history, name="team_history"),
]
