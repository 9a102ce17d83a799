"""The case list's filter form as the user meets it: every control opens on 全部, so 筛选 with
nothing chosen hides nothing; drill-down parameters have no visible label."""

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from shangwu.cases import services
from shangwu.cases.choices import SupervisionLevel
from shangwu.cases.filtersets import CaseFilterSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def four_cases(make_case, township_unit, leader):
    """A green, an overdue (督办), a 挂牌督办 and an unassigned case, all visible to county_a."""
    now = timezone.localtime()
    fresh = make_case(
        title="绿灯件",
        received=f"{now:%Y-%m-%d} 08:00",
        assign_to=township_unit,
        assigned=f"{now:%Y-%m-%d} 08:00",
    )
    red = make_case(title="超期件", received="2025-03-03 09:00", assign_to=township_unit)
    listed = make_case(title="挂牌件", received="2025-03-04 09:00", assign_to=township_unit)
    services.case_supervise_listed(
        case=listed, actor=leader, required_by=now.date(), comment="限期办结"
    )
    unassigned = make_case(title="未交办件", received="2025-03-05 09:00")
    assert red.supervision == SupervisionLevel.SUPERVISE
    return [fresh, red, listed, unassigned]


def _default_form(page: str):
    """What the browser submits when 筛选 is pressed without touching anything."""
    form = next(f for f in lxml.html.fromstring(page).forms if "filter-form" in f.get("class", ""))
    return form, dict(form.form_values())


def test_the_supervision_filter_offers_all_levels_and_opens_on_it(as_user, county_a):
    page = as_user(county_a).get(reverse("cases:case_list")).content.decode()
    form, _ = _default_form(page)
    select = form.inputs["supervision_level"]
    options = [o.text for o in select.findall("option")]
    assert options == ["全部", "无", "催办", "督办", "挂牌督办"]
    assert select.value == ""


@pytest.mark.parametrize("name", [n for n in CaseFilterSet.base_filters])
def test_each_filter_submitted_as_it_opens_hides_no_case(as_user, county_a, four_cases, name):
    client = as_user(county_a)
    url = reverse("cases:case_list")
    _, values = _default_form(client.get(url).content.decode())
    page = client.get(url, {name: values.get(name, "")}).content.decode()
    for case in four_cases:
        assert case.number in page, f"{name} 默认值隐藏了 {case.title}"


def test_pressing_filter_without_choosing_anything_lists_the_supervised_cases(
    as_user, county_a, four_cases
):
    client = as_user(county_a)
    url = reverse("cases:case_list")
    _, values = _default_form(client.get(url).content.decode())
    page = client.get(url, values).content.decode()
    assert all(case.number in page for case in four_cases)
    # … and choosing a level still narrows.
    page = client.get(url, {"supervision_level": SupervisionLevel.LISTED}).content.decode()
    assert four_cases[2].number in page and four_cases[1].number not in page


def test_drill_down_parameters_have_no_label_without_a_control(as_user, county_a):
    page = as_user(county_a).get(reverse("cases:case_list")).content.decode()
    form, values = _default_form(page)
    labels = [label.text_content().strip() for label in form.findall(".//label")]
    assert "未交办" not in labels and "企业" not in labels
    assert "督办级别" in labels
