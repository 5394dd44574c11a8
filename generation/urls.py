from django.urls import path

from generation import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
