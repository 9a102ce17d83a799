"""The print view of the 月通报: the page's rows on an A4 sheet with no navigation."""

from shangwu.indicators import selectors
from shangwu.indicators.exports import row_texts

from .conftest import MAY


def test_the_bulletin_page_offers_print_and_the_sheet_has_the_rows(as_user, city_staff, retail_may):
    client = as_user(city_staff)
    assert (
        "/indicators/print/?month=2026-05"
        in client.get("/indicators/?month=2026-05").content.decode()
    )
    response = client.get("/indicators/print/?month=2026-05")
    html = response.content.decode()
    assert response.status_code == 200
    assert "core/print.css" in html and "navbar" not in html and "主菜单" not in html
    bulletin = selectors.bulletin_build(user=city_staff, month=MAY)
    assert "2026年1—5月全市商务运行<br>主要指标完成情况通报" in html  # turns between words
    retail = next(i for i in bulletin.indicators if i.indicator.code == "RETAIL")
    city = row_texts(retail.city)
    assert f'<td class="text">{city[0]}</td>' in html  # 全市, a text cell
    assert f'<td class="num">{city[3]}</td>' in html  # its 累计, a figure


def test_the_admin_roles_cannot_print_the_bulletin(as_user, sysadmin, auditor, retail_may):
    for persona in (sysadmin, auditor):
        assert as_user(persona).get("/indicators/print/?month=2026-05").status_code == 403
