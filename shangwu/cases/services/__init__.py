"""Case services: one keyword-only function per transition, each in one transaction, each
writing its CaseEvent, each refusing an illegal transition with a message that names it."""

from shangwu.cases.services._base import ConcurrentChange
from shangwu.cases.services.handling import (
    case_decide_extension,
    case_decide_pause,
    case_pause,
    case_report_progress,
    case_request_close,
    case_request_extension,
    case_request_pause,
    case_resume,
    case_review,
    case_revisit,
    case_supervise_listed,
    notification_mark_read,
)
from shangwu.cases.services.origins import (
    case_category_for,
    case_category_for_origin,
    case_open_from,
)
from shangwu.cases.services.provisional import case_deadlines_recompute
from shangwu.cases.services.registry import (
    case_assign,
    case_attach,
    case_attachment_remove,
    case_merge,
    case_register,
    case_return,
    case_sign,
)
from shangwu.cases.services.rules import ruleset_save

__all__ = [
    "ConcurrentChange",
    "case_assign",
    "case_attach",
    "case_attachment_remove",
    "case_category_for",
    "case_category_for_origin",
    "case_deadlines_recompute",
    "case_decide_extension",
    "case_decide_pause",
    "case_merge",
    "case_open_from",
    "case_pause",
    "case_register",
    "case_report_progress",
    "case_request_close",
    "case_request_extension",
    "case_request_pause",
    "case_resume",
    "case_return",
    "case_review",
    "case_revisit",
    "case_sign",
    "case_supervise_listed",
    "notification_mark_read",
    "ruleset_save",
]
