"""Index housekeeping shared by migrations."""

from __future__ import annotations

from django.db import migrations


def drop_like_index(table: str, column: str) -> migrations.RunPython:
    """PostgreSQL: Django adds a ``varchar_pattern_ops`` copy of every indexed or unique
    CharField's index, for ``LIKE 'x%'``. A column searched with ``(i)contains`` (no b-tree helps)
    or in a "C"-collated database gains nothing from it, and every write pays for it."""

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s",
                [table, f"{table}_{column}_%_like"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(drop, migrations.RunPython.noop)


def drop_fk_indexes(app_label: str, model_name: str, fields: dict) -> migrations.SeparateDatabaseAndState:
    """``db_index=False`` on foreign keys as a plain ``DROP INDEX`` of each one's index. Django's
    own AlterField rebuilds the whole table on SQLite and re-validates the constraint on
    PostgreSQL, for a change that only removes an index. ``fields``: name → the field as it is
    now (with ``db_index=False``), for the migration state."""

    def drop(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        for name in fields:
            column = model._meta.get_field(name).column
            index = schema_editor._create_index_name(table, [column])
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")

    return migrations.SeparateDatabaseAndState(
        database_operations=[migrations.RunPython(drop, migrations.RunPython.noop)],
        state_operations=[
            migrations.AlterField(model_name=model_name, name=name, field=field)
            for name, field in fields.items()
        ],
    )
