from shangwu.audit.models import AuditLog


def auditlog_list_for_object(*, user, obj):
    return AuditLog.objects.restrict(user, "view").filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )
