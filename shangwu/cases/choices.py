from django.db import models


class CaseSource(models.TextChoices):
    VISIT = "visit", "走访"
    SELF_REPORT = "self_report", "企业自报"
    HOTLINE = "hotline", "12345热线"
    MAILBOX = "mailbox", "局长信箱"
    SUPERIOR = "superior", "上级交办"
    NPC = "npc", "人大建议"
    CPPCC = "cppcc", "政协提案"
    FORUM = "forum", "座谈会"
    OTHER = "other", "其他"


class CaseOriginKind(models.TextChoices):
    """The kinds of record a case is opened from (``cases.services.case_open_from``); each is
    one foreign key on Case (``Case.ORIGIN_FIELDS``)."""

    VISIT_PROBLEM = "visit_problem", "走访问题"
    PROJECT = "project", "招商项目问题"
    HAZARD = "hazard", "检查隐患"


class CaseKind(models.TextChoices):
    ORDINARY = "ordinary", "一般"
    MAJOR = "major", "重大复杂"
    # 12345 hotline work orders
    CONSULT = "consult", "咨询"
    HELP = "help", "求助"
    SUGGEST = "suggest", "建议"
    COMPLAIN = "complain", "投诉"


HOTLINE_KINDS = {CaseKind.CONSULT, CaseKind.HELP, CaseKind.SUGGEST, CaseKind.COMPLAIN}


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    ASSIGNED = "assigned", "待签收"
    RETURNED = "returned", "已退回"
    HANDLING = "handling", "办理中"
    REVIEW = "review", "待审核"
    REVISIT = "revisit", "待回访"
    CLOSED = "closed", "已办结"
    MERGED = "merged", "已合并"


OPEN_STATUSES = [
    CaseStatus.REGISTERED,
    CaseStatus.ASSIGNED,
    CaseStatus.RETURNED,
    CaseStatus.HANDLING,
    CaseStatus.REVIEW,
    CaseStatus.REVISIT,
]


class CaseEventKind(models.TextChoices):
    REGISTER = "register", "登记"
    ASSIGN = "assign", "交办"
    SIGN = "sign", "签收"
    RETURN = "return", "退回"
    PROGRESS = "progress", "进展反馈"
    REQUEST_CLOSE = "request_close", "申请办结"
    APPROVE = "approve", "审核通过"
    REJECT = "reject", "审核退回"
    REVISIT = "revisit", "回访"
    REOPEN = "reopen", "不满意重办"
    CLOSE = "close", "办结"
    EXTEND_REQUEST = "extend_request", "延期申请"
    EXTEND_APPROVE = "extend_approve", "同意延期"
    EXTEND_REFUSE = "extend_refuse", "不同意延期"
    PAUSE = "pause", "挂起"
    PAUSE_REQUEST = "pause_request", "挂起申请"
    PAUSE_REFUSE = "pause_refuse", "不同意挂起"
    RESUME = "resume", "恢复"
    MERGE = "merge", "合并"
    URGE = "urge", "催办"
    SUPERVISE = "supervise", "督办"
    LIST_SUPERVISE = "list_supervise", "挂牌督办"
    EDIT = "edit", "修改"
    RECOMPUTE = "recompute", "时限重算"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Light(models.TextChoices):
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"


class SupervisionLevel(models.IntegerChoices):
    NONE = 0, "无"
    URGE = 1, "催办"
    SUPERVISE = 2, "督办"
    LISTED = 3, "挂牌督办"


# 督办级别 a light calls for (催办 while yellow, 督办 while red); 挂牌督办 is set by a leader.
LIGHT_LEVEL = {Light.YELLOW: SupervisionLevel.URGE, Light.RED: SupervisionLevel.SUPERVISE}


class DeadlineNode(models.TextChoices):
    SIGN = "sign", "签收"
    FIRST_FEEDBACK = "first_feedback", "首次反馈"
    CLOSE = "close", "办结"
    REVISIT = "revisit", "回访"


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", "小时"
    DAYS = "days", "天"
    MONTHS = "months", "月"


class DayKind(models.TextChoices):
    CALENDAR = "calendar", "自然日"
    WORKING = "working", "工作日"


class ClockStart(models.TextChoices):
    """When a deadline node's clock starts: at receipt (受理, ``Case.received_at``) or at
    assignment (交办, ``Case.assigned_at``). 回访 always counts from the approval of the closure,
    and a reopened case (不满意重办) from its reopening."""

    RECEIVED = "received", "受理"
    ASSIGNED = "assigned", "交办"


# Sources whose deadlines count from receipt by default: a 12345 work order's clock runs from the
# moment the hotline hands it over, a letter's from its arrival, a 人大建议/政协提案's from its
# receipt by the bureau; the 13710 mechanism counts from 交办.
RECEIPT_SOURCES = frozenset({"hotline", "npc", "cppcc", "mailbox"})


def default_clock_start(source: str) -> str:
    return ClockStart.RECEIVED if source in RECEIPT_SOURCES else ClockStart.ASSIGNED


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REFUSED = "refused", "不同意"


class ExtensionKind(models.TextChoices):
    """What a request to the assigning unit asks for: both need its (or a leader's) approval."""

    EXTEND = "extend", "延期"
    PAUSE = "pause", "挂起"
