import json

from shangwu.audit import filtersets, tables
from shangwu.audit.models import AuditLog
from shangwu.core import views as generic


class AuditLogListView(generic.ObjectListView):
    """Only the 审计管理员 reads the audit log; there is no edit or delete view, by design."""

    queryset = AuditLog.objects.all()
    filterset = filtersets.AuditLogFilterSet
    table = tables.AuditLogTable
    export_url_name = "audit:auditlog_export"


class AuditLogExportView(generic.ObjectExportView, AuditLogListView):
    pass


class AuditLogDetailView(generic.ObjectDetailView):
    queryset = AuditLog.objects.all()
    template_name = "audit/auditlog_detail.html"

    def extra_context(self, obj):
        return {
            "fields": [
                ("时间", obj.at), ("用户名", obj.actor_username), ("姓名", obj.actor_name),
                ("用户ID", obj.actor_id), ("IP地址", obj.ip), ("请求ID", obj.request_id), ("路径", obj.path),
                ("操作", obj.get_action_display()), ("对象类型", obj.object_type), ("对象ID", obj.object_id),
                ("对象", obj.object_repr), ("说明", obj.detail),
            ],
            "changes_json": json.dumps(obj.changes, ensure_ascii=False, indent=2) if obj.changes else "",
        }
