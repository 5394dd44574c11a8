"""A user's history of generations: who may see one, and what they may do with it.

The visibility rule is the one the detail page (/history/<id>/) and the API's ``"parent"`` share:
a generation is visible to its author and, for a team generation, to whoever may view that team
now. Deleting hides a generation from history pages only: the unit it used stays spent, and the
founder metrics still count it (docs/metrics.md).
"""

from django.utils import timezone

from accounts.permissions import Action
from accounts.workspaces import NotAMember, workspace_of
from generation.models import Generation


def may_see(user, generation: Generation) -> bool:
    """Its author; for a team generation, also whoever may view that team now."""
    if generation.user_id == user.pk:
        return True
    if generation.team_id is None:
        return False
    try:
        return workspace_of(user, generation.team_id).can(Action.VIEW)
    except NotAMember:
        return False


def visible_generation(user, pk: int, queryset=None) -> Generation | None:
    """Generation ``pk`` if ``user`` may see it and its author has not deleted it; otherwise None."""
    queryset = Generation.objects.shown() if queryset is None else queryset.shown()
    generation = queryset.filter(pk=pk).first()
    return generation if generation is not None and may_see(user, generation) else None


def hide(user, generation: Generation) -> bool:
    """Delete ``generation`` from its author's history (only the author may); True if it was hidden now."""
    if generation.user_id != user.pk:
        return False
    return Generation.objects.filter(pk=generation.pk, hidden_at__isnull=True).update(hidden_at=timezone.now()) == 1
