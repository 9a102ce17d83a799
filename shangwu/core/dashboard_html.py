"""The 工作台's panels as HTML, written in Python (issue 18): the template's loop over some forty
figure cells (eight hundred variable lookups per page) was a fifth of the page. The markup and
the escaping are the template's, character for character (``core/tests/test_dashboard_html.py``
holds them to the template loop they replace)."""

from __future__ import annotations

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _v(value) -> str:
    """``{{ value }}`` as the template writes it (localized, then escaped unless safe)."""
    return conditional_escape(localize(value))


def _get(obj, name):
    """``obj.name`` as the template reads it from a panel's dict or an item: the key, the
    attribute or the index; "" when there is none."""
    if isinstance(obj, dict):
        return obj.get(name, "")
    if isinstance(obj, (tuple, list)):
        try:
            return obj[int(name)]
        except (ValueError, IndexError):
            return ""
    return getattr(obj, name, "")


def _cell(cell) -> str:
    key, url, figure, note = (_get(cell, n) for n in ("key", "url", "figure", "note"))
    out = ['<div class="d-flex justify-content-between border-bottom py-1"']
    if key:
        out.append(f' data-figure="{_v(key)}"')
    out.append(f"><span>{_v(_get(cell, 'label'))}</span><span>")
    display = _v(_get(cell, "display"))
    if url:
        out.append(f'<a class="fw-semibold" href="{_v(url)}"')
        if figure:
            out.append(f' title="{_v(_get(figure, "definition"))}"')
        out.append(f">{display}</a>")
    else:
        out.append(f'<span class="fw-semibold">{display}</span>')
    if note:
        out.append(
            f' <span class="small text-secondary">（<a class="text-secondary" '
            f'href="{_v(_get(note, "url"))}" data-figure="{_v(_get(note, "key"))}" '
            f'title="{_v(_get(_get(note, "figure"), "label"))}">{_v(_get(note, "display"))}'
            f"</a>）</span>"
        )
    out.append("</span></div>")
    return "".join(out)


def _item(item) -> str:
    if _get(item, "figure"):
        return (
            f'<li class="py-1 border-bottom d-flex justify-content-between" '
            f'data-figure="{_v(_get(item, "key"))}"><span>{_v(_get(item, "label"))}</span>'
            f'<a class="fw-semibold" href="{_v(_get(item, "url"))}" '
            f'title="{_v(_get(_get(item, "figure"), "definition"))}">'
            f"{_v(_get(item, 'display'))}</a></li>"
        )
    url = _get(item, "1")
    text = _v(_get(item, "0"))
    return (
        f'<li class="py-1 border-bottom"><a href="{_v(url)}">{text}</a></li>'
        if url
        else f'<li class="py-1 border-bottom">{text}</li>'
    )


def panels_html(panels) -> str:
    """Every panel's card, as ``core/dashboard.html``'s loop wrote it."""
    out = []
    for panel in panels:
        out.append(
            '\n  <div class="col-md-6 col-xl-4">\n    <div class="card h-100">'
            f'<div class="card-header"><i class="bi bi-{_v(_get(panel, "icon"))}"></i> '
            f'{_v(_get(panel, "title"))}</div>\n      <div class="card-body">\n        '
        )
        cells = _get(panel, "figures")
        items = _get(panel, "items")
        if cells:
            for cell in cells:
                out.append(f"\n        {_cell(cell)}\n        ")
        elif not items:
            out.append('<p class="text-secondary mb-0">暂无数据。</p>')
        out.append("\n        ")
        if items:
            out.append('<ul class="list-unstyled small mt-2 mb-0">')
            out.extend(_item(item) for item in items)
            out.append("</ul>")
        out.append("\n      </div></div>\n  </div>\n  ")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
