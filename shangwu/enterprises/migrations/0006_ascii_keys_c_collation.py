"""The credit code and the names' pinyin are ASCII: PostgreSQL compares them byte by byte (see
``core.dbindexes.c_collation``), which also makes the pinyin order and the pinyin prefix ranges of
the list exactly the byte order SQLite uses."""

from django.db import migrations

from shangwu.core.dbindexes import c_collation


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0005_fewer_indexes")]

    operations = [
        c_collation(
            "enterprises_enterprise",
            {
                "credit_code": "varchar(18)",
                "name_pinyin": "varchar(600)",
                "name_initials": "varchar(200)",
            },
        ),
    ]
