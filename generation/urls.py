from django.urls import path

from generation import account_views, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("generate/", views.generate_page, name="generate"),
    path("generate/status/", views.generate_status, name="generate_status"),
    path("history/", views.history_list, name="history"),
    path("history/<int:pk>/", views.history_detail, name="history_detail"),
    path("history/<int:pk>/send/", views.history_send, name="history_send"),
    path("history/<int:pk>/delete/", views.history_delete, name="history_delete"),
    path("teams/<slug:slug>/history/", views.team_history, name="team_history"),
    path("account/export/", account_views.account_export, name="account_export"),
    path("account/delete/", account_views.account_delete, name="account_delete"),
]
