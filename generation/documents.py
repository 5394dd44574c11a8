"""Which documents a user may see: their personal ones and those of teams they belong to."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from generation.models import Document


def documents_visible_to(user):
    return Document.objects.filter(Q(team__isnull=True, created_by=user) | Q(team__memberships__user=user)).distinct()


def get_document_for(user, pk) -> Document:
    """The document ``pk`` if the user may see it; 404 otherwise, so ids are not enumerable."""
    return get_object_or_404(documents_visible_to(user).select_related("team"), pk=pk)
