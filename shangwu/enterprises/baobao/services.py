"""Enterprise service (服务企业) services: contacts, 包保 assignments, visits and their problems.

Same rules as ``services.py``: keyword-only, one transaction each, every change of an
enterprise's 包保 or a visit writes its EnterpriseEvent row; the audit rows come from the signals
(all these models are ``audited``), and revealing a phone number writes its own audit row.
A service that records a time takes ``now`` (default: now), as the case services do, so the demo
and imports can record what happened at the time it happened.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write
from shangwu.core.files import JPEG, PDF, PNG, file_remove, file_store
from shangwu.core.services import responsibility_check_overlap, responsibility_end
from shangwu.enterprises.choices import (
    EnterpriseEventKind,
    EnterpriseStatus,
    ProblemStatus,
    VisitForm,
)
from shangwu.enterprises.models import (
    Assignment,
    Contact,
    Enterprise,
    Visit,
    VisitAttachment,
    VisitOfficial,
    VisitProblem,
)
from shangwu.enterprises.services import _event
from shangwu.organization.choices import RegionLevel

CONTACT_FIELDS = ("name", "position", "mobile", "landline", "email", "is_primary")
BULK_ASSIGN_LIMIT = 500


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _within(region, scope) -> bool:
    """Is ``region`` the node ``scope`` or below it?"""
    if region is None or scope is None:
        return False
    if scope.level == RegionLevel.CITY:
        return True
    if scope.level == RegionLevel.COUNTY:
        return region.pk == scope.pk or region.parent_id == scope.pk
    return region.pk == scope.pk


# --- Contacts -----------------------------------------------------------------------------------


def _contact_save(contact: Contact) -> Contact:
    contact.full_clean(exclude=["enterprise"])
    if contact.is_primary:
        # One primary contact per enterprise: naming a new one demotes the old one.
        for other in Contact.objects.filter(
            enterprise_id=contact.enterprise_id, is_primary=True
        ).exclude(pk=contact.pk):
            other.is_primary = False
            other.save(update_fields=["is_primary", "updated_at"])
    contact.save()
    return contact


def contact_create(*, enterprise: Enterprise, actor, **fields) -> Contact:
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}")
    contact = Contact(enterprise=enterprise, **fields)
    with transaction.atomic():
        return _contact_save(contact)


def contact_update(*, contact: Contact, actor, **fields) -> Contact:
    """Edit a contact. An empty ``mobile``/``landline`` is not passed by the forms (the field
    shows the masked number and blank means "keep"); pass ``""`` explicitly to clear one."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}")
    for key, value in fields.items():
        setattr(contact, key, value)
    with transaction.atomic():
        return _contact_save(contact)


# --- 包保 assignments --------------------------------------------------------------------------


def _check_assignment(assignment: Assignment, *, actor) -> None:
    assignment.full_clean(exclude=["enterprise", "official", "created_by"])
    official_region = assignment.official.region
    actor_region = getattr(actor, "region", None) if _actor(actor) else None
    if _actor(actor) and not _within(official_region, actor_region):
        # A county office arranges county and township 包保; city-level 包保 is the city's call.
        raise ValidationError({"official": f"您不能为{official_region}的人员安排包保。"})


def assignment_create(
    *,
    enterprise: Enterprise,
    official,
    role: str,
    start_on: datetime.date,
    actor,
    level: str | None = None,
    end_on: datetime.date | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Assignment:
    """Make ``official`` responsible for ``enterprise``, recorded at ``now`` (default now). The
    level defaults to the official's own (a county officer serves at county level); a different
    level is refused."""
    if enterprise.status != EnterpriseStatus.ACTIVE:
        raise ValidationError(
            {"enterprise": f"“{enterprise}”已{enterprise.get_status_display()}，不再安排包保。"}
        )
    region = official.region
    if level is None and region is not None:
        level = region.level
    assignment = Assignment(
        enterprise=enterprise,
        official=official,
        level=level,
        role=role,
        start_on=start_on,
        end_on=end_on,
        note=note or "",
        created_by=_actor(actor),
    )
    _check_assignment(assignment, actor=actor)
    responsibility_check_overlap(responsibility=assignment)
    with transaction.atomic():
        assignment.save()
        _event(
            enterprise,
            EnterpriseEventKind.ASSIGNED,
            actor=actor,
            note=f"{assignment.get_level_display()}{assignment.get_role_display()}：{official}，"
            f"自{start_on:%Y-%m-%d}起" + (f"至{end_on:%Y-%m-%d}" if end_on else ""),
            at=now,
        )
    return assignment


def assignment_update(
    *,
    assignment: Assignment,
    actor,
    role: str | None = None,
    note: str | None = None,
    now: datetime.datetime | None = None,
) -> Assignment:
    """Change the role or note of an assignment (who, where and when are fixed: end it and make
    a new one instead, so the history stays true)."""
    changes = {}
    if role is not None and role != assignment.role:
        changes["role"] = [assignment.role, role]
        assignment.role = role
    if note is not None and note != assignment.note:
        assignment.note = note
    with transaction.atomic():
        assignment.full_clean(exclude=["enterprise", "official", "created_by"])
        assignment.save()
        if changes:
            _event(
                assignment.enterprise,
                EnterpriseEventKind.ASSIGNED,
                actor=actor,
                note=f"{assignment.official}的包保角色改为{assignment.get_role_display()}",
                at=now,
            )
    return assignment


def assignment_end(
    *,
    assignment: Assignment,
    end_on: datetime.date,
    actor,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Assignment:
    """End a 包保 on ``end_on`` (that day still counts; the rule of ``core.models.Responsibility``),
    recorded at ``now`` (default now). The row stays as history."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        responsibility_end(responsibility=assignment, end_on=end_on, note=note, today=today)
        _event(
            assignment.enterprise,
            EnterpriseEventKind.UNASSIGNED,
            actor=actor,
            note=f"{assignment.get_level_display()}{assignment.get_role_display()}{assignment.official}"
            f"的包保{'将' if end_on > today else ''}于{end_on:%Y-%m-%d}结束"
            + (f"：{note}" if note else ""),
            at=now,
        )
    return assignment


def assignment_bulk_create(
    *,
    enterprises,
    official,
    role: str,
    start_on: datetime.date,
    actor,
    level: str | None = None,
    end_on=None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> list[Assignment]:
    """Assign one official to every enterprise of a (restricted) selection: all or nothing.

    If any enterprise cannot take this official (outside their area, already assigned), nothing
    is saved and the error names the enterprises concerned.
    """
    enterprises = (
        list(enterprises[: BULK_ASSIGN_LIMIT + 1])
        if hasattr(enterprises, "query")
        else list(enterprises)
    )
    if not enterprises:
        raise ValidationError("没有选中任何企业。")
    if len(enterprises) > BULK_ASSIGN_LIMIT:
        raise ValidationError(f"一次最多为{BULK_ASSIGN_LIMIT}家企业安排包保，请缩小筛选范围。")
    created, failures = [], []
    with transaction.atomic():
        for enterprise in enterprises:
            try:
                with transaction.atomic():
                    created.append(
                        assignment_create(
                            enterprise=enterprise,
                            official=official,
                            role=role,
                            start_on=start_on,
                            end_on=end_on,
                            level=level,
                            note=note,
                            actor=actor,
                            now=now,
                        )
                    )
            except ValidationError as exc:
                failures.append(f"{enterprise}：{'；'.join(exc.messages)}")
        if failures:
            shown = failures[:10] + ([f"……等共{len(failures)}家"] if len(failures) > 10 else [])
            raise ValidationError(["以下企业不能安排，全部未保存：", *shown])
    return created


# --- Visits and the problems raised ------------------------------------------------------------


def _check_officials(enterprise: Enterprise, officials) -> None:
    if not officials:
        raise ValidationError({"officials": "请至少选择一名走访人员。"})
    problems = [p for p in (Assignment.official_problem(o, enterprise) for o in officials) if p]
    if problems:
        raise ValidationError({"officials": problems})


PHOTO_KINDS = (JPEG, PNG, PDF)  # site photos, and the scanned paper 走访记录


def _row_label(item: dict, index: int) -> str:
    return f"第{item.get('row') or index + 1}行问题"


def _problem_text(item) -> tuple[str, str]:
    return (item.get("description") or "").strip(), (item.get("category") or "").strip()


def _problem_new(visit: Visit, item: dict, index: int) -> VisitProblem:
    description, category = _problem_text(item)
    problem = VisitProblem(
        visit=visit, enterprise=visit.enterprise, description=description, category=category
    )
    try:
        problem.full_clean(exclude=["visit", "enterprise", "converted_by"])
    except ValidationError as exc:
        raise ValidationError(
            {"problems": [f"{_row_label(item, index)}：{m}" for m in exc.messages]}
        ) from exc
    problem.save()
    return problem


def _attach_all(visit: Visit, photos, actor) -> list:
    return [
        visit_attach(visit=visit, actor=actor, upload=upload, field="photos")
        for upload in photos or ()
    ]


def visit_create(
    *,
    enterprise: Enterprise,
    visited_on: datetime.date,
    officials,
    actor,
    form: str = VisitForm.ONSITE,
    notes: str = "",
    problems=(),
    photos=(),
    now: datetime.datetime | None = None,
) -> Visit:
    """Record a visit with the problems raised (each ``{"description": ..., "category": ...}``,
    any number; ``row`` names the form row in messages) and its photos or scanned record
    (``photos``: uploads, through the file service). All or nothing: a refused file saves no
    visit. Recorded at ``now`` (default now): the visit cannot be dated after that day."""
    now = now or timezone.now()
    officials = list(dict.fromkeys(officials))
    if visited_on > timezone.localdate(now):
        raise ValidationError({"visited_on": "走访日期不能晚于今天。"})
    _check_officials(enterprise, officials)
    problems = [p for p in problems if _problem_text(p)[0] and not p.get("delete")]
    visit = Visit(
        enterprise=enterprise,
        visited_on=visited_on,
        form=form,
        notes=notes or "",
        created_by=_actor(actor),
    )
    visit.full_clean(exclude=["enterprise", "created_by"])
    with transaction.atomic():
        visit.save()
        for official in officials:
            VisitOfficial.objects.create(visit=visit, official=official)
        for index, item in enumerate(problems):
            _problem_new(visit, item, index)
        files = _attach_all(visit, photos, actor)
        _event(
            enterprise,
            EnterpriseEventKind.VISITED,
            actor=actor,
            note=f"{visited_on:%Y-%m-%d}{visit.get_form_display()}走访（{'、'.join(str(o) for o in officials)}），"
            f"收集问题{len(problems)}个" + (f"，附件{len(files)}个" if files else ""),
            at=now,
        )
    return visit


def _officials_text(officials) -> str:
    return "、".join(str(o) for o in officials)


def _case_number(problem: VisitProblem) -> str:
    case = problem.case_or_none
    return case.number if case else ""


def _problems_update(visit: Visit, problems, before: dict, after: dict) -> None:
    """Apply the problem rows of an edit: rows with an ``id`` are the visit's own problems (kept,
    changed or, with ``delete``, removed); rows without are new. A problem already converted to a
    case keeps its text and cannot be removed: the case was made from it."""
    own = {p.pk: p for p in visit.problems.select_related("case")}
    for index, item in enumerate(problems):
        label = _row_label(item, index)
        description, category = _problem_text(item)
        pk = item.get("id")
        if not pk:
            if description and not item.get("delete"):
                problem = _problem_new(visit, item, index)
                after.setdefault("新增问题", []).append(problem.description)
            continue
        problem = own.get(int(pk))
        if problem is None:
            raise ValidationError({"problems": f"{label}不是本次走访的问题，请刷新页面后重试。"})
        remove = item.get("delete") or not description
        if problem.status == ProblemStatus.CONVERTED:
            if remove:
                raise ValidationError(
                    {
                        "problems": f"{label}已转为案件（案件编号{_case_number(problem)}），不能删除。"
                    }
                )
            if (description, category) != (problem.description, problem.category):
                raise ValidationError(
                    {
                        "problems": f"{label}已转为案件（案件编号{_case_number(problem)}），不能修改问题描述或类别；请在案件中补充说明。"
                    }
                )
            continue
        if remove:
            before.setdefault("删除问题", []).append(problem.description)
            problem.delete()
            continue
        if (description, category) != (problem.description, problem.category):
            before.setdefault("修改问题", []).append(
                f"{problem.description}（{problem.category or '未分类'}）"
            )
            problem.description, problem.category = description, category
            try:
                problem.full_clean(exclude=["visit", "enterprise", "converted_by"])
            except ValidationError as exc:
                raise ValidationError(
                    {"problems": [f"{label}：{m}" for m in exc.messages]}
                ) from exc
            problem.save(update_fields=["description", "category"])
            after.setdefault("修改问题", []).append(f"{description}（{category or '未分类'}）")


def visit_update(
    *,
    visit: Visit,
    actor,
    visited_on=None,
    form=None,
    notes=None,
    officials=None,
    problems=None,
    photos=(),
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Visit:
    """Correct a saved visit: date, form, notes, officials, its problem rows (``problems``: the
    edit form's rows, see ``_problems_update``; None leaves them alone) and new photos. The
    history is kept: what changed (old → new), who, when and why becomes a 走访修改 row of the
    enterprise's timeline (at ``now``, default now) and an audit row; one transaction."""
    now = now or timezone.now()
    before: dict = {}
    after: dict = {}
    old = {"visited_on": visit.visited_on, "form": visit.get_form_display(), "notes": visit.notes}
    if visited_on is not None:
        if visited_on > timezone.localdate(now):
            raise ValidationError({"visited_on": "走访日期不能晚于今天。"})
        visit.visited_on = visited_on
    if form is not None:
        visit.form = form
    if notes is not None:
        visit.notes = notes
    visit.full_clean(exclude=["enterprise", "created_by"])
    for label, key, new in (
        ("走访日期", "visited_on", visit.visited_on),
        ("走访形式", "form", visit.get_form_display()),
        ("走访情况", "notes", visit.notes),
    ):
        if old[key] != new:
            before[label], after[label] = str(old[key]), str(new)
    with transaction.atomic():
        visit.save()
        if officials is not None:
            officials = list(dict.fromkeys(officials))
            _check_officials(visit.enterprise, officials)
            current = [link.official for link in visit.official_links.select_related("official")]
            wanted = {o.pk for o in officials}
            for link in visit.official_links.all():
                if link.official_id not in wanted:
                    link.delete()
            have = set(visit.official_links.values_list("official_id", flat=True))
            for official in officials:
                if official.pk not in have:
                    VisitOfficial.objects.create(visit=visit, official=official)
            if {o.pk for o in current} != wanted:
                before["走访人员"], after["走访人员"] = (
                    _officials_text(current),
                    _officials_text(officials),
                )
        if problems is not None:
            _problems_update(visit, problems, before, after)
        files = _attach_all(visit, photos, actor)
        if files:
            after["新增附件"] = [f.name for f in files]
        reason = (reason or "").strip()[:200]
        if before or after:
            changed = "、".join(dict.fromkeys([*before, *after]))
            note = f"修改{visit.visited_on:%Y-%m-%d}走访记录：{changed}" + (
                f"（原因：{reason}）" if reason else ""
            )
            _event(
                visit.enterprise,
                EnterpriseEventKind.VISIT_EDITED,
                actor=actor,
                changes={"visit": visit.pk, "reason": reason, "before": before, "after": after},
                note=note,
                at=now,
            )
            audit_write(
                action=AuditAction.UPDATE,
                obj=visit,
                actor=actor,
                changes={"before": before, "after": after},
                detail=note,
            )
    return visit


def visit_attach(*, visit: Visit, actor, upload, field: str = "file") -> VisitAttachment:
    """A photo (jpg, png) or a scanned 走访记录 (pdf) of a visit, through the platform's file
    service (type judged by content, FILE_MAX_MB, the daily quota, SHA-256, written on commit).
    Whoever may change the visit may attach to it."""
    if not Visit.objects.restrict(actor, "change").filter(pk=visit.pk).exists():
        raise PermissionDenied("您不能为该走访记录上传附件。")
    return file_store(
        model=VisitAttachment,
        actor=actor,
        upload=upload,
        kinds=PHOTO_KINDS,
        field=field,
        visit=visit,
    )


def visit_attachment_remove(*, attachment: VisitAttachment, actor) -> VisitAttachment:
    """删除 a visit's file: soft (the row, its audit history and the bytes stay; no longer listed
    or downloadable), with a 走访修改 row on the enterprise's timeline."""
    if not Visit.objects.restrict(actor, "change").filter(pk=attachment.visit_id).exists():
        raise PermissionDenied("您不能删除该走访记录的附件。")
    with transaction.atomic():
        removed = file_remove(obj=attachment, actor=actor)
        visit = attachment.visit
        _event(
            visit.enterprise,
            EnterpriseEventKind.VISIT_EDITED,
            actor=actor,
            changes={"visit": visit.pk, "before": {"附件": removed.name}, "after": {"附件": ""}},
            note=f"删除{visit.visited_on:%Y-%m-%d}走访记录的附件“{removed.name}”",
        )
    return removed


def visit_problem_mark_converted(
    *, problem: VisitProblem, case, actor, now: datetime.datetime | None = None
) -> VisitProblem:
    """Called by ``cases.services.case_open_from`` once ``case`` has been opened from a 待转办
    problem (the case holds the link, ``case.origin_visit_problem``): the problem becomes 已转案件
    at ``now`` (the case's own ``now``; default now), with its audit row. A problem is never
    converted twice."""
    if problem.status != ProblemStatus.PENDING:
        raise ValidationError(f"该问题状态为“{problem.get_status_display()}”，不能转为案件。")
    if case.origin_visit_problem_id != problem.pk:
        raise ValidationError("案件并非由该问题转入。")
    with transaction.atomic():
        updated = VisitProblem.objects.filter(pk=problem.pk, status=ProblemStatus.PENDING).update(
            status=ProblemStatus.CONVERTED,
            converted_at=now or timezone.now(),
            converted_by=_actor(actor),
        )
        if not updated:  # another request converted it first
            raise ValidationError("该问题刚被他人处理，请刷新后重试。")
        before = {"status": problem.status, "case": None}
        problem.refresh_from_db()
        audit_write(
            action=AuditAction.UPDATE,
            obj=problem,
            actor=actor,
            changes={"before": before, "after": {"status": problem.status, "case": case.number}},
            detail=f"走访问题转为案件 {case.number}",
        )
    return problem


def visit_problem_dismiss(*, problem: VisitProblem, actor, note: str) -> VisitProblem:
    """Mark a 待转办 problem as 无需转办 (answered on the spot, withdrawn…), with the reason."""
    if problem.status != ProblemStatus.PENDING:
        raise ValidationError(f"该问题状态为“{problem.get_status_display()}”，不能标记为无需转办。")
    if not (note or "").strip():
        raise ValidationError({"status_note": "请说明无需转办的原因。"})
    with transaction.atomic():
        problem.status = ProblemStatus.NOT_NEEDED
        problem.status_note = note.strip()[:200]
        problem.converted_by = _actor(actor)
        problem.save(update_fields=["status", "status_note", "converted_by"])
    return problem
