"""The audit log writes itself: every save and delete of a model marked ``audited = True`` is
recorded with its before/after values (NetBox's change logging)."""

from django.db.models.signals import post_delete, post_save, pre_save

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write, masked_snapshot, snapshot


def _audited(sender) -> bool:
    return getattr(sender, "audited", False) and not sender._meta.abstract


def _before(sender, instance, raw=False, **kwargs):
    if raw or not _audited(sender):
        return
    instance._audit_before = None
    if instance.pk is not None:
        old = sender._base_manager.filter(pk=instance.pk).first()
        instance._audit_before = snapshot(old, masked=False) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _audited(sender):
        return
    # Compared unmasked: a new mobile number that keeps its first 3 and last 4 digits masks
    # the same as the old one, and would otherwise go unrecorded. Written masked.
    after = snapshot(instance, masked=False)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        audit_write(
            action=AuditAction.CREATE,
            obj=instance,
            changes={"before": None, "after": masked_snapshot(instance, after)},
        )
        return
    changed = sorted(k for k in after if before.get(k) != after.get(k))
    if not changed:
        return
    audit_write(
        action=AuditAction.UPDATE,
        obj=instance,
        changes={
            "before": masked_snapshot(instance, {k: before.get(k) for k in changed}),
            "after": masked_snapshot(instance, {k: after[k] for k in changed}),
        },
    )


def _after_delete(sender, instance, **kwargs):
    if not _audited(sender):
        return
    audit_write(
        action=AuditAction.DELETE,
        obj=instance,
        changes={"before": snapshot(instance), "after": None},
    )


def connect():
    pre_save.connect(_before, dispatch_uid="audit_before")
    post_save.connect(_after_save, dispatch_uid="audit_after_save")
    post_delete.connect(_after_delete, dispatch_uid="audit_after_delete")
    # Many-to-many changes (e.g. enterprise tags) are audited by the services that make them.
