"""config/settings.py reads everything from the environment; each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "db": {k: db.get(k) for k in ("ENGINE", "NAME", "USER", "HOST", "PORT", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")},
    "db_options": db.get("OPTIONS", {}),
    "cache": settings.CACHES["default"],
    "providers": sorted(settings.SOCIALACCOUNT_PROVIDERS),
    "google_client_id": settings.SOCIALACCOUNT_PROVIDERS.get("google", {}).get("APP", {}).get("client_id"),
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": getattr(settings, "EMAIL_HOST", None),
    "email_port": getattr(settings, "EMAIL_PORT", None),
    "email_tls": getattr(settings, "EMAIL_USE_TLS", False),
}))
"""


def run_python(code, **env):
    clean_env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ["HOME"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter running our own probe
        [sys.executable, "-c", code], cwd=BASE_DIR, env=clean_env, capture_output=True, text=True, timeout=60
    )


def settings_with(**env):
    result = run_python(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_database_url_selects_postgresql_through_a_bounded_health_checked_pool():
    parsed = settings_with(DATABASE_URL="postgres://ink:secret@db.internal:6543/inkwell")
    assert parsed["db"] == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "inkwell",
        "USER": "ink",
        "HOST": "db.internal",
        "PORT": 6543,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
    }
    assert parsed["db_options"]["pool"] == {"min_size": 2, "max_size": 10, "timeout": 10.0}


def test_pool_sizes_come_from_the_environment():
    parsed = settings_with(
        DATABASE_URL="postgres://ink@db.internal/inkwell",
        DATABASE_POOL_MIN_SIZE="1",
        DATABASE_POOL_MAX_SIZE="4",
        DATABASE_POOL_TIMEOUT="2.5",
    )
    assert parsed["db_options"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 2.5}


def test_without_database_url_development_uses_sqlite_safe_for_concurrent_writes():
    parsed = settings_with()
    assert parsed["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert parsed["db"]["NAME"].endswith("db.sqlite3")
    assert parsed["db_options"]["transaction_mode"] == "IMMEDIATE"
    assert parsed["db_options"]["timeout"] > 0
    assert "journal_mode=WAL" in parsed["db_options"]["init_command"]


def test_redis_url_selects_the_redis_cache():
    parsed = settings_with(REDIS_URL="redis://cache.internal:6379/3")
    assert parsed["cache"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/3",
    }


def test_without_redis_url_the_cache_is_local_memory():
    assert settings_with()["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_sign_in_providers_are_configured_only_when_their_keys_are_set():
    assert settings_with()["providers"] == []
    parsed = settings_with(GOOGLE_CLIENT_ID="gid.apps.googleusercontent.com", GOOGLE_CLIENT_SECRET="s")
    assert parsed["providers"] == ["google"]
    assert parsed["google_client_id"] == "gid.apps.googleusercontent.com"
    both = settings_with(GOOGLE_CLIENT_ID="g", GITHUB_CLIENT_ID="h", GITHUB_CLIENT_SECRET="s")
    assert both["providers"] == ["github", "google"]


def test_emails_print_to_the_console_unless_email_url_is_set():
    assert settings_with()["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    smtp = settings_with(EMAIL_URL="smtp://user:pass@smtp.example.com:587")
    assert smtp["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (smtp["email_host"], smtp["email_port"], smtp["email_tls"]) == ("smtp.example.com", 587, True)


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Qm2vN9pL4rT8wZ1cF6hJ3kB5nD0sG7yU2eA9iO4lR6tV8qW1zX3mC5bN7",
    "ALLOWED_HOSTS": "inkwell.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://inkwell.example.com",
    "SITE_URL": "https://inkwell.example.com",
    "DATABASE_URL": "postgres://ink:secret@db.internal:5432/inkwell",
    "REDIS_URL": "redis://cache.internal:6379/0",
}
CHECK_DEPLOY = (
    "import sys; from django.core.management import execute_from_command_line; execute_from_command_line(sys.argv)"
)


@pytest.mark.parametrize("ssl_redirect", ["", "0"], ids=["app-redirects", "platform-redirects"])
def test_check_deploy_reports_nothing_in_production(ssl_redirect):
    code = (
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    # dj-stripe's checks query the (unreachable) database: give up on it after 1 s, not the pool's 10.
    result = run_python(code, **PRODUCTION, SECURE_SSL_REDIRECT=ssl_redirect, DATABASE_POOL_TIMEOUT="1")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_with_the_development_secret_key():
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = run_python("import django; django.setup()", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is the development key and DEBUG is off" in result.stderr
