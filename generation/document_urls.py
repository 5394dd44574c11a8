from django.urls import path

from generation import document_views

urlpatterns = [
    path("documents/", document_views.document_list, name="document_list"),
]
