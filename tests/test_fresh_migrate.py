"""`migrate` on an empty SQLite database: tables in one step, the same schema and history as replaying.

`accounts/management/commands/migrate.py` creates a fresh SQLite database's tables from the
migrations' final state and records every migration as applied. Here one database is made that way
and one by Django's own `migrate`, which replays every migration (about two minutes, most of this
module's run time), each in a subprocess on its own SQLite file; then both are compared, and both
are taken through a later dj-stripe migration, as after upgrading dj-stripe.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from django.db import migrations, models

from accounts.management.commands.migrate import Command

BASE_DIR = Path(__file__).resolve().parent.parent

REPLAY_EVERY_MIGRATION = (
    "import django; django.setup(); "
    "from django.core.management import call_command; "
    "from django.core.management.commands.migrate import Command; "
    "call_command(Command(), interactive=False, verbosity=2)"
)

# A dj-stripe release after ours, as its migrations would arrive: the three we have, then one more
# that adds a column, rebuilds a table on SQLite (a column becomes nullable) and adds an index.
UPGRADED_DJSTRIPE_MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("djstripe", "0003_2_11")]
    operations = [
        migrations.AddField("customer", "tax_country", models.CharField(max_length=2, blank=True, default="")),
        migrations.AlterField("customer", "email", models.TextField(max_length=5000, blank=True, null=True)),
        migrations.AddIndex("customer", models.Index(fields=["tax_country"], name="djstripe_customer_tax_idx")),
    ]
"""


def run(command, database, **environment):
    result = subprocess.run(  # noqa: S603
        command,
        cwd=BASE_DIR,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}", **environment},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def manage(database, *arguments, **environment):
    return run([sys.executable, "manage.py", *arguments], database, **environment)


@pytest.fixture(scope="module")
def created(tmp_path_factory):
    """Two fresh SQLite databases, one by this project's `migrate`, one by replaying every migration."""
    directory = tmp_path_factory.mktemp("fresh_migrate")
    fast, replayed = directory / "fast.sqlite3", directory / "replayed.sqlite3"
    replay = subprocess.Popen(  # noqa: S603 - runs while the fast one is made
        [sys.executable, "-c", REPLAY_EVERY_MIGRATION],
        cwd=BASE_DIR,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{replayed}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    fast_output = manage(fast, "migrate", "--noinput")
    replay_output, _ = replay.communicate()
    assert replay.returncode == 0, replay_output
    return {"fast": fast, "replayed": replayed, "fast_output": fast_output, "replay_output": replay_output}


def table_definition(sql):
    """A CREATE TABLE statement as its head and its column and constraint definitions, in any order.

    Replaying an AlterField on SQLite rebuilds the table with the altered column last; column order
    is the one difference the two ways may have, and nothing reads columns by position.
    """
    head, body = sql.split("(", 1)
    definitions, current, depth, quoted = [], "", 0, False
    for char in body.rsplit(")", 1)[0]:
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        if char == "," and depth == 0 and not quoted:
            definitions.append(current.strip())
            current = ""
        else:
            current += char
    definitions.append(current.strip())
    return head.strip(), sorted(definitions)


def schema(database):
    """Every table, index and trigger as SQLite stores it (SQLite's own sqlite_* objects left out)."""
    with closing(sqlite3.connect(database)) as connection:
        rows = connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite!_%' ESCAPE '!'"
        ).fetchall()
    return {(kind, name): (table, table_definition(sql) if kind == "table" else sql) for kind, name, table, sql in rows}


def rows(database, table, columns):
    with closing(sqlite3.connect(database)) as connection:
        return sorted(connection.execute(f'SELECT {columns} FROM "{table}"').fetchall())  # noqa: S608


def test_an_empty_sqlite_database_gets_its_tables_in_one_step(created):
    assert "creating its tables from the final state of" in created["fast_output"]
    assert "Applying" not in created["fast_output"]
    assert "Applying djstripe.0002_2_10... OK" in created["replay_output"]


def test_both_ways_give_the_same_tables_columns_indexes_and_constraints(created):
    fast, replayed = schema(created["fast"]), schema(created["replayed"])
    assert sorted(fast) == sorted(replayed)
    assert {key: value for key, value in fast.items() if value != replayed[key]} == {}
    assert ("table", "djstripe_customer") in fast


def test_every_migration_is_recorded_as_applied(created):
    recorded = rows(created["fast"], "django_migrations", "app, name")
    assert recorded == rows(created["replayed"], "django_migrations", "app, name")
    shown = manage(created["fast"], "showmigrations", "--skip-checks")
    assert "[ ]" not in shown
    assert shown.count("[X]") == len(recorded)
    djstripe = shown.split("djstripe\n")[1].split("\n")[:3]
    assert djstripe == [" [X] 0001_initial", " [X] 0002_2_10", " [X] 0003_2_11"]


def test_content_types_permissions_and_the_site_are_created_as_after_a_replay(created):
    for table, columns in {
        "django_content_type": "id, app_label, model",
        "auth_permission": "id, content_type_id, codename, name",
        "django_site": "id, domain, name",
    }.items():
        assert rows(created["fast"], table, columns) == rows(created["replayed"], table, columns)
    assert rows(created["fast"], "django_site", "domain") == [("example.com",)]


def test_a_later_dj_stripe_migration_applies_on_top_of_either(created, tmp_path):
    package = tmp_path / "upgraded_djstripe_migrations"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in ("0001_initial", "0002_2_10", "0003_2_11"):
        (package / f"{name}.py").write_text(
            f"import importlib\n\nMigration = importlib.import_module('djstripe.migrations.{name}').Migration\n"
        )
    (package / "0004_upgrade.py").write_text(UPGRADED_DJSTRIPE_MIGRATION)
    (tmp_path / "upgraded_settings.py").write_text(
        "from config.settings import *  # noqa: F403\n\n"
        "MIGRATION_MODULES = {'djstripe': 'upgraded_djstripe_migrations'}\n"
    )
    upgraded = {"DJANGO_SETTINGS_MODULE": "upgraded_settings", "PYTHONPATH": f"{tmp_path}{os.pathsep}{BASE_DIR}"}
    fast, replayed = tmp_path / "fast.sqlite3", tmp_path / "replayed.sqlite3"
    shutil.copy(created["fast"], fast)
    shutil.copy(created["replayed"], replayed)

    for database in (fast, replayed):
        output = manage(database, "migrate", "--noinput", **upgraded)
        assert "Applying djstripe.0004_upgrade... OK" in output
        assert ("djstripe", "0004_upgrade") in rows(database, "django_migrations", "app, name")

    assert schema(fast) == schema(replayed)
    assert '"tax_country" varchar(2) NOT NULL' in schema(fast)[("table", "djstripe_customer")][1][1]
    assert ("index", "djstripe_customer_tax_idx") in schema(fast)


def migration(*operations):
    return type("Migration", (migrations.Migration,), {"operations": list(operations)})("0099_later", "djstripe")


def fill_in_defaults(apps, schema_editor):
    """Stands for a data migration that creates rows, which creating tables in one step would skip."""


class CreateTrigger(migrations.operations.base.Operation):
    """Stands for an operation from a third-party package."""


@pytest.mark.parametrize(
    ("operation", "reason"),
    [
        (migrations.RunPython(fill_in_defaults), "djstripe.0099_later runs code (RunPython)"),
        (migrations.RunSQL("CREATE VIEW recent AS SELECT 1"), "djstripe.0099_later runs SQL of its own (RunSQL)"),
        (migrations.SeparateDatabaseAndState(), "djstripe.0099_later runs SQL of its own (SeparateDatabaseAndState)"),
        (CreateTrigger(), "djstripe.0099_later uses a custom operation (CreateTrigger)"),
    ],
)
def test_a_migration_the_final_state_does_not_describe_is_replayed(operation, reason):
    plan = [(migration(migrations.AddField("customer", "note", models.TextField(default=""))), False)]
    assert Command.replay_reason(plan) == ""
    plan.append((migration(operation), False))
    assert Command.replay_reason(plan) == reason


def test_code_that_has_nothing_to_change_on_empty_tables_does_not_force_a_replay():
    plan = [
        (migration(migrations.RunPython(fill_in_defaults, elidable=True)), False),
        (migration(migrations.RunPython(migrations.RunPython.noop)), False),
        (migration(migrations.RunSQL("UPDATE djstripe_customer SET email = ''", elidable=True)), False),
    ]
    assert Command.replay_reason(plan) == ""
