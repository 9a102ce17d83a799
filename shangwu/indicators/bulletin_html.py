"""The 月通报's table rows written in Python (issue 18): the page's ``{% for row in item.rows %}``
rendered some 100 rows × 14 cells through the template engine, about half of the page's time.
The markup is the one ``indicators/includes/bulletin_body.html`` wrote, character for character
(escaped as the engine escapes: ``html.escape``), and ``indicators/tests/test_bulletin_html.py``
holds it to the template loop it replaces."""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe


def _e(value) -> str:
    return escape(str(value))


def _change_class(change) -> str:
    if change is not None and change > 0:
        return "text-success"
    if change is not None and change < 0:
        return "text-danger"
    return ""


def _row(row) -> str:
    lagging = row.lagging
    classes = ("table-warning" if lagging else "") + (" fw-bold" if row.is_city else "")
    flag = ' data-lagging="1"' if lagging else ""
    missing = ' <span class="badge text-bg-danger">未报送</span>' if row.missing else ""
    out = [
        f'\n        <tr class="{classes}" data-region="{_e(row.code)}"'
        f"{flag}>\n"
        f'          <td class="text-start">{_e(row.name)}{missing}</td>\n          '
    ]
    links = row.links
    month_growth, cumulative_growth, completion = (
        row.month_growth,
        row.cumulative_growth,
        row.completion,
    )
    if links:
        keys = row.figure_keys
        out.append(
            f'<td data-figure="{_e(keys["month_value"])}"><a href="{_e(links["month_value"])}">'
            f"{_e(row.month_text)}</a></td>"
            f'<td title="{_e(month_growth.reason)}" data-figure="{_e(keys["month_growth"])}">'
            f'<a href="{_e(links["month_growth"])}">{_e(month_growth.text)}</a></td>\n'
            f'          <td data-figure="{_e(keys["cumulative"])}"><a href="{_e(links["cumulative"])}">'
            f"{_e(row.cumulative_text)}</a></td>"
            f'<td title="{_e(cumulative_growth.reason)}" data-figure="{_e(keys["cumulative_growth"])}">'
            f'<a href="{_e(links["cumulative_growth"])}">{_e(cumulative_growth.text)}</a></td>\n'
            f'          <td data-figure="{_e(keys["target"])}"><a href="{_e(links["target"])}">'
            f"{_e(row.target_text)}</a></td>"
            f'<td title="{_e(completion.reason)}" data-figure="{_e(keys["completion"])}">'
            f'<a href="{_e(links["completion"])}">{_e(completion.text)}</a></td>'
        )
    else:
        out.append(
            f"<td>{_e(row.month_text)}</td>"
            f'<td title="{_e(month_growth.reason)}">{_e(month_growth.text)}</td>\n'
            f"          <td>{_e(row.cumulative_text)}</td>"
            f'<td title="{_e(cumulative_growth.reason)}">{_e(cumulative_growth.text)}</td>\n'
            f"          <td>{_e(row.target_text)}</td>"
            f'<td title="{_e(completion.reason)}">{_e(completion.text)}</td>'
        )
    out.append(
        f"\n          <td>{_e(row.time_progress_text)}</td><td>{_e(row.ahead_text)}</td>\n"
        f'          <td class="text-center">{_e(row.rank_total_text)}</td>'
        f'<td class="text-center">{_e(row.rank_growth_text)}</td>\n'
        f'          <td class="text-center {_change_class(row.rank_total_change)}" '
        f'data-testid="rank-total-change">{_e(row.rank_total_change_text)}</td>\n'
        f'          <td class="text-center {_change_class(row.rank_growth_change)}" '
        f'data-testid="rank-growth-change">{_e(row.rank_growth_change_text)}</td>\n'
        f'          <td class="text-start text-secondary">{_e(row.notes_text)}</td>\n'
        f"        </tr>\n      "
    )
    return "".join(out)


def bulletin_rows_html(rows) -> SafeString:
    """The ``<tr>``s of one indicator's table, as the template's loop wrote them."""
    return mark_safe("".join(_row(row) for row in rows))  # noqa: S308 — every value escaped
