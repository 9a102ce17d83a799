"""Seeing one contact's full number (enterprise and project contacts alike).

Numbers are masked everywhere by default (DOMAIN: personal information); a user holding the
model's reveal permission sees one number of one record at a time, and each reveal — and each
refused attempt — is an audit row. The caller has already found the contact within scope.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core.access import can

REVEALABLE = {"mobile": "手机号", "landline": "固定电话"}


def number_reveal(*, contact, field: str, actor, perm: str, what: str, owner) -> str:
    """``contact``'s full ``field``. ``perm``: the permission needed; ``what``: the contact's
    kind as the audit text names it (联系人 / 项目联系人); ``owner``: whose contact it is."""
    if field not in REVEALABLE:
        raise ValidationError(f"不能查看字段“{field}”。")
    if not (can(actor, type(contact).access, "view") and actor.has_perm(perm)):
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
        detail=f"查看{what}“{contact.name}”（{owner}）的完整{REVEALABLE[field]}。",
    )
    return getattr(contact, field)
