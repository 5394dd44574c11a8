from django.urls import path, re_path

from generation import api, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("generate/", views.generate_page, name="generate"),
    path("history/", views.history, name="history"),
    path("history/<int:pk>/", views.history_detail, name="history_detail"),
    path("api/generate", api.generate, name="api_generate"),
    path("api/usage", api.usage, name="api_usage"),
    re_path(r"^api/", api.not_found),
]
