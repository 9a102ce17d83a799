"""The 督办通报's headline numbers are the registry's figures (tasks.cycle_*): each equals the
task list it links to, for the city and for a county, and a report filed moves it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from shangwu.core import figures
from shangwu.tasks import services
from shangwu.tasks.selectors import bulletin_context, bulletin_summary_text

pytestmark = pytest.mark.django_db


def _api_rows(client, url: str) -> list[dict]:
    rows, url = [], f"{url}&page_size=500"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows


@pytest.mark.parametrize("persona", ["leader", "county_a"])
def test_each_headline_number_of_the_bulletin_is_its_figure_and_links_to_exactly_those_tasks(
    request, as_user, reported_plan, persona
):
    client = as_user(request.getfixturevalue(persona))
    page = client.get(reverse("tasks:report"), {"plan": reported_plan.pk, "cycle": 1})
    b, html = page.context["b"], page.content.decode()
    keys = [cell["key"] for cell in b["headline"]]
    assert keys == [
        "tasks.cycle_total",
        "tasks.cycle_not_started",
        "tasks.cycle_on_track",
        "tasks.cycle_lagging",
        "tasks.cycle_done",
        "tasks.cycle_cancelled",
        "tasks.cycle_on_time_rate",
    ]
    for cell in b["headline"]:
        figure = cell["figure"]
        assert figures.get(cell["key"]).label == figure.label
        assert f'href="{cell["url"].replace("&", "&amp;")}" data-figure="{cell["key"]}"' in html
        lists = {
            part: _api_rows(client, urls["api"])
            for part, urls in (
                figure.drill.items() if "numerator" in figure.drill else [("list", figure.drill)]
            )
        }
        assert figure.value == figures.get(cell["key"]).value_from_lists(lists), cell["key"]
        listed = client.get(cell["url"]).context["page"].paginator.count
        assert listed == len(lists.get("numerator", lists.get("list"))), cell["url"]
    # The numbers shown are those the bulletin counted from its own facts before.
    facts = b["facts"]
    assert int(b["figures"]["total"].value) == len(facts.tasks) == b["total"]
    for status, n in b["counts"].items():
        assert n == sum(f.status == status for f in facts.tasks), status
    states = [f.state(1) for f in facts.tasks]
    for state in ("on_time", "late", "missing"):
        assert b["states"][state] == states.count(state)
        shown = _api_rows(client, b["figures"][state].drill["api"])
        assert {row["id"] for row in shown} == {
            f.task.pk for f in facts.tasks if f.state(1) == state
        }
    assert b["owed"] == states.count("on_time") + states.count("late") + states.count("missing")
    if persona == "leader":
        assert b["total"] == 4 and b["states"]["missing"] == 2 and b["on_time_rate"] == 25.0
        assert 'data-figure="tasks.cycle_on_time_rate">25.0%</a>' in html
    else:
        assert b["total"] == 2


def test_a_report_filed_after_the_close_moves_the_missing_figure_to_late(
    as_user, leader, reported_plan, unit, at
):
    read_on = datetime.date(2026, 2, 10)  # cycle 1 (January, due 26 January) is the last due
    before = figures.compute_many(
        ["tasks.cycle_missing", "tasks.cycle_reported_late", "tasks.cycle_on_time_rate"],
        user=leader,
        date_from=datetime.date(2026, 1, 1),
        date_to=read_on,
    )
    bulletin = bulletin_context(user=leader, plan=reported_plan, cycle=1, today=read_on)
    assert before["tasks.cycle_missing"].value == bulletin["states"]["missing"] == 2
    assert before["tasks.cycle_reported_late"].value == bulletin["states"]["late"] == 1
    assert before["tasks.cycle_on_time_rate"].value == Decimal("25.0")

    services.report_submit(
        task=reported_plan.tasks.get(number=2),
        unit=unit("云水县商务局"),
        cycle=1,
        text="1月（补报）",
        actor=None,
        submitted_at=at(2026, 2, 5),
    )
    client = as_user(leader)
    after = client.get("/api/figures/tasks.cycle_missing/?from=2026-01-01&to=2026-02-10").json()
    assert after["value"] == "1"
    late = client.get(
        "/api/figures/tasks.cycle_reported_late/?from=2026-01-01&to=2026-02-10"
    ).json()
    assert late["value"] == "2"
    assert {row["number"] for row in _api_rows(client, late["drill"]["api"])} == {2, 4}
    bulletin = bulletin_context(user=leader, plan=reported_plan, cycle=1, today=read_on)
    assert bulletin["states"]["missing"] == 1 and bulletin["states"]["late"] == 2
    assert "按时报送1项，逾期报送2项，未报送1项" in bulletin_summary_text(bulletin)


def test_the_task_list_keeps_the_bulletins_conditions_out_of_its_form(as_user, city_staff):
    page = as_user(city_staff).get(
        reverse("tasks:task_list"), {"cycle_on": "2026-02-10", "cycle_report": "missing"}
    )
    assert page.status_code == 200
    fields = page.context["filter"].form.fields
    for name in ("cycle_on", "cycle_plan", "cycle", "cycle_report", "cycle_status"):
        assert fields[name].widget.is_hidden, name
