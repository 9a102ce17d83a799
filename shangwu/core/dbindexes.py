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
