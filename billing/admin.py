"""dj-stripe's Invoice admin, fixed for the pinned API version.

Since API version basil an invoice has no ``paid`` field (its ``status`` says "paid"), but dj-stripe
2.11's ``Invoice.paid`` still reads it: the invoice list (a column) and every invoice page (all
properties are shown) raised KeyError 'paid' and answered 500. The status column replaces it.
"""

from django.contrib import admin
from djstripe.admin.admin import InvoiceAdmin
from djstripe.models import Invoice

# Invoice properties that read fields the pinned API version no longer sends.
GONE_FROM_INVOICE = ("paid",)

admin.site.unregister(Invoice)


@admin.register(Invoice)
class PinnedVersionInvoiceAdmin(InvoiceAdmin):
    list_display = tuple("status" if name in GONE_FROM_INVOICE else name for name in InvoiceAdmin.list_display)

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name not in GONE_FROM_INVOICE]
