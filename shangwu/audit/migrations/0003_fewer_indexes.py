"""Drop the single-column indexes on ``action`` and ``object_type`` (every write of the platform
writes an audit row, and these two served no query: a dozen actions, and ``audit_object_idx``
leads with the type). Done with DROP INDEX rather than Django's AlterField, which on SQLite
rebuilds the table and with it would lose the append-only triggers of 0002."""

from django.db import migrations, models

PATTERNS = ["audit_auditlog_action_%", "audit_auditlog_object_type_%"]


def drop_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'audit_auditlog' AND indexname LIKE %s"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_auditlog' AND name LIKE %s"
    with connection.cursor() as cursor:
        names = []
        for pattern in PATTERNS:
            cursor.execute(query, [pattern])
            names += [row[0] for row in cursor.fetchall()]
        for name in names:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditlog",
                    name="action",
                    field=models.CharField(
                        choices=[
                            ("create", "新增"),
                            ("update", "修改"),
                            ("delete", "删除"),
                            ("login", "登录"),
                            ("logout", "退出"),
                            ("login_failed", "登录失败"),
                            ("lockout", "账号锁定"),
                            ("unlock", "账号解锁"),
                            ("password_change", "修改密码"),
                            ("denied", "越权访问"),
                            ("export", "导出"),
                            ("import", "导入"),
                            ("reveal", "查看个人信息"),
                            ("token", "签发令牌"),
                            ("prune", "清理审计日志"),
                        ],
                        max_length=20,
                        verbose_name="操作",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditlog",
                    name="object_type",
                    field=models.CharField(blank=True, max_length=100, verbose_name="对象类型"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, migrations.RunPython.noop)],
        ),
    ]
