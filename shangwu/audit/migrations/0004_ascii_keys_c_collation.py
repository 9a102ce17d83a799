"""The object's type and id are ASCII (``enterprises.enterprise``, ``123``): PostgreSQL compares
them byte by byte in ``audit_object_idx`` (see ``core.dbindexes.c_collation``), which every write
of the platform updates. A plain ALTER of the collation: the append-only triggers of 0002 stay."""

from django.db import migrations

from shangwu.core.dbindexes import c_collation


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_fewer_indexes")]

    operations = [
        c_collation("audit_auditlog", {"object_type": "varchar(100)", "object_id": "varchar(64)"}),
    ]
