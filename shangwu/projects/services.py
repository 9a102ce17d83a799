"""Investment project services: every write goes through here, each in one transaction, each
writing its ProjectEvent row (the timeline); audited models are logged by the audit signals, and
the one conditional UPDATE here (the stage move) writes its audit row itself."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shangwu.accounts.choices import ROLE_LEVEL
from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write, snapshot
from shangwu.core.services import event_record, responsibility_check_overlap, responsibility_end
from shangwu.enterprises.services import name_pinyin
from shangwu.organization.choices import RegionLevel
from shangwu.projects.choices import MILESTONE_FIELDS, ProjectEventKind
from shangwu.projects.models import (
    Project,
    ProjectContact,
    ProjectEvent,
    ProjectFunds,
    ProjectLeader,
    Stage,
)

# Written only by project_move_stage: refused in create/update.
STAGE_FIELDS = {
    "stage",
    "stage_on",
    "signed_on",
    "registered_on",
    "started_on",
    "producing_on",
    "terminated_on",
    "termination_reason",
}
QUIET_FIELDS = {"name_pinyin", "updated_at", "created_at", "id", "created_by"}


def _actor_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def _event(project, kind, *, actor, **fields) -> ProjectEvent:
    return event_record(ProjectEvent, subject=project, kind=kind, actor=actor, **fields)


def first_stage() -> Stage:
    stage = Stage.objects.active().filter(is_terminal=False).order_by("order").first()
    if stage is None:
        raise ValidationError({"stage": "系统尚未配置项目阶段，请联系系统管理员。"})
    return stage


def _validate(project: Project) -> None:
    project.code = (project.code or "").strip()
    if not project.code:
        raise ValidationError({"code": "请填写项目编码。"})
    if project.county_id is None:
        raise ValidationError({"county": "请选择项目所在县(市、区)。"})
    project.full_clean(exclude=["stage"] if project.stage_id is None else None)


# --- Project record ------------------------------------------------------------------------------


def project_create(*, actor, on: datetime.date | None = None, leaders=(), **fields) -> Project:
    """A new project in the first stage of the pipeline (线索), entered on ``on`` (today)."""
    bad = STAGE_FIELDS & set(fields)
    if bad:
        raise ValidationError({"stage": "新项目从第一个阶段开始；阶段请用“阶段变更”操作推进。"})
    on = on or timezone.localdate()
    project = Project(**fields, stage=first_stage(), stage_on=on, created_by=_actor_or_none(actor))
    project.name_pinyin = name_pinyin(project.name)[0]
    _validate(project)
    with transaction.atomic():
        project.save()
        _event(
            project,
            ProjectEventKind.CREATED,
            actor=actor,
            to_stage=project.stage,
            on=on,
            note="项目入库",
        )
        for leader in leaders:
            project_add_leader(project=project, leader=leader, start_on=on, actor=actor)
    return project


def project_update(*, project: Project, actor, note: str = "", **fields) -> Project:
    """Edit the record. Stages and milestone dates change only through project_move_stage."""
    bad = sorted(STAGE_FIELDS & set(fields))
    if bad:
        raise ValidationError(
            {"stage": "阶段和节点日期请用“阶段变更”操作修改，以便记录日期和原因。"}
        )
    before = snapshot(project)
    for key, value in fields.items():
        setattr(project, key, value)
    project.name_pinyin = name_pinyin(project.name)[0]
    _validate(project)
    after = snapshot(project)
    changed = sorted(k for k in after if k not in QUIET_FIELDS and before.get(k) != after.get(k))
    with transaction.atomic():
        project.save()
        if changed:
            _event(
                project,
                ProjectEventKind.UPDATED,
                actor=actor,
                note=note,
                changes={
                    "before": {k: before.get(k) for k in changed},
                    "after": {k: after[k] for k in changed},
                },
            )
    return project


# --- Stage transitions -----------------------------------------------------------------------------


def _stage_dates(project) -> dict[str, datetime.date | None]:
    return {
        f: getattr(project, f) for f in ("stage_on", *MILESTONE_FIELDS.values(), "terminated_on")
    }


def project_move_stage(
    *, project: Project, stage: Stage, on: datetime.date, actor, note: str = ""
) -> Project:
    """Move a project to ``stage`` on date ``on`` (the date it happened).

    Rules: the date is not in the future and not before the date the project entered its current
    stage (a stage's date cannot precede the previous stage's); a forward move also not before
    any milestone already reached. Moving backwards, leaving 终止 and entering 终止 need a reason
    (``note``). Forward moves record the milestone dates of every milestone stage passed (a skipped
    签约 is recorded on the same day); backward moves clear the milestones beyond the new stage.
    Written with a conditional UPDATE (the project must still be where the user saw it) and one
    ProjectEvent row.
    """
    note = (note or "").strip()
    current = project.stage
    if isinstance(on, datetime.datetime):
        on = on.date()
    if not isinstance(on, datetime.date):
        raise ValidationError({"on": "请填写阶段变更日期。"})
    if stage.pk == current.pk:
        raise ValidationError({"stage": f"项目已处于“{stage}”阶段。"})
    if on > timezone.localdate():
        raise ValidationError({"on": f"日期{on:%Y-%m-%d}晚于今天，阶段变更只能记录已经发生的事。"})
    if project.stage_on and on < project.stage_on:
        raise ValidationError(
            {"on": f"日期不能早于项目进入“{current}”阶段的日期（{project.stage_on:%Y-%m-%d}）。"}
        )

    dates = _stage_dates(project)
    new = dict(dates, stage_on=on)
    reason = ""
    if stage.is_terminal:
        if not note:
            raise ValidationError({"note": "终止项目须填写终止原因。"})
        new["terminated_on"] = on
        reason = note
        direction = "terminate"
    else:
        backwards = current.is_terminal or stage.order < current.order
        if backwards and not note:
            raise ValidationError({"note": f"从“{current}”退回“{stage}”须填写原因。"})
        direction = "back" if backwards else "forward"
        new["terminated_on"] = None
        milestone_stages = list(Stage.objects.exclude(milestone="").order_by("order"))
        skipped = []
        for ms in milestone_stages:
            field = MILESTONE_FIELDS[ms.milestone]
            if ms.order > stage.order:
                new[field] = None  # moving back: milestones beyond the new stage are undone
            elif new[field] is None:
                new[field] = on
                if ms.pk != stage.pk:
                    skipped.append(ms.name)
            elif new[field] > on:
                raise ValidationError(
                    {"on": f"日期不能早于已记录的{ms.name}日期（{new[field]:%Y-%m-%d}）。"}
                )
        if skipped:
            note = (note + "；" if note else "") + f"跳过的阶段按同日记录：{'、'.join(skipped)}"

    changes = {
        "before": {k: v.isoformat() if v else None for k, v in dates.items() if v != new[k]},
        "after": {k: v.isoformat() if v else None for k, v in new.items() if v != dates[k]},
    }
    changes["before"]["stage"], changes["after"]["stage"] = current.name, stage.name
    with transaction.atomic():
        now = timezone.now()
        claimed = Project.objects.filter(
            pk=project.pk, stage_id=current.pk, stage_on=project.stage_on
        ).update(stage=stage, termination_reason=reason, updated_at=now, **new)
        if not claimed:
            raise ValidationError({"stage": "项目阶段刚被他人修改，请刷新页面后重试。"})
        _event(
            project,
            ProjectEventKind.STAGE,
            actor=actor,
            from_stage=current,
            to_stage=stage,
            on=on,
            note=note,
            changes={"direction": direction},
        )
        audit_write(
            action=AuditAction.UPDATE,
            obj=project,
            actor=actor,
            changes=changes,
            detail=f"阶段变更：{current} → {stage}（{on:%Y-%m-%d}）",
        )
    project.stage, project.termination_reason, project.updated_at = stage, reason, now
    for key, value in new.items():
        setattr(project, key, value)
    return project


# --- Money in place ------------------------------------------------------------------------------------


def _amount(value, label) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.01"))
    except ArithmeticError as exc:
        raise ValidationError({"amount": f"{label}应为数字。"}) from exc
    if amount < 0:
        raise ValidationError({"amount": f"{label}不能为负数。"})
    return amount


FUND_LABELS = {
    "provincial_outside": "省外资金",
    "overseas": "境外资金",
    "fixed_asset": "固定资产投资",
    "working_capital": "流动资金",
    "fdi_usd": "实际使用外资",
}


def project_record_funds(
    *,
    project: Project,
    month: datetime.date,
    actor,
    provincial_outside=0,
    overseas=0,
    fixed_asset=None,
    working_capital=0,
    fdi_usd=0,
) -> ProjectFunds:
    """Record (or correct) one month's money in place. The two splits must agree: 省外 + 境外 =
    固定资产投资 + 流动资金 (fixed_asset left out = the total less 流动资金). Money arrives only
    after signing, and not in a future month."""
    month = month.replace(day=1)
    values = {
        "provincial_outside": provincial_outside,
        "overseas": overseas,
        "working_capital": working_capital,
        "fdi_usd": fdi_usd,
    }
    values = {k: _amount(v, FUND_LABELS[k]) for k, v in values.items()}
    total = values["provincial_outside"] + values["overseas"]
    values["fixed_asset"] = (
        total - values["working_capital"]
        if fixed_asset in (None, "")
        else _amount(fixed_asset, FUND_LABELS["fixed_asset"])
    )
    if values["fixed_asset"] + values["working_capital"] != total:
        raise ValidationError(
            {
                "fixed_asset": f"固定资产投资与流动资金之和（{values['fixed_asset'] + values['working_capital']}）"
                f"须等于省外与境外资金之和（{total}）。"
            }
        )
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({"month": f"{month:%Y年%m月}尚未到来，不能填报到位资金。"})
    if project.signed_on is None:
        raise ValidationError({"month": "项目尚未签约，不能填报到位资金。"})
    if month < project.signed_on.replace(day=1):
        raise ValidationError(
            {"month": f"到位资金月份不能早于签约月份（{project.signed_on:%Y年%m月}）。"}
        )
    with transaction.atomic():
        row = ProjectFunds.objects.filter(project=project, month=month).first()
        if row is None:
            row = ProjectFunds(project=project, month=month)
        for key, value in values.items():
            setattr(row, key, value)
        row.recorded_by = _actor_or_none(actor)
        row.save()
        _event(
            project,
            ProjectEventKind.FUNDS,
            actor=actor,
            on=month,
            note=f"{month:%Y年%m月}到位资金 {total} 万元（省外 {values['provincial_outside']}，境外 "
            f"{values['overseas']}），实际使用外资 {values['fdi_usd']} 万美元",
        )
    return row


# --- 包保领导 ------------------------------------------------------------------------------------------


def leader_problem(leader, project) -> str:
    """Why ``leader`` cannot be in charge of ``project`` (or ""): an active business official of
    the city, or of the project's own county or township."""
    region = getattr(leader, "region", None)
    if (
        ROLE_LEVEL.get(getattr(leader, "role", None)) is None
        or region is None
        or not leader.is_active
    ):
        return f"“{leader}”不是在职的业务人员，不能担任包保领导。"
    if region.level == RegionLevel.COUNTY and region.pk != project.county_id:
        return f"“{leader}”所在的{region.name}不管辖该项目。"
    if region.level == RegionLevel.TOWNSHIP and region.pk != project.township_id:
        return f"“{leader}”所在的{region.name}不管辖该项目。"
    return ""


def project_add_leader(
    *, project: Project, leader, start_on: datetime.date, actor, note: str = ""
) -> ProjectLeader:
    """``leader`` in charge of ``project`` from ``start_on``, at the level of their own unit
    (市/县/乡) as 包联领导: a core.models.Responsibility, one at a time per official."""
    problem = leader_problem(leader, project)
    if problem:
        raise ValidationError({"leader": problem})
    row = ProjectLeader(
        project=project,
        official=leader,
        level=leader.region.level,
        start_on=start_on,
        note=note,
        created_by=_actor_or_none(actor),
    )
    responsibility_check_overlap(responsibility=row, field="leader")
    with transaction.atomic():
        row.save()
        _event(
            project,
            ProjectEventKind.LEADER_ADDED,
            actor=actor,
            on=start_on,
            note=f"{leader}任包保领导",
        )
    return row


def project_end_leader(
    *, assignment: ProjectLeader, end_on: datetime.date, actor, note: str = ""
) -> ProjectLeader:
    """End a 包保 on ``end_on`` by the rule of core.models.Responsibility (the same as an
    enterprise's): that day still counts, one already past its end day is not ended again."""
    with transaction.atomic():
        responsibility_end(responsibility=assignment, end_on=end_on, note=note)
        _event(
            assignment.project,
            ProjectEventKind.LEADER_ENDED,
            actor=actor,
            on=end_on,
            note=f"{assignment.official}结束包保" + (f"：{note}" if note else ""),
        )
    return assignment


# --- Contacts ----------------------------------------------------------------------------------------


def project_add_contact(*, project: Project, actor, **fields) -> ProjectContact:
    contact = ProjectContact(project=project, **fields)
    contact.full_clean()
    with transaction.atomic():
        contact.save()
    return contact


# --- Problems → cases ------------------------------------------------------------------------------


def cases_available() -> bool:
    try:
        from shangwu.cases import services as case_services
    except ImportError:
        return False
    return hasattr(case_services, "case_register")


def project_raise_problem(
    *,
    project: Project,
    actor,
    title: str,
    content: str,
    category=None,
    source: str | None = None,
    **fields,
):
    """A project's problem becomes a case (source 企业自报 when the project has a registered
    enterprise, otherwise 其他) through ``cases.services.case_open_from``: the case's
    ``origin_project`` is this project (``project.cases``), the category the one chosen or else
    the 系统管理员's mapping. Returns the case."""
    if not cases_available():
        raise ValidationError("诉求办理模块尚未启用，暂不能转办问题。")
    from shangwu.cases.services import case_open_from

    return case_open_from(
        origin=project,
        actor=actor,
        title=title,
        content=content,
        category=category,
        source=source,
        **fields,
    )


def project_mark_problem_raised(
    *, project: Project, case, actor, now: datetime.datetime | None = None
) -> None:
    """Called by ``case_open_from`` once ``case`` has been opened from ``project``: the
    project's timeline event (at the case's ``now``, default now) and its audit row."""
    if case.origin_project_id != project.pk:
        raise ValidationError("案件并非由该项目转入。")
    _event(
        project,
        ProjectEventKind.PROBLEM,
        actor=actor,
        note=f"问题“{case.title}”已转办，案件编号 {case.number}",
        at=now or timezone.now(),
    )
    audit_write(
        action=AuditAction.UPDATE,
        obj=project,
        actor=actor,
        changes={"after": {"问题转办": case.number}},
        detail=f"项目问题转为案件 {case.number}",
    )


def project_mark_signed_at_event(*, project: Project, event, actor, on: datetime.date) -> None:
    """Called by ``promotion.services.event_sign_project`` once ``project`` has been signed at
    ``event`` (a 招商推介会, 签约大会; the link is the event's ``EventProject`` row): the
    project's timeline says where it was signed. The audit row is the link's own."""
    _event(
        project,
        ProjectEventKind.UPDATED,
        actor=actor,
        on=on,
        note=f"在活动“{event}”上签约",
    )
