"""A user's billing state as staff see it in the admin."""


def stripe_summary(user) -> str:
    return "No Stripe customer"
