"""双随机、一公开: the draw is reproducible from its recorded lists and seed, keeps clear of
conflicts (包保 officials, the last inspection's team), draws the sample asked for, and a
redraw needs a reason and keeps the first draw."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from shangwu.audit.models import AuditLog
from shangwu.enterprises.baobao.services import assignment_create
from shangwu.inspections import draw as drawing
from shangwu.inspections import services
from shangwu.inspections.models import Inspection, PlanTarget

pytestmark = pytest.mark.django_db

SUBJECTS = [{"id": n, "name": f"站{n}", "exclude": []} for n in range(1, 21)]
INSPECTORS = [{"id": n, "name": f"员{n}", "cert_no": f"C{n}"} for n in range(101, 107)]


def test_the_same_seed_and_lists_give_the_same_draw():
    one = drawing.draw_compute(
        subjects=SUBJECTS, inspectors=INSPECTORS, seed="abc", sample_size=5, team_size=2
    )
    again = drawing.draw_compute(
        subjects=list(reversed(SUBJECTS)),
        inspectors=list(reversed(INSPECTORS)),
        seed="abc",
        sample_size=5,
        team_size=2,
    )
    other = drawing.draw_compute(
        subjects=SUBJECTS, inspectors=INSPECTORS, seed="abd", sample_size=5, team_size=2
    )
    assert one == again
    assert one != other
    assert len({row["site"] for row in one}) == 5
    assert all(len(set(row["team"])) == 2 for row in one)


def test_the_hash_changes_when_a_candidate_changes():
    changed = [*SUBJECTS[:-1], {"id": 20, "name": "站20", "exclude": [101]}]
    assert drawing.candidates_hash(SUBJECTS, INSPECTORS) != drawing.candidates_hash(
        changed, INSPECTORS
    )
    assert len(drawing.candidates_hash(SUBJECTS, INSPECTORS)) == 64


def test_sample_sizes_by_percentage_round_up_and_counts_stop_at_the_list():
    assert drawing.sample_size_for(30, percent=5) == 2
    assert drawing.sample_size_for(30, percent=100) == 30
    assert drawing.sample_size_for(30, count=50) == 30
    assert drawing.sample_size_for(30, count=7) == 7


def test_an_excluded_inspector_is_never_on_that_subjects_team():
    subjects = [{"id": n, "name": f"站{n}", "exclude": [101, 102]} for n in range(1, 11)]
    for seed in ("a", "b", "c", "d", "e"):
        result = drawing.draw_compute(
            subjects=subjects, inspectors=INSPECTORS, seed=seed, sample_size=10, team_size=2
        )
        assert all(not {101, 102} & set(row["team"]) for row in result)


def test_too_few_eligible_inspectors_is_refused_in_words():
    subjects = [{"id": 1, "name": "东站", "exclude": [101, 102, 103, 104, 105]}]
    with pytest.raises(drawing.DrawError, match="东站.*可抽取的执法人员只有1名"):
        drawing.draw_compute(
            subjects=subjects, inspectors=INSPECTORS, seed="x", sample_size=1, team_size=2
        )


@pytest.fixture
def pool(make_officer, make_inspector, county_a, township_a1):
    """Five inspectors of 河东区: county_a, township_a1 and three more."""
    users = [county_a, township_a1, *(make_officer() for _ in range(3))]
    return [make_inspector(u) for u in users]


def test_a_county_officer_draws_a_random_plan_recorded_for_replay(
    county_a, make_site, make_plan, pool
):
    sites = [make_site() for _ in range(6)]
    make_site(county="419921")  # 云水县's station is not a candidate of 河东区's plan
    plan = make_plan(actor=county_a, sample_count=3)

    draw = services.plan_draw(plan=plan, actor=county_a, seed="2026-09")

    assert [c["id"] for c in draw.subject_candidates] == sorted(s.pk for s in sites)
    assert len(draw.inspector_candidates) == 5
    assert draw.sample_size == 3 and len(draw.result) == 3
    assert draw.algorithm_version == "sw-draw-1"
    assert draw.candidates_sha256 == drawing.candidates_hash(
        draw.subject_candidates, draw.inspector_candidates
    )
    assert drawing.draw_replay(draw)
    targets = PlanTarget.objects.filter(plan=plan, is_active=True)
    assert targets.count() == 3
    assert all(t.team.count() == 2 for t in targets)
    plan.refresh_from_db()
    assert plan.status == "drawn"
    assert plan.events.filter(kind="draw").exists()
    assert AuditLog.objects.filter(object_type="inspections.plan", detail__contains="种子").exists()


def test_a_baobao_official_is_never_drawn_for_their_enterprise(
    county_a, township_a1, make_site, make_plan, pool
):
    sites = [make_site(township="419902001") for _ in range(5)]
    for site in sites:
        assignment_create(
            enterprise=site.enterprise,
            official=county_a,
            role="commissioner",
            start_on=datetime.date(2026, 1, 1),
            actor=None,
        )
    plan = make_plan(actor=county_a, sample_percent=100)
    for seed in ("one", "two", "three"):
        if seed != "one":
            draw = services.plan_draw(plan=plan, actor=county_a, seed=seed, reason="测试")
        else:
            draw = services.plan_draw(plan=plan, actor=county_a, seed=seed)
        assert all(county_a.pk in c["exclude"] for c in draw.subject_candidates)
        assert all(county_a.pk not in row["team"] for row in draw.result)


def test_the_team_of_a_subjects_last_inspection_is_not_drawn_again(
    county_a, township_a1, make_site, make_plan, kind, pool
):
    site = make_site()
    last = services.inspection_start(actor=county_a, site=site, kind=kind("fuel_station_annual"))
    last.inspectors.set([county_a, township_a1])
    Inspection.objects.filter(pk=last.pk).update(
        status="submitted", outcome="pass", submitted_at="2026-03-01T10:00+08:00"
    )
    plan = make_plan(actor=county_a, sample_percent=100)
    draw = services.plan_draw(plan=plan, actor=county_a, seed="s")
    assert draw.subject_candidates[0]["exclude"] == sorted([county_a.pk, township_a1.pk])
    assert not {county_a.pk, township_a1.pk} & set(draw.result[0]["team"])


def test_a_redraw_needs_a_reason_and_keeps_the_first_draw(county_a, make_site, make_plan, pool):
    for _ in range(6):
        make_site()
    plan = make_plan(actor=county_a, sample_count=2)
    first = services.plan_draw(plan=plan, actor=county_a, seed="first")
    with pytest.raises(ValidationError, match="重新抽取须填写原因"):
        services.plan_draw(plan=plan, actor=county_a, seed="second")
    second = services.plan_draw(plan=plan, actor=county_a, seed="second", reason="执法人员调岗")
    first.refresh_from_db()
    assert not first.is_current and second.is_current and second.number == 2
    assert first.result and drawing.draw_replay(first)
    assert plan.targets.filter(is_active=False, draw=first).count() == 2
    assert plan.targets.filter(is_active=True, draw=second).count() == 2
    assert plan.events.filter(kind="redraw", note__contains="执法人员调岗").exists()


def test_no_redraw_once_inspection_has_begun(county_a, make_site, make_plan, pool):
    for _ in range(3):
        make_site()
    plan = make_plan(actor=county_a, sample_count=1)
    services.plan_draw(plan=plan, actor=county_a, seed="x")
    target = plan.targets.get(is_active=True)
    services.inspection_start(actor=county_a, target=target)
    with pytest.raises(ValidationError, match="已开始检查"):
        services.plan_draw(plan=plan, actor=county_a, seed="y", reason="重抽")


def test_another_county_cannot_draw_a_plan_it_cannot_see(
    county_b, county_a, make_site, make_plan, pool
):
    make_site()
    plan = make_plan(actor=county_a, sample_count=1)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.plan_draw(plan=plan, actor=county_b)
