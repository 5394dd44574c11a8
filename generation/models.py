from django.conf import settings
from django.db import models
from django.utils import timezone

from generation import pricing


class DailyUsage(models.Model):
    """How many generations a user has been charged for on one day (in USAGE_TIMEZONE).

    A new day is a new row, so the counter resets at midnight without a cron job. The
    unique constraint on (user, day) is what lets the quota take one row lock per day.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_usage")
    day = models.DateField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name_plural = "daily usage"
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="dailyusage_unique_user_day")]

    def __str__(self):
        return f"{self.user} on {self.day}: {self.used}"


class Document(models.Model):
    """A draft in a workspace: the author's personal one (team is empty) or a team's."""

    title = models.CharField(max_length=200, default="Untitled")
    body = models.TextField(blank=True)
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="documents")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="documents"
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change to the body, so a save based on an older text is detected."
    )

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Every save that writes the body raises ``version``, whoever saves (API, admin, editor).

        Open editors compare versions to load teammates' changes and to refuse a save based on
        older text, so a body change that kept the version would be silently overwritten.
        """
        update_fields = kwargs.get("update_fields")
        if self.pk is None or (update_fields is not None and "body" not in update_fields):
            return super().save(*args, **kwargs)
        self.version = models.F("version") + 1
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)
        self.refresh_from_db(fields=["version"])


class GenerationQuerySet(models.QuerySet):
    def shown(self):
        """The generations history pages list: those their author has not deleted."""
        return self.filter(hidden_at__isnull=True)


class Generation(models.Model):
    """One model call. Every request that reserved quota leaves exactly one row."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    # No single-column indexes on user and team: the (user, -created_at) and (team, -created_at)
    # indexes in Meta serve every lookup by either, and each index is one more write per generation.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generations", db_index=False
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="generations", db_index=False
    )
    document = models.ForeignKey(Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="generations")
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="refinements",
        help_text="The earlier generation this one refines: the model saw its prompt and answer first.",
    )
    prompt = models.TextField()
    output = models.TextField(blank=True)
    # Not indexed: every query on status also narrows by owner or by created_at, and with no index on
    # it the commit's UPDATE (status, output, tokens) can be a HOT update that touches no index.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    plan = models.CharField(max_length=16, help_text="The plan the generation ran under.")
    provider = models.CharField(max_length=20)
    model = models.CharField(max_length=100)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    usage_estimated = models.BooleanField(
        default=False, help_text="The server reported no usage; tokens are estimated."
    )
    stop_reason = models.CharField(max_length=40, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error_kind = models.CharField(max_length=30, blank=True)
    error = models.TextField(blank=True)
    charged_day = models.DateField(
        null=True, blank=True, help_text="The usage day this generation was counted on; empty for unlimited plans."
    )
    refunded = models.BooleanField(default=False)
    # What the model's tokens cost when it ran (generation/pricing.py), for model cost and margin.
    input_price_per_mtok = models.DecimalField(
        max_digits=10, decimal_places=4, help_text="USD per million input tokens of the model at the time."
    )
    output_price_per_mtok = models.DecimalField(
        max_digits=10, decimal_places=4, help_text="USD per million output tokens of the model at the time."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Deleted from its author's history; still counted for quota and metrics.",
    )

    objects = GenerationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["team", "-created_at"])]

    def __str__(self):
        return f"#{self.pk} {self.user} {self.status}"

    def save(self, *args, **kwargs):
        """A new generation records its model's current price, whichever code creates it."""
        if self._state.adding:
            self.record_model_price()
        super().save(*args, **kwargs)

    def record_model_price(self) -> None:
        """Fill in the model's current price where none is set; every new row gets it (``save()``,
        and the quota's single-statement insert in generation/quota.py)."""
        if self.input_price_per_mtok is None or self.output_price_per_mtok is None:
            input_price, output_price = pricing.price_per_mtok(self.model)
            if self.input_price_per_mtok is None:
                self.input_price_per_mtok = input_price
            if self.output_price_per_mtok is None:
                self.output_price_per_mtok = output_price


class LimitHit(models.Model):
    """One 402 ``daily_limit_reached`` answer: who was refused, and when (the founder metrics count them)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="limit_hits")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="limithit_created_at_idx"),
            models.Index(fields=["user", "created_at"], name="limithit_user_created_at_idx"),
        ]

    def __str__(self):
        return f"{self.user} at {self.created_at:%Y-%m-%d %H:%M}"
