"""billing's part of the staff user page: the Stripe customer and its subscriptions.

The user admin is accounts'; billing extends it and registers the extension in its place
(generation/admin.py extends this one in turn), so accounts needs nothing from billing.
"""

from django.contrib import admin

from accounts.admin import UserAdmin as AccountsUserAdmin
from accounts.models import User
from billing.summary import stripe_summary

admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AccountsUserAdmin):
    readonly_fields = [*AccountsUserAdmin.readonly_fields, "stripe_summary"]
    fieldsets = [*AccountsUserAdmin.fieldsets, ("Billing", {"fields": ["stripe_summary"]})]

    @admin.display(description="Stripe")
    def stripe_summary(self, user):
        return stripe_summary(user)
