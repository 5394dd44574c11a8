"""Inkwell settings: every value comes from the environment (see .env.example)."""

from decimal import Decimal, InvalidOperation
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 - refused below when DEBUG is off

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the development key and DEBUG is off. Set SECRET_KEY to a long random value "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or DEBUG=1 for development."
    )

SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "allauth.usersessions",
    "django_htmx",
    "template_partials",
    "csp",
    "djstripe",
    "accounts",
    "billing",
    "generation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RequestBodyFirstMiddleware",
    "config.middleware.ProxyCountWarningMiddleware",
    "config.middleware.ApiKeyFastLaneMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivatePagesNotCachedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
]

# Database: SQLite file for zero-setup development, PostgreSQL (DATABASE_URL) everywhere else.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on the busy timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Django's psycopg pool, bounded per process: a process never holds more than max_size
    # connections, however many requests it serves at once (docs/serving.md: the connection
    # budget). A request borrows a connection for its queries; the generate path gives it back
    # while the model streams. The pool checks each connection before lending it.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections, not the request
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    }
    # Behind PgBouncer in transaction mode a cursor cannot outlive its transaction (docs/serving.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"  # URL names, resolved by Django
LOGIN_REDIRECT_URL = "dashboard"

# Sessions live in the database so staff can end them (bans) and users can see them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# allauth: passwordless email codes, social sign-in, tracked user sessions.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
# One address per account: a new address replaces the old once its emailed code is entered.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    # Per address: 3 a minute, 10 an hour, 20 a day (README, "Security"); per IP: 20 a minute.
    "request_login_code": "20/m/ip,3/m/key,10/h/key,20/d/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_FORMS = {"request_login_code": "accounts.forms.LoginForm"}
SOCIALACCOUNT_FORMS = {"disconnect": "accounts.forms.DisconnectForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # the subjects in templates/account/email/ name Inkwell themselves
# Behind N reverse proxies, the client's IP (shown for each session) is N hops back in X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {}
if env("GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APP": {"client_id": env("GOOGLE_CLIENT_ID"), "secret": env("GOOGLE_CLIENT_SECRET", default="")},
        "SCOPE": ["profile", "email"],
        "EMAIL_AUTHENTICATION": True,
    }
if env("GITHUB_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["github"] = {
        "APP": {"client_id": env("GITHUB_CLIENT_ID"), "secret": env("GITHUB_CLIENT_SECRET", default="")},
        "SCOPE": ["user:email"],
        "EMAIL_AUTHENTICATION": True,
    }
USERSESSIONS_TRACK_ACTIVITY = True

# Email: EMAIL_URL such as smtp://user:pass@host:587; without it, emails print to the console.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
# Port 587 (submission) speaks STARTTLS and 465 implicit TLS, so smtp://user:pass@host:587 just works.
if EMAIL_CONFIG.get("EMAIL_PORT") == 587 and not EMAIL_CONFIG.get("EMAIL_USE_SSL"):
    EMAIL_CONFIG["EMAIL_USE_TLS"] = True
elif EMAIL_CONFIG.get("EMAIL_PORT") == 465 and not EMAIL_CONFIG.get("EMAIL_USE_TLS"):
    EMAIL_CONFIG["EMAIL_USE_SSL"] = True
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Inkwell <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Shown on the Contact page (templates/legal/contact.html); empty: the page says there is none yet.
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="")

# Serving: a request body trickling in longer than this is answered 408 (docs/serving.md).
REQUEST_BODY_TIMEOUT_SECONDS = env.float("REQUEST_BODY_TIMEOUT_SECONDS", default=30.0)

# Seconds a process keeps an API key's owner before looking the key up again: a revoked key, a
# ban or a plan change reaches API calls within this time (accounts/api_keys.py); 0 turns it off.
API_KEY_CACHE_SECONDS = env.float("API_KEY_CACHE_SECONDS", default=2.0)

# Generation
USAGE_TIMEZONE = env("USAGE_TIMEZONE", default="UTC")
PROMPT_MAX_CHARS = env.int("PROMPT_MAX_CHARS", default=8000)
RATE_LIMIT_PER_MINUTE = env.int("RATE_LIMIT_PER_MINUTE", default=20)
ANTHROPIC_API_KEY = env("ANTHROPIC_API_KEY", default="")
ANTHROPIC_BASE_URL = env("ANTHROPIC_BASE_URL", default="")
OPENAI_BASE_URL = env("OPENAI_BASE_URL", default="")
OPENAI_API_KEY = env("OPENAI_API_KEY", default="")
LLM_PROVIDER = env("LLM_PROVIDER", default="anthropic" if ANTHROPIC_API_KEY else "demo")
LLM_MODEL = env("LLM_MODEL", default="")
LLM_TIMEOUT_SECONDS = env.float("LLM_TIMEOUT_SECONDS", default=60.0)
DEMO_DELAY_SECONDS = env.float("DEMO_DELAY_SECONDS", default=0.03)
# The SDKs retry only while opening a stream (before the first token), never mid-answer.
LLM_MAX_RETRIES = env.int("LLM_MAX_RETRIES", default=2)


def env_price(name):
    """A USD-per-million-tokens price from the environment; None (unset) means the model's list price."""
    value = env(name, default="").strip()
    try:
        price = Decimal(value) if value else None
    except InvalidOperation:
        price = None
    if value and (price is None or not price.is_finite() or price < 0):
        raise ImproperlyConfigured(f"{name}={value!r}: give the price in USD per million tokens, e.g. 3 or 0.25.")
    return price


# What LLM_MODEL costs, for the founder metrics (generation/pricing.py has the defaults' list prices).
LLM_PRICE_INPUT_PER_MTOK = env_price("LLM_PRICE_INPUT_PER_MTOK")
LLM_PRICE_OUTPUT_PER_MTOK = env_price("LLM_PRICE_OUTPUT_PER_MTOK")

# Billing: dj-stripe mirrors Stripe; without keys the billing pages say "not configured".
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="").rstrip("/")
if STRIPE_API_BASE:
    # dj-stripe points stripe-python's api_base at STRIPE_API_HOST when it loads.
    STRIPE_API_HOST = STRIPE_API_BASE
STRIPE_LIVE_MODE = STRIPE_SECRET_KEY.startswith(("sk_live_", "rk_live_"))
STRIPE_PUBLIC_KEY = STRIPE_PUBLISHABLE_KEY
if STRIPE_LIVE_MODE:
    STRIPE_LIVE_SECRET_KEY = STRIPE_SECRET_KEY
else:
    STRIPE_TEST_SECRET_KEY = STRIPE_SECRET_KEY
# Every Stripe request carries this version (dj-stripe's setting; without it the version would follow
# whichever stripe-python is installed). Not an env var: the billing code, dj-stripe 2.11 and the
# test fake (tests/fake_stripe.py, checked against this version's OpenAPI spec) speak its shapes.
STRIPE_API_VERSION = "2026-05-27.dahlia"
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Production safety. Behind a proxy that terminates TLS, X-Forwarded-Proto tells Django the
# request was https, so the redirect does not loop; SECURE_SSL_REDIRECT=0 leaves it to the proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Turned off on purpose (the platform redirects to https), so `check --deploy` need not warn about it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_SSL_REDIRECT or DEBUG else ["security.W008"]
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Eligible for browsers' HSTS preload lists (submitting the domain is still a separate, manual step).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, "https:"] if not DEBUG else [SELF, "http:", "https:"],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"redact_tokens": {"()": "config.logs.RedactTokens"}},  # invitation links stay out of logs
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
