from shangwu.audit import filtersets, tables
from shangwu.audit.models import AuditLog
from shangwu.core import views as generic
from shangwu.core.tables import format_datetime


class AuditLogListView(generic.ObjectListView):
    """Only the 审计管理员 reads the audit log; there is no edit or delete view, by design."""

    queryset = AuditLog.objects.all()
    filterset = filtersets.AuditLogFilterSet
    table = tables.AuditLogTable
    export_url_name = "audit:auditlog_export"


class AuditLogExportView(generic.ObjectExportView, AuditLogListView):
    pass


class AuditLogDetailView(generic.ObjectDetailView):
    """One row: who, when (Beijing time), from where, what, and the changed fields. Business
    records show which fields changed, never their values; the stored JSON is not shown."""

    queryset = AuditLog.objects.all()
    template_name = "audit/auditlog_detail.html"

    def extra_context(self, obj):
        renderer = tables.ChangeRenderer()
        renderer.prefetch([obj])
        model = tables.model_of(obj.object_type)
        return {
            "fields": [
                ("时间", format_datetime(obj.at)),
                ("用户名", obj.actor_username),
                ("姓名", obj.actor_name),
                ("用户ID", obj.actor_id),
                ("IP地址", obj.ip),
                ("请求ID", obj.request_id),
                ("路径", obj.path),
                ("操作", obj.get_action_display()),
                ("对象类型", tables.object_type_label(obj.object_type)),
                ("对象ID", obj.object_id),
                ("对象", obj.object_repr),
                ("说明", obj.detail),
            ],
            "change_lines": renderer.lines(obj),
            "values_masked": tables.values_masked(model),
        }
