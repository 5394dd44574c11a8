import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import every view (and the model SDKs and Stripe they use) now, while the worker boots,
# rather than on its first request: a worker starting under load would make that request, and
# every stream opened meanwhile, wait about a second.
get_resolver().url_patterns  # noqa: B018 - loading the URLconf is the point
