"""Seeing one contact's full number (every ``core.models.ContactPerson``: enterprise and project
contacts alike).

Numbers are masked everywhere by default (DOMAIN: personal information); a user holding the
model's ``reveal_permission`` sees one number of one record at a time, and each reveal — and each
refused attempt — is an audit row. The caller has already found the contact within scope.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core.access import can

REVEALABLE = {"mobile": "手机号", "landline": "固定电话"}


def contact_reveal(*, contact, field: str, actor) -> str:
    """``contact``'s full ``field`` (``mobile`` or ``landline``), for a user holding the model's
    ``reveal_permission``; the audit text names the contact as the model's ``reveal_label``
    (联系人 / 项目联系人) and its owner (the enterprise, the project)."""
    if field not in REVEALABLE:
        raise ValidationError(f"不能查看字段“{field}”。")
    what = contact.reveal_label
    if not (can(actor, type(contact).access, "view") and actor.has_perm(contact.reveal_permission)):
        audit_write(
            action=AuditAction.DENIED,
            obj=contact,
            actor=actor,
            detail=f"无“查看{what}完整号码”权限，拒绝查看{REVEALABLE[field]}（403）。",
        )
        raise PermissionDenied("您没有查看完整号码的权限。")
    audit_write(
        action=AuditAction.REVEAL,
        obj=contact,
        actor=actor,
        detail=f"查看{what}“{contact.name}”（{contact.owner}）的完整{REVEALABLE[field]}。",
    )
    return getattr(contact, field)
