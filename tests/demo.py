"""`make demo`: Inkwell with a fake Stripe and a fake Messages API, so the whole journey runs offline.

Both fakes listen on 127.0.0.1 on ephemeral ports; the app runs on PORT (default 8000) with a
fresh SQLite database (demo.sqlite3) unless DATABASE_URL is set, because the fakes start empty.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.fake_anthropic import FakeAnthropic
from tests.fake_stripe import PUBLISHABLE_KEY, FakeStripe

BASE_DIR = Path(__file__).resolve().parent.parent
DEMO_DATABASE = BASE_DIR / "demo.sqlite3"


def step(message):
    """Say what the demo is doing while it prepares, so a first start never sits silent."""
    print(f"make demo: {message}", flush=True)


def manage(env, *args, capture=False):
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=BASE_DIR, env=env, check=True, text=True, capture_output=capture)  # noqa: S603
    return result.stdout if capture else ""


def main():
    port = os.environ.get("PORT", "8000")
    site_url = f"http://127.0.0.1:{port}"
    stripe = FakeStripe().start()
    model = FakeAnthropic().start()
    step(f"fake Stripe on {stripe.url}, fake model on {model.url}")
    if "DATABASE_URL" in os.environ:
        database = "the database in DATABASE_URL (a new PostgreSQL database takes about two minutes)"
    else:
        database = "a fresh demo database, demo.sqlite3 (a few seconds)"
        for path in BASE_DIR.glob("demo.sqlite3*"):
            path.unlink()
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{DEMO_DATABASE}"),
        "SITE_URL": site_url,
        "STRIPE_SECRET_KEY": stripe.secret_key,
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "STRIPE_WEBHOOK_SECRET": stripe.webhook_secret,
        "STRIPE_API_BASE": stripe.url,
        "LLM_PROVIDER": "anthropic",
        "ANTHROPIC_BASE_URL": model.url,
        "ANTHROPIC_API_KEY": "sk-ant-demo-not-a-real-key",
        "LLM_MODEL": os.environ.get("LLM_MODEL", "claude-demo"),
    }
    try:
        # --skip-checks: runserver runs Django's system checks once, at the end (each run takes seconds).
        step(f"migrating {database}...")
        manage(env, "migrate", "--noinput", "--skip-checks")
        step("creating the plans' products and prices in the fake Stripe (setup_billing, a few seconds)...")
        setup = manage(env, "setup_billing", "--skip-checks", capture=True)
        print(setup)
        stripe.webhook_url = re.search(r"Send Stripe webhooks to (\S+)", setup)[1]
        print(
            f"\n  Inkwell demo: {site_url}/  (fake Stripe at {stripe.url}, fake model at {model.url})\n"
            f"  1. Sign up at {site_url}/accounts/signup/ with any email; the code is printed below.\n"
            f"  2. Generate at {site_url}/generate/ until the daily limit stops you, then upgrade.\n"
            "  3. Press Pay on the fake Checkout page; you come back as Pro once the webhook lands.\n"
            f"  4. Billing ({site_url}/billing/) > Manage billing > Cancel plan: Pro until the period ends;\n"
            "     'Simulate the end of the period' ends it, and you are back on Free.\n"
        )
        step('starting the server: the pages answer once Django prints "Starting development server" (a few seconds).')
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=BASE_DIR, env=env
        )
    except KeyboardInterrupt:
        pass
    finally:
        stripe.stop()
        model.stop()


if __name__ == "__main__":
    main()
