from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("account/", views.account, name="account"),
    path("account/brand-voice/", views.brand_voice, name="account_brand_voice"),
    path("account/api-keys/", views.api_key_create, name="api_key_create"),
    path("account/api-keys/<int:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("account/sessions/end-others/", views.end_other_sessions, name="end_other_sessions"),
    path("account/sessions/<int:pk>/end/", views.end_session, name="end_session"),
    path("account/connections/disconnect/", views.disconnect_social_account, name="disconnect_social_account"),
]
