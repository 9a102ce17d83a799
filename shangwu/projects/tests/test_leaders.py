"""包保领导 is a core.models.Responsibility: current and ended by the same rule as an
enterprise's 包保 (the end day still counts; a planned end can be brought forward; a 包保 whose
end day has passed is history)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shangwu.enterprises.models import Assignment
from shangwu.projects import services
from shangwu.projects.models import ProjectLeader

pytestmark = pytest.mark.django_db
D = datetime.date


def end_url(project, row):
    return f"/projects/{project.pk}/leaders/{row.pk}/end/"


def test_a_county_officer_in_charge_serves_at_county_level_as_leader(
    as_user, county_a, city_staff, make_project
):
    project = make_project()
    response = as_user(city_staff).post(
        f"/projects/{project.pk}/leaders/add/",
        {"leader": county_a.pk, "start_on": "2025-02-01", "note": ""},
    )
    assert response.status_code == 302
    row = ProjectLeader.objects.get(project=project)
    assert (row.official, row.level, row.role) == (county_a, "county", "leader")
    assert row.created_by == city_staff and row.subject == project


def test_a_planned_end_can_be_brought_forward_through_the_page(
    as_user, county_a, city_staff, make_project
):
    project = make_project()
    today = timezone.localdate()
    row = services.project_add_leader(
        project=project, leader=county_a, start_on=D(2025, 1, 1), actor=city_staff
    )
    services.project_end_leader(
        assignment=row, end_on=today + datetime.timedelta(days=30), actor=city_staff
    )
    page = as_user(city_staff).get(project.get_absolute_url()).content.decode()
    assert end_url(project, row) in page  # still in charge: the 结束 link stays

    response = as_user(city_staff).post(
        end_url(project, row), {"end_on": today.isoformat(), "note": "调任"}
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.end_on == today and row.note == "调任"
    assert project.events.filter(kind="leader_ended").count() == 2


def test_a_leader_whose_end_day_has_passed_is_not_ended_again(
    as_user, county_a, city_staff, make_project
):
    project = make_project()
    row = services.project_add_leader(
        project=project, leader=county_a, start_on=D(2025, 1, 1), actor=city_staff
    )
    services.project_end_leader(assignment=row, end_on=D(2025, 6, 30), actor=city_staff)
    with pytest.raises(ValidationError, match="该包保已于2025-06-30结束"):
        services.project_end_leader(assignment=row, end_on=D(2025, 7, 31), actor=city_staff)
    page = as_user(city_staff).get(project.get_absolute_url()).content.decode()
    assert end_url(project, row) not in page


def test_the_end_day_still_counts_for_projects_and_enterprises_alike(
    county_a, city_staff, make_project, make_enterprise
):
    from shangwu.enterprises.baobao.services import assignment_create, assignment_end

    project = make_project()
    leader = services.project_add_leader(
        project=project, leader=county_a, start_on=D(2025, 1, 1), actor=city_staff
    )
    services.project_end_leader(assignment=leader, end_on=D(2025, 6, 30), actor=city_staff)
    assignment = assignment_create(
        enterprise=make_enterprise(),
        official=county_a,
        role="commissioner",
        start_on=D(2025, 1, 1),
        actor=city_staff,
    )
    assignment_end(assignment=assignment, end_on=D(2025, 6, 30), actor=city_staff)
    for model in (ProjectLeader, Assignment):
        assert model.objects.current(on=D(2025, 6, 30)).count() == 1, model
        assert model.objects.current(on=D(2025, 7, 1)).count() == 0, model
        assert model.objects.current(on=D(2024, 12, 31)).count() == 0, model


def test_the_same_official_cannot_hold_two_overlapping_leaderships(
    county_a, city_staff, make_project
):
    project = make_project()
    row = services.project_add_leader(
        project=project, leader=county_a, start_on=D(2025, 1, 1), actor=city_staff
    )
    services.project_end_leader(assignment=row, end_on=D(2025, 6, 30), actor=city_staff)
    with pytest.raises(ValidationError, match="在这段时间已是"):
        services.project_add_leader(
            project=project, leader=county_a, start_on=D(2025, 6, 1), actor=city_staff
        )
    again = services.project_add_leader(
        project=project, leader=county_a, start_on=D(2025, 7, 1), actor=city_staff
    )
    assert again.is_current(D(2025, 7, 1)) and not row.is_current(D(2025, 7, 1))
