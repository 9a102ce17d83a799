""" "三个一批" on a hand-built set: period membership at the quarter's edge, counts and total
investment by county and by 产业链, the list behind every figure, the ledger, money by period."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from shangwu.core.periods import MONTH, QUARTER, YEAR, Period
from shangwu.projects import selectors, services

pytestmark = pytest.mark.django_db
D = datetime.date
Q1, Q2 = Period(QUARTER, 2025, 1), Period(QUARTER, 2025, 2)


@pytest.fixture
def hand_built(make_project):
    """河东区: A signed 03-31 (Q1), B signed 04-01 (Q2) and started 05-10, C signed 01-05 started 06-30
    produced 06-30; 云水县: D signed 02-14; E (河东区) never signed."""
    return {
        "A": make_project(
            name="甲项目", total=10000, chain="新材料", reach={"签约": D(2025, 3, 31)}
        ),
        "B": make_project(
            name="乙项目",
            total=20000,
            chain="新材料",
            reach={"签约": D(2025, 4, 1), "开工": D(2025, 5, 10)},
        ),
        "C": make_project(
            name="丙项目",
            total=5000,
            chain="食品加工",
            reach={"签约": D(2025, 1, 5), "开工": D(2025, 6, 30), "投产": D(2025, 6, 30)},
        ),
        "D": make_project(
            name="丁项目",
            total=8000,
            county="419921",
            chain="食品加工",
            reach={"签约": D(2025, 2, 14)},
        ),
        "E": make_project(name="戊项目", total=99999),
    }


def cells(row):
    return {c["milestone"]: (c["count"], c["investment"]) for c in row["cells"]}


def test_a_project_signed_on_march_31_counts_in_q1_and_one_signed_april_1_in_q2(
    city_staff, hand_built
):
    q1 = {
        p.name
        for p in selectors.project_list_in_batch(user=city_staff, milestone="signed", period=Q1)
    }
    q2 = {
        p.name
        for p in selectors.project_list_in_batch(user=city_staff, milestone="signed", period=Q2)
    }
    assert q1 == {"甲项目", "丙项目", "丁项目"}
    assert q2 == {"乙项目"}


def test_three_batches_figures_in_total_by_county_and_by_chain(city_staff, hand_built):
    q2 = selectors.three_batches(user=city_staff, period=Q2)
    total = {c["milestone"]: (c["count"], c["investment"]) for c in q2["total"]}
    assert total == {
        "signed": (1, Decimal("20000")),
        "started": (2, Decimal("25000")),
        "producing": (1, Decimal("5000")),
    }
    by_county = {r["label"]: cells(r) for r in q2["by_county"]}
    assert by_county["河东区"]["started"] == (2, Decimal("25000"))
    assert by_county["云水县"] == {"signed": (0, 0), "started": (0, 0), "producing": (0, 0)}
    q1 = selectors.three_batches(user=city_staff, period=Q1)
    by_chain = {r["label"]: cells(r) for r in q1["by_chain"]}
    assert by_chain["新材料"]["signed"] == (1, Decimal("10000"))
    assert by_chain["食品加工"]["signed"] == (2, Decimal("13000"))
    assert by_chain["电子信息"]["signed"] == (0, 0)


def test_a_year_and_a_month_are_periods_too(city_staff, hand_built):
    year = selectors.three_batches(user=city_staff, period=Period(YEAR, 2025))
    assert {c["milestone"]: c["count"] for c in year["total"]} == {
        "signed": 4,
        "started": 2,
        "producing": 1,
    }
    june = selectors.three_batches(user=city_staff, period=Period(MONTH, 2025, 6))
    assert {c["milestone"]: c["count"] for c in june["total"]} == {
        "signed": 0,
        "started": 1,
        "producing": 1,
    }


def test_every_figure_links_to_the_list_of_exactly_those_projects(as_user, city_staff, hand_built):
    q1 = selectors.three_batches(user=city_staff, period=Q1)
    hedong = next(r for r in q1["by_county"] if r["label"] == "河东区")
    signed = next(c for c in hedong["cells"] if c["milestone"] == "signed")
    page = as_user(city_staff).get(signed["url"])
    names = {p.name for p, _ in page.context["table"].rows()}
    assert names == {"甲项目", "丙项目"} and len(names) == signed["count"]
    assert "签约日期 2025-01-01 至 2025-03-31" in page.content.decode()


def test_the_page_shows_the_quarter_lists_and_totals_by_county(as_user, leader, hand_built):
    page = as_user(leader).get(
        "/projects/three-batches/", {"kind": "quarter", "year": 2025, "number": 2}
    )
    html = page.content.decode()
    assert page.status_code == 200 and "2025年第2季度" in html
    lists = {
        key: [p.name for p in projects] for _label, key, projects, _cell in page.context["lists"]
    }
    assert lists["signed"] == ["乙项目"] and set(lists["started"]) == {"乙项目", "丙项目"}
    assert 'id="batches-data"' in html and "<script>" not in html.replace("<script src=", "")


def test_the_ledger_has_the_usual_columns_and_one_sheet_per_batch(
    as_user, leader, hand_built, make_project
):
    make_project(name='=HYPERLINK("http://x")', total=1, reach={"签约": D(2025, 4, 2)})
    response = as_user(leader).get(
        "/projects/three-batches/ledger/", {"kind": "quarter", "year": 2025, "number": 2}
    )
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["签约项目", "开工项目", "投产项目"]
    ws = wb["签约项目"]
    assert [c.value for c in ws[2]] == selectors.LEDGER_HEADERS
    assert ws["A1"].value == "云河市商务局2025年第2季度“三个一批”签约项目台账"
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    names = [r[1] for r in rows if isinstance(r[0], (int, float))]
    assert "乙项目" in names and '\'=HYPERLINK("http://x")' in names  # formula escaped
    assert rows[-1][1] == "合计：2个项目" and rows[-1][4] == 20001
    started = [
        r[1]
        for r in wb["开工项目"].iter_rows(min_row=3, values_only=True)
        if isinstance(r[0], (int, float))
    ]
    assert sorted(started) == ["丙项目", "乙项目"]


def test_the_api_gives_the_same_figures_and_lists(as_user, leader, hand_built):
    data = (
        as_user(leader)
        .get("/api/projects/three-batches/", {"kind": "quarter", "year": 2025, "number": 1})
        .json()
    )
    assert data["period"] == "2025年第1季度"
    assert {c["milestone"]: c["count"] for c in data["total"]} == {
        "signed": 3,
        "started": 0,
        "producing": 0,
    }
    assert {p["name"] for p in data["signed"]} == {"甲项目", "丙项目", "丁项目"}
    ledger = as_user(leader).get(
        "/api/projects/ledger/", {"year": 2025, "number": 1, "milestone": "signed"}
    )
    assert ledger.status_code == 200 and load_workbook(io.BytesIO(ledger.content)).sheetnames == [
        "签约项目"
    ]


def test_money_totals_by_period_and_same_year_signed_versus_earlier(city_staff, make_project):
    old = make_project(total=10000, on=D(2024, 3, 1), reach={"签约": D(2024, 6, 1)})
    new = make_project(total=10000, on=D(2024, 12, 1), reach={"签约": D(2025, 2, 1)})
    services.project_record_funds(
        project=old,
        month=D(2025, 1, 1),
        actor=city_staff,
        provincial_outside=100,
        working_capital=20,
    )
    services.project_record_funds(
        project=old, month=D(2025, 4, 1), actor=city_staff, overseas=50, fdi_usd=7
    )
    services.project_record_funds(
        project=new, month=D(2025, 3, 15), actor=city_staff, provincial_outside=300
    )
    q1 = selectors.funds_totals(user=city_staff, start=Q1.start, end=Q1.end)
    assert (q1["total"], q1["provincial_outside"], q1["overseas"]) == (
        Decimal("400"),
        Decimal("400"),
        Decimal("0"),
    )
    assert (q1["fixed_asset"], q1["working_capital"]) == (Decimal("380"), Decimal("20"))
    assert (q1["same_year"], q1["earlier"]) == (Decimal("300"), Decimal("100"))
    half = selectors.funds_totals(user=city_staff, start=D(2025, 1, 1), end=Q2.end)
    assert (half["total"], half["fdi_usd"], half["overseas"]) == (
        Decimal("450"),
        Decimal("7"),
        Decimal("50"),
    )


def test_a_month_is_recorded_once_and_corrected_in_place(city_staff, make_project):
    project = make_project(reach={"签约": D(2025, 1, 10)})
    services.project_record_funds(
        project=project, month=D(2025, 2, 1), actor=city_staff, provincial_outside=100
    )
    services.project_record_funds(
        project=project, month=D(2025, 2, 28), actor=city_staff, provincial_outside=120
    )
    rows = selectors.funds_by_month(user=city_staff, project=project)
    assert [(r.month, r.total, r.fixed_asset) for r in rows] == [
        (D(2025, 2, 1), Decimal("120"), Decimal("120"))
    ]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {
                "month": D(2025, 2, 1),
                "provincial_outside": 100,
                "fixed_asset": 50,
                "working_capital": 10,
            },
            "须等于省外与境外资金之和",
        ),
        ({"month": D(2024, 12, 1), "provincial_outside": 100}, "不能早于签约月份"),
        ({"month": D(2025, 2, 1), "provincial_outside": -1}, "不能为负数"),
    ],
)
def test_inconsistent_money_is_refused_with_a_message(city_staff, make_project, kwargs, message):
    project = make_project(reach={"签约": D(2025, 1, 10)})
    with pytest.raises(ValidationError, match=message):
        services.project_record_funds(project=project, actor=city_staff, **kwargs)


def test_unsigned_projects_take_no_money(city_staff, make_project):
    with pytest.raises(ValidationError, match="尚未签约"):
        services.project_record_funds(
            project=make_project(), month=D(2025, 2, 1), actor=city_staff, provincial_outside=1
        )


def test_monthly_money_through_the_api(as_user, city_staff, make_project):
    project = make_project(reach={"签约": D(2025, 1, 10)})
    client = as_user(city_staff)
    created = client.post(
        f"/api/projects/{project.pk}/funds/",
        {
            "month": "2025-03-01",
            "provincial_outside": "80.5",
            "overseas": "0",
            "working_capital": "10",
            "fdi_usd": "0",
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["fixed_asset"] == "70.50"
    listed = client.get(f"/api/projects/{project.pk}/funds/").json()
    assert [(r["month"], r["total"]) for r in listed] == [("2025-03-01", "80.50")]
