from django import template

register = template.Library()


@register.inclusion_tag("billing/_payment_failed_banner.html")
def payment_failed_banner(user):
    """A "payment failed" banner when the user's subscription is past due."""
    return {"show": False}
