"""billing's admin: the Stripe summary on the staff user page, and dj-stripe's Invoice admin fixed
for the pinned API version.

The user admin is accounts'; billing extends it and registers the extension in its place
(generation/admin.py extends this one in turn), so accounts needs nothing from billing.

Since API version basil an invoice has no ``paid`` field (its ``status`` says "paid"), but dj-stripe
2.11's ``Invoice.paid`` still reads it: the invoice list (a column) and every invoice page (all
properties are shown) raised KeyError 'paid' and answered 500. The status column replaces it.
"""

from django.contrib import admin
from djstripe.admin.admin import InvoiceAdmin
from djstripe.models import Invoice

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


# Invoice properties that read fields the pinned API version no longer sends.
GONE_FROM_INVOICE = ("paid",)

admin.site.unregister(Invoice)


@admin.register(Invoice)
class PinnedVersionInvoiceAdmin(InvoiceAdmin):
    list_display = tuple("status" if name in GONE_FROM_INVOICE else name for name in InvoiceAdmin.list_display)

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name not in GONE_FROM_INVOICE]
