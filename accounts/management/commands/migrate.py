"""`migrate`, with a fast first run on an empty SQLite database.

Why: replaying every migration on a fresh database took about two minutes, nearly all of it in
Django's migration state, not in SQL. dj-stripe's `0002_2_10` removes 514 fields one operation at
a time, and after each one Django re-renders the changed model and every model related to it
(all of dj-stripe's ~60 models point at each other), about 35,000 model renders in all.

What: when the database is SQLite and has no tables at all, this command renders the migrations'
final state once, creates every table, index and constraint from it in one transaction, and
records every migration as applied in `django_migrations`, exactly what replaying them leaves (a
squashed migration does the same: Django's squashing reduces `CreateModel` followed by
`RemoveField` to the final `CreateModel`). Then Django's own `migrate` runs as always: it finds
nothing to apply and sends `post_migrate` (content types, permissions, the default site).
dj-stripe's real migrations stay the history: a later `migrate` after upgrading dj-stripe applies
only its new migrations, as on any other database.

It replays the migrations as Django does when a migration runs code that the final state does not
describe (`RunSQL`, `SeparateDatabaseAndState`, custom operations, a `RunPython` that is not
elidable or known below to do nothing on empty tables), and on every database that is not empty
or not SQLite: PostgreSQL databases, production's included, are created by Django's replay.
`tests/test_fresh_migrate.py` checks that both ways give the same schema and history.
"""

import time

from django.core.management.commands import migrate
from django.db import connections, router
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import RunPython, RunSQL, SeparateDatabaseAndState
from django.db.migrations.recorder import MigrationRecorder

# Data migrations that only change rows that already exist, so on an empty database they do nothing.
DATA_MIGRATIONS_WITH_NOTHING_TO_CHANGE_ON_EMPTY_TABLES = {
    ("auth", "0011_update_proxy_permissions"),  # rewrites permissions of proxy models
    ("account", "0006_emailaddress_lower"),  # lower-cases stored email addresses
    ("account", "0008_emailaddress_unique_primary_email_fixup"),  # un-marks duplicate primary addresses
}


class Command(migrate.Command):
    help = (
        "Updates database schema. Manages both apps with migrations and those without. An empty SQLite "
        "database gets its tables in one step from the migrations' final state, with every migration "
        "recorded as applied."
    )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        connection = connections[options["database"]]
        if self.is_plain_migrate(options) and self.is_empty_sqlite(connection):
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
            replay_reason = self.replay_reason(plan)
            if replay_reason:
                self.say(f"Fresh SQLite database: replaying every migration, because {replay_reason}.")
            else:
                self.create_from_final_state(executor, plan)
        return super().handle(*args, **options)

    @staticmethod
    def is_plain_migrate(options):
        """Only `migrate` to the latest state: a target, --fake, --plan or --run-syncdb get Django's own."""
        return not any(
            options[name]
            for name in (
                "app_label",
                "migration_name",
                "fake",
                "fake_initial",
                "plan",
                "check_unapplied",
                "prune",
                "run_syncdb",
            )
        )

    @staticmethod
    def is_empty_sqlite(connection):
        return connection.vendor == "sqlite" and not connection.introspection.table_names()

    @staticmethod
    def replay_reason(plan):
        """Why the final state would not reproduce what replaying `plan` does, or "" if it would."""
        for migration, _backwards in plan:
            key = (migration.app_label, migration.name)
            for operation in migration.operations:
                kind = type(operation).__name__
                if isinstance(operation, RunPython):
                    if operation.elidable or operation.code is RunPython.noop:
                        continue
                    if key in DATA_MIGRATIONS_WITH_NOTHING_TO_CHANGE_ON_EMPTY_TABLES:
                        continue
                    return f"{migration.app_label}.{migration.name} runs code ({kind})"
                if isinstance(operation, RunSQL | SeparateDatabaseAndState) and not operation.elidable:
                    return f"{migration.app_label}.{migration.name} runs SQL of its own ({kind})"
                if not type(operation).__module__.startswith("django.db.migrations.operations."):
                    return f"{migration.app_label}.{migration.name} uses a custom operation ({kind})"
        return ""

    def create_from_final_state(self, executor, plan):
        """One transaction: every migrated model's table from the final state, then the history.

        The schema editor creates each table with its indexes and constraints as `CreateModel` does
        (through tables of many-to-many fields with their model) and runs the deferred SQL on exit.
        """
        started = time.monotonic()
        self.say(
            f"Fresh SQLite database: creating its tables from the final state of {len(plan)} migrations "
            "and recording them as applied (replaying them one by one takes about two minutes)..."
        )
        connection = executor.connection
        state = executor.loader.project_state()
        models = [
            model
            for model in state.apps.get_models()
            if model._meta.app_label in executor.loader.migrated_apps
            and model._meta.can_migrate(connection)
            and router.allow_migrate_model(connection.alias, model)
        ]
        with connection.schema_editor(atomic=True) as editor:
            editor.create_model(MigrationRecorder.Migration)
            for model in models:
                editor.create_model(model)
            for migration, _backwards in plan:
                executor.record_migration(migration)
        elapsed = time.monotonic() - started
        self.say(f"  Created {len(models)} tables and recorded {len(plan)} migrations as applied ({elapsed:.1f}s).")

    def say(self, message):
        if self.verbosity >= 1:
            self.stdout.write(self.style.MIGRATE_HEADING(message))
            self.stdout.flush()
