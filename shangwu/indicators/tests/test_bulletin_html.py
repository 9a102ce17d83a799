"""The 月通报's table rows are written in Python (issue 18: the template loop was half the page);
they are the characters the template loop wrote, for a city and a county user, every kind of row
(linked and not, missing, lagging, rank moves up and down), and with markup in the names."""

import datetime

from django.template import Context, Template

from shangwu.indicators import demo, selectors
from shangwu.indicators.bulletin_html import bulletin_rows_html

# The loop ``indicators/includes/bulletin_body.html`` had, kept here as the reference.
TEMPLATE_LOOP = """{% for row in item.rows %}
        <tr class="{% if row.lagging %}table-warning{% endif %}{% if row.is_city %} fw-bold{% endif %}" data-region="{{ row.code }}"{% if row.lagging %} data-lagging="1"{% endif %}>
          <td class="text-start">{{ row.name }}{% if row.missing %} <span class="badge text-bg-danger">未报送</span>{% endif %}</td>
          {% with links=row.links keys=row.figure_keys %}{% if links %}<td data-figure="{{ keys.month_value }}"><a href="{{ links.month_value }}">{{ row.month_text }}</a></td><td title="{{ row.month_growth.reason }}" data-figure="{{ keys.month_growth }}"><a href="{{ links.month_growth }}">{{ row.month_growth.text }}</a></td>
          <td data-figure="{{ keys.cumulative }}"><a href="{{ links.cumulative }}">{{ row.cumulative_text }}</a></td><td title="{{ row.cumulative_growth.reason }}" data-figure="{{ keys.cumulative_growth }}"><a href="{{ links.cumulative_growth }}">{{ row.cumulative_growth.text }}</a></td>
          <td data-figure="{{ keys.target }}"><a href="{{ links.target }}">{{ row.target_text }}</a></td><td title="{{ row.completion.reason }}" data-figure="{{ keys.completion }}"><a href="{{ links.completion }}">{{ row.completion.text }}</a></td>{% else %}<td>{{ row.month_text }}</td><td title="{{ row.month_growth.reason }}">{{ row.month_growth.text }}</td>
          <td>{{ row.cumulative_text }}</td><td title="{{ row.cumulative_growth.reason }}">{{ row.cumulative_growth.text }}</td>
          <td>{{ row.target_text }}</td><td title="{{ row.completion.reason }}">{{ row.completion.text }}</td>{% endif %}{% endwith %}
          <td>{{ row.time_progress_text }}</td><td>{{ row.ahead_text }}</td>
          <td class="text-center">{{ row.rank_total_text }}</td><td class="text-center">{{ row.rank_growth_text }}</td>
          <td class="text-center {% if row.rank_total_change > 0 %}text-success{% elif row.rank_total_change < 0 %}text-danger{% endif %}" data-testid="rank-total-change">{{ row.rank_total_change_text }}</td>
          <td class="text-center {% if row.rank_growth_change > 0 %}text-success{% elif row.rank_growth_change < 0 %}text-danger{% endif %}" data-testid="rank-growth-change">{{ row.rank_growth_change_text }}</td>
          <td class="text-start text-secondary">{{ row.notes_text }}</td>
        </tr>
      {% endfor %}"""


def test_the_rows_are_the_characters_the_template_loop_wrote(city_staff, county_a):
    demo.build(units=None, users=None, size="small")
    loop = Template(TEMPLATE_LOOP)
    seen = set()
    for user in (city_staff, county_a):
        for month in (
            datetime.date(2026, 10, 1),
            datetime.date(2026, 9, 1),
            datetime.date(2026, 1, 1),
        ):
            bulletin = selectors.bulletin_build(user=user, month=month)
            assert bulletin.indicators
            for item in bulletin.indicators:
                assert item.rows_html == loop.render(Context({"item": item}))
                for row in item.rows:
                    seen |= {
                        ("linked", bool(row.links)),
                        ("missing", row.missing),
                        ("lagging", row.lagging),
                        (
                            "up",
                            (row.rank_total_change or 0) > 0 or (row.rank_growth_change or 0) > 0,
                        ),
                        (
                            "down",
                            (row.rank_total_change or 0) < 0 or (row.rank_growth_change or 0) < 0,
                        ),
                    }
            # Markup in a name, a note and a link is escaped as the engine escapes it; ranks
            # moved both ways.
            item = bulletin.indicators[0]
            for n, row in enumerate(item.rows):
                row.rank_total_change, row.rank_growth_change = (-1, 2) if n % 2 else (3, -4)
                row.name = "<b>河东\"区'</b> & 1"
                row.note = "<script>x</script>"
                row.links = {k: f"/a?b=1&c='{k}'" for k in row.links} if row.links else {}
            assert item.rows_html == loop.render(Context({"item": item}))
    # Every kind of row was compared.
    assert {
        (kind, flag)
        for kind in ("linked", "missing", "lagging", "up", "down")
        for flag in (True, False)
    } <= seen
    assert bulletin_rows_html([]) == ""
