"""The funds figures drill down to the monthly 到位资金 list, within each user's scope."""

import datetime

from shangwu.projects import services

D = datetime.date
URL = "/api/figures/projects.funds_provincial_outside/?from=2025-01-01&to=2025-03-31"


def test_funds_figures_sum_the_rows_the_funds_list_shows_and_a_county_sees_only_its_own(
    as_user, city_staff, county_a, make_project
):
    ours = make_project(county="419902", name="河东到位项目", reach={"签约": D(2024, 12, 10)})
    theirs = make_project(county="419903", name="河西到位项目", reach={"签约": D(2024, 12, 10)})
    services.project_record_funds(
        project=ours, month=D(2025, 1, 1), actor=city_staff, provincial_outside=100, fdi_usd=7
    )
    services.project_record_funds(
        project=theirs, month=D(2025, 2, 1), actor=city_staff, provincial_outside=300, overseas=50
    )
    services.project_record_funds(  # April: outside the period
        project=ours, month=D(2025, 4, 1), actor=city_staff, provincial_outside=1000
    )

    city = as_user(city_staff).get(URL).json()
    assert (city["value"], city["display"], city["count"]) == ("400.00", "400.0万元", 2)

    client = as_user(county_a)
    county = client.get(URL).json()
    assert (county["value"], county["count"]) == ("100.00", 1)
    rows = client.get(county["drill"]["api"]).json()["results"]
    assert [(r["project"], r["provincial_outside"]) for r in rows] == [(ours.pk, "100.00")]
    page = client.get(county["drill"]["page"])
    assert page.context["page"].paginator.count == 1
    assert "河东到位项目" in page.content.decode() and "河西到位项目" not in page.content.decode()
    # The other county's funds are not theirs to list, by any filter.
    assert client.get(f"/api/project-funds/?county={theirs.county_id}").status_code == 400
    assert client.get(f"/api/project-funds/?project={theirs.pk}").json()["count"] == 0
