from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("stripe/", include("djstripe.urls", namespace="djstripe")),
    path("", include("accounts.urls")),
    path("", include("accounts.team_urls")),
    path("", include("billing.urls")),
    path("", include("generation.urls")),
    path("", include("generation.document_urls")),
]
