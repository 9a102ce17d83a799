from django.db import models
from django.urls import reverse

from shangwu.audit.choices import AuditAction
from shangwu.core.access import Access, RestrictedQuerySet
from shangwu.core.tables import format_datetime


class AppendOnlyError(Exception):
    """Raised by any attempt to edit or delete audit rows."""


class AuditLogQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能修改。")

    def delete(self):
        raise AppendOnlyError("审计日志只能追加，不能删除。")

    def _raw_delete(self, using):
        raise AppendOnlyError("审计日志只能追加，不能删除。")


class AuditLog(models.Model):
    """One security-audit record. Append-only: neither the UI, the API nor the ORM can change or
    delete a row, and database triggers refuse it too (only rows past the retention period can
    be pruned). The actor is copied by value so the record outlives the user."""

    access = Access.AUDIT

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField("用户ID", null=True, blank=True, db_index=True)
    actor_username = models.CharField("用户名", max_length=150, blank=True)
    actor_name = models.CharField("姓名", max_length=50, blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    request_id = models.CharField("请求ID", max_length=32, blank=True)
    path = models.CharField("路径", max_length=300, blank=True)
    # Few indexes: every write of the platform writes a row here. action has a dozen values (an
    # index would not be chosen); object_type is served by audit_object_idx. On PostgreSQL the
    # object's type and id compare byte by byte (migration 0004, COLLATE "C").
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更内容", null=True, blank=True)
    detail = models.TextField("说明", blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{format_datetime(self.at)} {self.actor_username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("audit:auditlog_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能删除。")
