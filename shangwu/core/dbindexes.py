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


def drop_fk_indexes(
    app_label: str, model_name: str, fields: dict
) -> migrations.SeparateDatabaseAndState:
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


def c_collation(table: str, columns: dict[str, str]) -> migrations.RunPython:
    """PostgreSQL: compare ``columns`` (name → SQL type) byte by byte (``COLLATE "C"``).

    For ASCII keys (credit codes, pinyin, type names): their order is the same in every
    collation that sorts letters and digits as ASCII does, but a database created with a
    language collation (zh_CN.UTF-8, en_US.UTF-8, even C.UTF-8 before PostgreSQL 17) compares
    every index key through the C library's ``strcoll`` — a quarter of an import's index upkeep.
    SQLite compares bytes already. Kept out of the model (``db_collation``), since SQLite knows
    no collation named "C": a later AlterField of these columns must repeat this."""

    def alter(collation):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            qn = schema_editor.quote_name
            for column, sql_type in columns.items():
                schema_editor.execute(
                    f"ALTER TABLE {qn(table)} ALTER COLUMN {qn(column)} TYPE {sql_type} "
                    f"COLLATE {collation}"
                )

        return run

    return migrations.RunPython(alter('"C"'), alter('"default"'))
