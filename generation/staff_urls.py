from django.urls import path

from generation import staff_views

urlpatterns = [
    path("staff/metrics/", staff_views.metrics_page, name="staff_metrics"),
]
