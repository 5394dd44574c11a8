from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self):
        from billing import djstripe_compat, receivers  # noqa: F401  (receivers connects the webhook receivers)

        djstripe_compat.apply()
