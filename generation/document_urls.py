from django.urls import path

from generation import document_views

urlpatterns = [
    path("documents/", document_views.document_list, name="document_list"),
    path("documents/new/", document_views.document_create, name="document_create"),
    path("documents/<int:pk>/", document_views.document_detail, name="document_detail"),
    path("documents/<int:pk>/live/", document_views.document_live, name="document_live"),
    path("documents/<int:pk>/save/", document_views.document_save, name="document_save"),
    path("documents/<int:pk>/rename/", document_views.document_rename, name="document_rename"),
    path("documents/<int:pk>/export/md/", document_views.document_export_markdown, name="document_export_markdown"),
    path("documents/<int:pk>/export/docx/", document_views.document_export_docx, name="document_export_docx"),
    path("documents/<int:pk>/delete/", document_views.document_delete, name="document_delete"),
]
