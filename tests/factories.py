import factory
from allauth.account.models import EmailAddress

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    """A user who signed up by email code and verified the address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"writer{n}@example.com")
    plan = "free"
    password = factory.django.Password(None)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=extracted is not False)


class TeamFactory(factory.django.DjangoModelFactory):
    """A team; pass ``owner=user`` to give it its owner membership."""

    class Meta:
        model = "accounts.Team"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")

    @factory.post_generation
    def owner(team, create, extracted, **kwargs):
        if create and extracted is not None:
            team.memberships.create(user=extracted, role="owner")


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "generation.Document"

    title = factory.Sequence(lambda n: f"Draft {n}")
    body = "First paragraph."
    created_by = factory.SubFactory(UserFactory)
    last_edited_by = factory.SelfAttribute("created_by")
