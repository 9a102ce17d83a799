"""Stage rules: order, dates that cannot precede the previous stage's, backwards moves and 终止
with a reason, every move an event row, and the milestone dates "三个一批" counts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shangwu.audit.models import AuditLog
from shangwu.projects import services
from shangwu.projects.choices import ProjectEventKind
from shangwu.projects.models import Project, ProjectEvent, Stage

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_new_project_starts_in_the_first_stage_with_an_event(make_project):
    project = make_project(on=D(2025, 1, 10))
    assert project.stage.name == "线索" and project.stage_on == D(2025, 1, 10)
    assert ProjectEvent.objects.filter(
        project=project, kind=ProjectEventKind.CREATED, on=D(2025, 1, 10)
    ).exists()


def test_moving_forward_records_the_date_the_actor_and_an_event(make_project, stage, city_staff):
    project = make_project(on=D(2025, 1, 10))
    services.project_move_stage(
        project=project,
        stage=stage("签约"),
        on=D(2025, 3, 31),
        actor=city_staff,
        note="在招商推介会上签约",
    )
    project.refresh_from_db()
    assert project.stage.name == "签约" and project.signed_on == D(2025, 3, 31)
    event = ProjectEvent.objects.get(project=project, kind=ProjectEventKind.STAGE)
    assert (event.from_stage.name, event.to_stage.name, event.on, event.actor) == (
        "线索",
        "签约",
        D(2025, 3, 31),
        city_staff,
    )
    assert AuditLog.objects.filter(
        object_type="projects.project", object_id=str(project.pk), detail__contains="线索 → 签约"
    ).exists()


def test_a_stage_date_cannot_precede_the_previous_stages(make_project, stage, city_staff):
    project = make_project(reach={"签约": D(2025, 3, 1)})
    with pytest.raises(ValidationError, match="不能早于项目进入“签约”阶段的日期（2025-03-01）"):
        services.project_move_stage(
            project=project, stage=stage("开工"), on=D(2025, 2, 28), actor=city_staff
        )
    project.refresh_from_db()
    assert project.stage.name == "签约" and project.started_on is None


def test_a_future_date_is_refused(make_project, stage, city_staff):
    project = make_project()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="晚于今天"):
        services.project_move_stage(
            project=project, stage=stage("签约"), on=tomorrow, actor=city_staff
        )


def test_moving_backwards_needs_a_reason_and_undoes_later_milestones(
    make_project, stage, city_staff
):
    project = make_project(
        reach={"签约": D(2025, 3, 1), "注册": D(2025, 4, 1), "开工": D(2025, 5, 1)}
    )
    with pytest.raises(ValidationError, match="须填写原因"):
        services.project_move_stage(
            project=project, stage=stage("签约"), on=D(2025, 6, 1), actor=city_staff
        )
    services.project_move_stage(
        project=project,
        stage=stage("签约"),
        on=D(2025, 6, 1),
        actor=city_staff,
        note="施工许可被撤回，重新办理",
    )
    project.refresh_from_db()
    assert project.stage.name == "签约"
    assert (project.signed_on, project.registered_on, project.started_on) == (
        D(2025, 3, 1),
        None,
        None,
    )
    back = (
        ProjectEvent.objects.filter(project=project, kind=ProjectEventKind.STAGE)
        .order_by("-id")
        .first()
    )
    assert back.note == "施工许可被撤回，重新办理" and back.changes == {"direction": "back"}


def test_terminating_needs_a_reason_and_keeps_the_milestones(make_project, stage, city_staff):
    project = make_project(reach={"签约": D(2025, 3, 1)})
    with pytest.raises(ValidationError, match="终止原因"):
        services.project_move_stage(
            project=project, stage=stage("终止"), on=D(2025, 5, 1), actor=city_staff
        )
    services.project_move_stage(
        project=project,
        stage=stage("终止"),
        on=D(2025, 5, 1),
        actor=city_staff,
        note="投资方资金链紧张",
    )
    project.refresh_from_db()
    assert (
        project.terminated_on == D(2025, 5, 1) and project.termination_reason == "投资方资金链紧张"
    )
    assert project.signed_on == D(2025, 3, 1)
    with pytest.raises(ValidationError, match="须填写原因"):
        services.project_move_stage(
            project=project, stage=stage("签约"), on=D(2025, 6, 1), actor=city_staff
        )


def test_skipped_milestones_are_recorded_on_the_same_day(make_project, stage, city_staff):
    project = make_project()
    services.project_move_stage(
        project=project, stage=stage("开工"), on=D(2025, 2, 3), actor=city_staff
    )
    project.refresh_from_db()
    assert project.signed_on == project.registered_on == project.started_on == D(2025, 2, 3)
    assert (
        "跳过的阶段按同日记录：签约、注册"
        in ProjectEvent.objects.get(project=project, kind="stage").note
    )


def test_a_stale_copy_cannot_move_a_project_someone_else_just_moved(
    make_project, stage, city_staff
):
    project = make_project()
    stale = Project.objects.get(pk=project.pk)
    services.project_move_stage(
        project=project, stage=stage("洽谈"), on=D(2025, 1, 5), actor=city_staff
    )
    with pytest.raises(ValidationError, match="刚被他人修改"):
        services.project_move_stage(
            project=stale, stage=stage("签约"), on=D(2025, 1, 6), actor=city_staff
        )


def test_stages_and_milestone_dates_cannot_be_edited_directly(make_project, stage, city_staff):
    project = make_project()
    with pytest.raises(ValidationError, match="阶段变更"):
        services.project_update(project=project, actor=city_staff, signed_on=D(2025, 1, 1))


def test_a_renamed_milestone_stage_still_counts_as_signing(make_project, city_staff):
    signing = Stage.objects.get(milestone="signed")
    signing.name = "正式签约"
    signing.save()
    project = make_project()
    services.project_move_stage(project=project, stage=signing, on=D(2025, 2, 1), actor=city_staff)
    project.refresh_from_db()
    assert project.signed_on == D(2025, 2, 1)


def test_the_board_move_form_asks_for_the_date_and_moves_the_card(
    as_user, city_staff, make_project, stage
):
    project = make_project()
    client = as_user(city_staff)
    url = f"/projects/{project.pk}/move/?stage={stage('签约').pk}&next=/projects/board/"
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"]["stage"].value() == stage("签约").pk
    response = client.post(
        url, {"stage": stage("签约").pk, "on": "2025-03-31", "note": "", "next": "/projects/board/"}
    )
    assert response.status_code == 302 and response["Location"] == "/projects/board/"
    project.refresh_from_db()
    assert project.signed_on == D(2025, 3, 31)
    board = client.get("/projects/board/")
    column = next(c for c in board.context["columns"] if c["stage"].name == "签约")
    assert project in column["cards"] and column["count"] == 1


def test_a_backwards_move_on_the_page_without_reason_shows_the_error(
    as_user, city_staff, make_project, stage
):
    project = make_project(reach={"签约": D(2025, 3, 1)})
    response = as_user(city_staff).post(
        f"/projects/{project.pk}/move/", {"stage": stage("洽谈").pk, "on": "2025-04-01"}
    )
    assert response.status_code == 400 and "须填写原因" in response.content.decode()


def test_the_api_moves_a_stage_through_the_same_rules(as_user, city_staff, make_project, stage):
    project = make_project(reach={"签约": D(2025, 3, 1)})
    client = as_user(city_staff)
    bad = client.post(
        f"/api/projects/{project.pk}/move/",
        {"stage": stage("开工").pk, "on": "2025-02-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "on" in bad.json()
    ok = client.post(
        f"/api/projects/{project.pk}/move/",
        {"stage": stage("开工").pk, "on": "2025-04-01"},
        content_type="application/json",
    )
    assert (
        ok.status_code == 200
        and ok.json()["started_on"] == "2025-04-01"
        and ok.json()["stage_name"] == "开工"
    )
    edit = client.patch(
        f"/api/projects/{project.pk}/",
        {"signed_on": "2020-01-01", "name": "改名项目"},
        content_type="application/json",
    )
    assert (
        edit.status_code == 200
        and edit.json()["signed_on"] == "2025-03-01"
        and edit.json()["name"] == "改名项目"
    )
