from django.contrib import admin
from django.utils.text import Truncator

from generation.models import DailyUsage, Generation


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
    list_filter = ("status", "provider", "plan", "refunded", ("created_at", admin.DateFieldListFilter))
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
