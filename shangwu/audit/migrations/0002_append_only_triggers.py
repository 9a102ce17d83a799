"""Database triggers that make the audit log append-only even for code that bypasses the ORM:
no UPDATE ever, and DELETE only of rows older than the minimum retention (180 days, 等保三级)."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER audit_auditlog_no_update BEFORE UPDATE ON audit_auditlog
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only: update refused'); END""",
    """CREATE TRIGGER audit_auditlog_no_delete BEFORE DELETE ON audit_auditlog
       WHEN OLD.at > datetime('now', '-180 days')
       BEGIN SELECT RAISE(ABORT, 'audit log rows younger than 180 days cannot be deleted'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditlog_no_update",
    "DROP TRIGGER IF EXISTS audit_auditlog_no_delete",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_auditlog_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           RAISE EXCEPTION 'audit log is append-only: update refused';
         END IF;
         IF OLD.at > now() - interval '180 days' THEN
           RAISE EXCEPTION 'audit log rows younger than 180 days cannot be deleted';
         END IF;
         RETURN OLD;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_auditlog_guard BEFORE UPDATE OR DELETE ON audit_auditlog
       FOR EACH ROW EXECUTE FUNCTION audit_auditlog_guard()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditlog_guard ON audit_auditlog",
    "DROP FUNCTION IF EXISTS audit_auditlog_guard()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
