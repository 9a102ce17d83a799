"""ASCII keys (credit codes, the names' pinyin, audit object types and ids) compare byte by byte
on both databases: the pinyin order of the lists and the pinyin prefix ranges of the search are
byte order whatever language collation a PostgreSQL database was created with, and its indexes
on these columns skip the C library's collation (core.dbindexes.c_collation)."""

import re

from django.db import connection

BYTEWISE = {
    "enterprises_enterprise": ["credit_code", "name_pinyin", "name_initials"],
    "audit_auditlog": ["object_type", "object_id"],
}


def test_ascii_key_columns_compare_byte_by_byte(db):
    with connection.cursor() as cursor:
        for table, columns in BYTEWISE.items():
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT column_name, collation_name FROM information_schema.columns "
                    "WHERE table_name = %s AND column_name = ANY(%s)",
                    [table, columns],
                )
                assert dict(cursor.fetchall()) == dict.fromkeys(columns, "C"), table
            else:  # SQLite compares bytes unless a column names another collation (NOCASE…)
                cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table]
                )
                definition = cursor.fetchone()[0]
                for column in columns:
                    declared = re.search(rf'"{column}" [^,]*', definition).group(0)
                    assert "COLLATE" not in declared.upper(), declared
