from django.urls import path

from billing import views

urlpatterns = [
    path("pricing/", views.pricing, name="pricing"),
    path("billing/", views.billing, name="billing"),
    path("billing/checkout/", views.checkout, name="checkout"),
    path("billing/success/", views.checkout_success, name="checkout_success"),
    path("billing/portal/", views.portal, name="billing_portal"),
]
