from django.contrib import admin, messages
from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import Truncator

from accounts.admin import plural, selected_users
from accounts.models import User
from billing.admin import UserAdmin as BillingUserAdmin
from generation import quota
from generation.models import DailyUsage, Generation

admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BillingUserAdmin):
    """The staff user page with generation's part: today's usage, and resetting it."""

    list_display = [*BillingUserAdmin.list_display, "usage_today"]
    readonly_fields = [*BillingUserAdmin.readonly_fields, "usage_today"]
    fieldsets = [*BillingUserAdmin.fieldsets, ("Usage", {"fields": ["usage_today"]})]
    actions = [*BillingUserAdmin.actions, "reset_usage_today"]

    def get_queryset(self, request):
        """Today's usage as one more annotation, so the list stays one query."""
        today = DailyUsage.objects.filter(user=OuterRef("pk"), day=quota.usage_day()).values("used")[:1]
        used_today = Coalesce(Subquery(today, output_field=IntegerField()), 0)
        return super().get_queryset(request).annotate(used_today=used_today)

    @admin.display(description="Used today")
    def usage_today(self, user):
        used = getattr(user, "used_today", None)
        if used is None:  # the change page's object is not annotated
            used = quota.used_today(user)
        limit = user.plan_info.daily_generations
        return f"{used} / {'unlimited' if limit is None else limit}"

    def has_reset_usage_permission(self, request):
        """Resetting usage changes the counters, so it needs the change permission on daily usage."""
        return request.user.has_perm(f"{DailyUsage._meta.app_label}.change_dailyusage")

    @admin.action(description="Reset today's usage", permissions=["reset_usage"])
    def reset_usage_today(self, request, queryset):
        changed = quota.reset_today(selected_users(self, request, queryset))
        self.message_user(request, f"Reset today's usage of {plural(changed, 'user')}.", messages.SUCCESS)


@admin.register(Generation)
class GenerationAdmin(admin.ModelAdmin):
    """The generation log: read-only, because it is the record the quota and billing rely on."""

    list_display = (
        "id",
        "user",
        "prompt_preview",
        "team",
        "status",
        "plan",
        "provider",
        "model",
        "output_tokens",
        "latency_ms",
        "refunded",
        "created_at",
    )
    list_filter = (
        "status",
        "provider",
        "plan",
        "refunded",
        ("hidden_at", admin.EmptyFieldListFilter),  # deleted from the author's history, still counted
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = ("user__email", "prompt", "model")
    date_hierarchy = "created_at"
    list_select_related = ("user", "team")
    readonly_fields = [field.name for field in Generation._meta.fields]

    @admin.display(description="prompt")
    def prompt_preview(self, obj):
        return Truncator(obj.prompt).chars(60)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DailyUsage)
class DailyUsageAdmin(admin.ModelAdmin):
    list_display = ("user", "day", "used")
    list_filter = (("day", admin.DateFieldListFilter),)
    search_fields = ("user__email",)
    date_hierarchy = "day"
    list_select_related = ("user",)
    raw_id_fields = ("user",)
