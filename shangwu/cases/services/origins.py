"""One way a record becomes a case: ``case_open_from(*, origin, …)``.

An origin is a record of another module a problem was raised on: a visit problem (走访问题) or a
project (招商项目问题) today, inspection findings and portal submissions next. The case links to it
by one foreign key per kind (``Case.ORIGIN_FIELDS``), at most one set; the origin's module is told
through its own service, which writes its event (and audit) row; the category comes from the
系统管理员's mapping (``CaseCategoryMapping``) unless the user chose one.

A new kind of origin adds: a CaseOriginKind, a foreign key on Case, and an entry in ``_KINDS``
below (what the case takes from the record, what text the mapping reads, and which service of
the origin's module records the conversion).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from shangwu.cases.choices import CaseEventKind, CaseKind, CaseOriginKind, CaseSource
from shangwu.cases.models import Case, CaseCategory, CaseCategoryMapping, CaseEvent
from shangwu.cases.services.registry import case_assign, case_register


def case_category_for(*, origin_kind: str, text: str) -> CaseCategory | None:
    """The category the mapping gives a record of ``origin_kind`` whose text is ``text``: the
    longest keyword found in it (then the lower 排序), else the kind's default row (no keyword),
    else 其他. Only active categories count."""
    rows = list(
        CaseCategoryMapping.objects.filter(origin_kind=origin_kind, category__is_active=True)
        .select_related("category")
        .order_by("sort_order", "id")
    )
    text = text or ""
    found = [r for r in rows if r.keyword and r.keyword in text]
    if found:
        return max(found, key=lambda r: (len(r.keyword), -r.sort_order)).category
    default = next((r for r in rows if not r.keyword), None)
    if default is not None:
        return default.category
    active = CaseCategory.objects.filter(is_active=True)
    return active.filter(name="其他").first() or active.first()


# --- The kinds of origin ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    text: Callable  # (record, title, content) -> the text the category mapping reads
    prepare: Callable  # (record, title, content, source) -> case_register keyword arguments
    register_note: Callable  # (record) -> (note, data) of the case's 登记 event, or None
    mark: Callable  # (record, case, actor, now) -> the origin module records the conversion


def _problem_text(problem, title, content) -> str:
    return problem.category or problem.description


def _problem_prepare(problem, title, content, source) -> dict:
    from shangwu.enterprises.choices import ProblemStatus

    if problem.status != ProblemStatus.PENDING:
        raise ValidationError(f"该问题状态为“{problem.get_status_display()}”，不能转为案件。")
    enterprise = problem.enterprise
    contact = enterprise.contacts.order_by("-is_primary", "id").first()
    return {
        "source": source or CaseSource.VISIT,
        "title": (title or "").strip() or problem.description.strip().splitlines()[0][:60],
        "content": content or problem.description,
        "county": enterprise.county,
        "township": enterprise.township,
        "enterprise": enterprise,
        "contact_name": getattr(contact, "name", "") or "",
        "contact_phone": getattr(contact, "mobile", "") or "",
    }


def _problem_note(problem):
    return f"由{problem.visit}记录的问题转入", {
        "visit_problem": problem.pk,
        "visit": problem.visit_id,
    }


def _problem_mark(problem, case, actor, now):
    from shangwu.enterprises.baobao.services import visit_problem_mark_converted

    visit_problem_mark_converted(problem=problem, case=case, actor=actor, now=now)


def _project_text(project, title, content) -> str:
    return f"{title}\n{content}"


def _project_prepare(project, title, content, source) -> dict:
    title, content = (title or "").strip(), (content or "").strip()
    if not title:
        raise ValidationError({"title": "请填写问题标题。"})
    if not content:
        raise ValidationError({"content": "请填写问题内容。"})
    # The project's enterprise only when it is registered in the project's county (a case's
    # enterprise and place must agree): then 企业自报, else 其他.
    linked = bool(project.enterprise_id) and project.enterprise.county_id == project.county_id
    return {
        "source": source or (CaseSource.SELF_REPORT if linked else CaseSource.OTHER),
        "title": title[:200],
        "content": f"【招商项目：{project.name}（{project.code}）】{content}",
        "county": project.county,
        "township": project.township,
        "enterprise": project.enterprise if linked else None,
    }


def _project_mark(project, case, actor, now):
    from shangwu.projects.services import project_mark_problem_raised

    project_mark_problem_raised(project=project, case=case, actor=actor, now=now)


def _hazard_text(hazard, title, content) -> str:
    return f"{title}\n{content}\n{hazard.description}"


def _hazard_prepare(hazard, title, content, source) -> dict:
    site = hazard.site
    enterprise = site.enterprise
    linked = enterprise.county_id == hazard.county_id
    return {
        "source": source or CaseSource.OTHER,
        "title": ((title or "").strip() or f"重大隐患未整改：{site.name}")[:200],
        "content": (content or "").strip()
        or (
            f"【检查隐患：{site.name}，{hazard.found_on:%Y-%m-%d}发现，整改期限"
            f"{hazard.deadline:%Y-%m-%d}】{hazard.description}"
        ),
        "county": hazard.county,
        "township": hazard.township,
        "enterprise": enterprise if linked else None,
    }


def _hazard_note(hazard):
    return f"由{hazard.inspection}发现的隐患转入", {
        "hazard": hazard.pk,
        "inspection": hazard.inspection_id,
    }


def _hazard_mark(hazard, case, actor, now):
    from shangwu.inspections.rectification import hazard_mark_case_opened

    hazard_mark_case_opened(hazard=hazard, case=case, actor=actor, now=now)


_KINDS = {
    CaseOriginKind.VISIT_PROBLEM: _Kind(
        _problem_text, _problem_prepare, _problem_note, _problem_mark
    ),
    CaseOriginKind.PROJECT: _Kind(_project_text, _project_prepare, lambda p: None, _project_mark),
    CaseOriginKind.HAZARD: _Kind(_hazard_text, _hazard_prepare, _hazard_note, _hazard_mark),
}


def _kind_of(origin) -> str:
    kind = Case.origin_kind_of(origin)
    if kind is None:
        raise ValidationError(f"“{origin}”不能转为案件。")
    return kind


def case_category_for_origin(*, origin, title: str = "", content: str = "") -> CaseCategory | None:
    """The mapped category for a case opened from ``origin`` (what the forms offer first)."""
    kind = _kind_of(origin)
    return case_category_for(origin_kind=kind, text=_KINDS[kind].text(origin, title, content))


def case_open_from(
    *,
    origin,
    actor,
    category: CaseCategory | None = None,
    title: str = "",
    content: str = "",
    kind: str = CaseKind.ORDINARY,
    source: str | None = None,
    lead_unit=None,
    co_units=(),
    now: datetime.datetime | None = None,
) -> Case:
    """A case opened from ``origin`` (a visit problem, a project) in one transaction: 登记 with
    the record's enterprise, place and contact, linked to it (``Case.origin_*``), the category
    chosen by the mapping when none is given, the origin's module told (its event and audit
    rows), and assigned at once when a lead unit is given."""
    origin_kind = _kind_of(origin)
    spec = _KINDS[origin_kind]
    fields = spec.prepare(origin, title, content, source)
    if category is None:
        category = case_category_for(
            origin_kind=origin_kind, text=spec.text(origin, title, content)
        )
    if category is None:
        raise ValidationError({"category": "系统尚未配置诉求类别，请联系系统管理员。"})
    with transaction.atomic():
        case = case_register(
            actor=actor,
            kind=kind,
            category=category,
            received_at=None,
            now=now,
            origin={Case.ORIGIN_FIELDS[origin_kind]: origin},
            **fields,
        )
        register_note = spec.register_note(origin)
        if register_note:
            note, data = register_note
            CaseEvent.objects.filter(case=case, kind=CaseEventKind.REGISTER).update(
                note=note, data=data
            )
        spec.mark(origin, case, actor, now)
        if lead_unit is not None:
            case_assign(case=case, actor=actor, lead_unit=lead_unit, co_units=co_units, now=now)
    return case
