from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, Exists, Max, OuterRef

from accounts import moderation
from accounts.models import ApiKey, User
from billing.plans import PLANS


def plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


def selected_users(modeladmin, request, queryset):
    """The chosen users without the list's annotations, which UPDATE and DELETE cannot carry.

    Only superusers act on superusers: for other staff, superusers among the chosen are left out,
    and the page says so.
    """
    users = User.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
    if request.user.is_superuser:
        return users
    skipped = users.filter(is_superuser=True).count()
    if skipped:
        modeladmin.message_user(
            request,
            f"Left out {plural(skipped, 'superuser')}: only superusers act on superusers.",
            messages.WARNING,
        )
    return users.exclude(is_superuser=True)


def _set_plan_action(plan):
    def set_plan(modeladmin, request, queryset):
        changed = selected_users(modeladmin, request, queryset).exclude(plan=plan.code).update(plan=plan.code)
        modeladmin.message_user(request, f"Set {plural(changed, 'user')} to the {plan.name} plan.", messages.SUCCESS)

    set_plan.__name__ = f"set_plan_{plan.code}"
    return admin.action(description=f"Set plan by hand: {plan.name}", permissions=["change"])(set_plan)


class UserSessionInline(admin.TabularInline):
    model = UserSession
    extra = 0
    can_delete = False
    fields = ["ip", "user_agent", "created_at", "last_seen_at"]
    readonly_fields = fields
    verbose_name_plural = "Active sessions"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users as staff see them. Figures other apps own are added by those apps' admin modules, which
    subclass this one and register it again: billing's Stripe summary (billing/admin.py), then
    generation's usage today and its reset (generation/admin.py)."""

    ordering = ["-date_joined"]
    list_display = [
        "email",
        "plan",
        "verified_email",
        "last_seen",
        "active_sessions",
        "is_active",
        "is_staff",
        "date_joined",
    ]
    list_filter = ["plan", "is_active", "is_staff"]
    search_fields = ["email", "name"]
    readonly_fields = ["banned_at", "last_login", "date_joined"]
    inlines = [UserSessionInline]
    actions = [
        "ban",
        "unban",
        "end_all_sessions",
        *[_set_plan_action(plan) for plan in PLANS.values()],
    ]
    fieldsets = [
        (None, {"fields": ["email", "name"]}),
        ("Plan", {"fields": ["plan"]}),
        ("Status", {"fields": ["is_active", "banned_at", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]})]

    def get_queryset(self, request):
        """One query for the whole list: sessions, last seen and verification as annotations."""
        return (
            super()
            .get_queryset(request)
            .annotate(
                session_count=Count("usersession", distinct=True),
                session_last_seen=Max("usersession__last_seen_at"),
                verified_email_exists=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)),
            )
        )

    @admin.display(boolean=True, description="Verified email", ordering="verified_email_exists")
    def verified_email(self, user):
        return user.verified_email_exists

    @admin.display(description="Last seen", ordering="session_last_seen")
    def last_seen(self, user):
        return user.session_last_seen or user.last_login

    @admin.display(description="Sessions", ordering="session_count")
    def active_sessions(self, user):
        return user.session_count

    # Staff who may not edit superusers may not edit their rights either, or they could grant themselves any.
    SUPERUSER_ONLY_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else readonly + self.SUPERUSER_ONLY_FIELDS

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="Ban: suspend and end every session", permissions=["change"])
    def ban(self, request, queryset):
        if queryset.filter(pk=request.user.pk).exists():  # banning yourself would lock you out of the admin
            self.message_user(request, "You cannot ban yourself; the others selected are banned.", messages.WARNING)
        banned, ended = moderation.ban(selected_users(self, request, queryset).exclude(pk=request.user.pk))
        self.message_user(
            request, f"Banned {plural(banned, 'user')} and ended {plural(ended, 'session')}.", messages.SUCCESS
        )

    @admin.action(description="Unban: let them sign in again", permissions=["change"])
    def unban(self, request, queryset):
        changed = moderation.unban(selected_users(self, request, queryset))
        self.message_user(request, f"Unbanned {plural(changed, 'user')}.", messages.SUCCESS)

    @admin.action(description="End all sessions (sign out everywhere)", permissions=["change"])
    def end_all_sessions(self, request, queryset):
        users = selected_users(self, request, queryset)
        ended = moderation.end_sessions(users)
        self.message_user(
            request, f"Ended {plural(ended, 'session')} of {plural(users.count(), 'user')}.", messages.SUCCESS
        )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__email"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]


from accounts import team_admin  # noqa: E402,F401  (team admin pages live beside the team code)
