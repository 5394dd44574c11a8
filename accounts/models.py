import hashlib
import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.functional import cached_property

from billing.plans import DEFAULT_PLAN, PLAN_CHOICES, get_plan


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A customer or staff member; the email address is the login."""

    username = None
    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    plan = models.CharField(max_length=16, choices=PLAN_CHOICES, default=DEFAULT_PLAN)
    banned_at = models.DateTimeField(null=True, blank=True)
    brand_voice = models.TextField(
        blank=True, help_text="Style instructions sent to the model as the system prompt in the personal workspace."
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    def __str__(self):
        return self.email

    @property
    def plan_info(self):
        return get_plan(self.plan)

    @property
    def display_name(self):
        return self.name or self.email.split("@")[0]

    @property
    def has_verified_email(self) -> bool:
        """True once allauth has verified one of the user's addresses (code, Google or GitHub)."""
        return self.emailaddress_set.filter(verified=True).exists()


class ApiKey(models.Model):
    """A bearer token for the JSON API. Only a SHA-256 hash of the secret is stored."""

    PREFIX = "ink_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="The first characters of the key, shown to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw_key: str) -> str:
        return hashlib.sha256(raw_key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiKey", str]:
        """Create a key and return it with the raw secret, which is shown to the user once."""
        raw_key = cls.PREFIX + secrets.token_urlsafe(32)
        key = cls.objects.create(user=user, name=name, prefix=raw_key[:12], key_hash=cls.hash(raw_key))
        return key, raw_key

    @property
    def is_active(self):
        return self.revoked_at is None


def owner_memberships(through: str = "") -> Prefetch:
    """Prefetch each team's owner membership (with its user) onto ``team.owner_memberships``, which
    ``Team.owner`` reads. ``through`` is the path to the teams: "team__" from memberships."""
    return Prefetch(
        f"{through}memberships",
        queryset=Membership.objects.filter(role=Membership.Role.OWNER).select_related("user"),
        to_attr="owner_memberships",
    )


class TeamQuerySet(models.QuerySet):
    def with_owner(self):
        """Each team with its owner: one more query for all of them, so ``owner`` and ``plan_info`` cost nothing."""
        return self.prefetch_related(owner_memberships())


class MembershipQuerySet(models.QuerySet):
    def with_team(self):
        """Each membership with its team and the team's owner, in two queries however many there are."""
        return self.select_related("team").prefetch_related(owner_memberships(through="team__"))


def validate_one_line_text(value: str) -> None:
    """Refuse control characters (line breaks, tabs, NUL...) and line separators: a team's name goes into
    email subjects, where a line break is a header injection (Django refuses to send it)."""
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise ValidationError(
            "Use letters, numbers, spaces and punctuation only, on one line.", code="control_characters"
        )


class Team(models.Model):
    """A shared workspace. Its plan is its owner's plan."""

    name = models.CharField(max_length=100, validators=[validate_one_line_text])
    slug = models.SlugField(max_length=60, unique=True)
    brand_voice = models.TextField(
        blank=True, help_text="Style instructions sent to the model as the system prompt for this team."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @cached_property
    def owner(self):
        """The owning user (None for a team whose owner left it, which staff must fix).

        Loaded with the team by ``Team.objects.with_owner()``; otherwise one query, once per instance.
        """
        owners = getattr(self, "owner_memberships", None)
        if owners is None:
            owners = list(self.memberships.select_related("user").filter(role=Membership.Role.OWNER))
        return owners[0].user if owners else None

    @property
    def plan_info(self):
        """A team's plan is its owner's plan."""
        owner = self.owner
        return get_plan(owner.plan if owner else DEFAULT_PLAN)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_unique_user_per_team"),
            models.UniqueConstraint(fields=["team"], condition=Q(role="owner"), name="membership_one_owner_per_team"),
        ]

    def __str__(self):
        return f"{self.user} in {self.team} ({self.role})"


INVITATION_VALID_DAYS = 7


def invitation_expiry():
    return timezone.now() + timedelta(days=INVITATION_VALID_DAYS)


def invitation_token():
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A single-use invitation link sent by email; it expires after ``INVITATION_VALID_DAYS``."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, default=invitation_token)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.team}"

    @property
    def role_phrase(self) -> str:
        """The invited role as the emails and the invitation page say it: "an admin", "a member"."""
        label = self.get_role_display().lower()
        return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


class InvitationEmail(models.Model):
    """One invitation email sent (first or resent): what the spam caps in accounts/invitations.py count.

    Kept when the invitation or its team is deleted, so deleting a team gives no emails back."""

    invitation = models.ForeignKey(Invitation, on_delete=models.SET_NULL, null=True, related_name="emails")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, related_name="+")
    email = models.EmailField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["sent_by", "sent_at"], name="invitation_email_by_sender"),
            models.Index(fields=["email", "sent_at"], name="invitation_email_by_address"),
            models.Index(fields=["team", "sent_at"], name="invitation_email_by_team"),
        ]

    def __str__(self):
        return f"{self.email} at {self.sent_at:%Y-%m-%d %H:%M}"
