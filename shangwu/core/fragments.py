"""The shared includes every page renders, written in Python (issue 18): the menu of the layout
(``core/base.html``), a list's filter fields (``core/includes/filter_fields.html``), a form's
fields (``core/includes/form_fields.html``: edit pages and every action form of a detail page)
and the timeline (``core/includes/timeline.html``). Through the template engine each was a loop
of a few dozen variable lookups per item; here each is the same characters, escaped as the engine
escapes (``core.html.text`` is ``{{ value }}``).

The include files stay where they were, with the same context (an app's own template includes
them as before); each is now one tag of ``core_fragments``. ``core/tests/test_fragments.py``
renders each both ways — the template it replaces, kept in the test, and the tag — on the demo's
pages and on markup in every text, and compares the characters.

A value is read as the engine reads ``{{ a.b }}`` (``lookup``): a key, else an attribute, else an
index, called when callable (unless ``do_not_call_in_templates`` / ``alters_data``), "" when
missing.
"""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.safestring import SafeString

from shangwu.core.html import text

_MISSING = object()


def lookup(obj, name: str):
    """``{{ obj.name }}``'s value (``_MISSING`` when the engine would find nothing)."""
    try:
        value = obj[name]
    except (TypeError, AttributeError, KeyError, ValueError, IndexError):
        try:
            value = getattr(obj, name)
        except (TypeError, AttributeError):
            try:
                value = obj[int(name)]
            except (IndexError, ValueError, KeyError, TypeError, AttributeError):
                return _MISSING
    if callable(value):
        if getattr(value, "do_not_call_in_templates", False):
            return value
        if getattr(value, "alters_data", False):
            return _MISSING
        try:
            value = value()
        except TypeError:
            return _MISSING
    return value


def shown(value) -> str:
    """``{{ value }}`` of a looked-up value ("" for missing)."""
    return "" if value is _MISSING else text(value)


def truthy(value) -> bool:
    return value is not _MISSING and bool(value)


def _date(value, arg: str) -> str:
    """``{{ value|date:arg }}``: in the current time zone, as the engine hands it to the filter."""
    if value is _MISSING:
        return ""
    return text(date_filter(timezone.template_localtime(value), arg))


# --- the menu (core/base.html) -------------------------------------------------------------


_MENUS: dict = {}


def menu(user):
    """The user's menu (``navigation.menu_for``), kept per process: it depends on the user's role
    alone (``core.access.can`` reads ``role`` and ``is_active``) and the URL conf (``reverse``),
    so it is built once per role."""
    from shangwu.core.navigation import menu_for

    key = (user.role, user.is_active, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    try:
        return _MENUS[key]
    except KeyError:
        if len(_MENUS) > 256:
            _MENUS.clear()
        value = _MENUS[key] = menu_for(user)
        return value


def sidebar_html(nav_menu, nav_path) -> SafeString:
    """``{% for group, items in nav_menu %}…{% endfor %}`` of ``core/base.html``."""
    out = []
    for group, items in nav_menu if truthy(nav_menu) else ():
        out.append(
            f'\n        <div class="px-3 pt-2 pb-1 text-secondary small fw-semibold">{text(group)}'
            '</div>\n        <ul class="nav flex-column">\n          '
        )
        for item in items:
            url = item["url"]
            active = (
                "active" if nav_path == url or (url != "/" and _contains(nav_path, url)) else ""
            )
            out.append(
                f'\n          <li class="nav-item"><a class="nav-link px-3 {active}" '
                f'href="{text(url)}"><i class="bi bi-{text(item["icon"])} me-1"></i>'
                f"{text(item['label'])}</a></li>\n          "
            )
        out.append("\n        </ul>\n        ")
    return SafeString("".join(out))


def _contains(container, item) -> bool:
    """The engine's ``in``: False where the test itself fails."""
    try:
        return item in container
    except TypeError:
        return False


# --- a form's fields (core/includes/form_fields.html) --------------------------------------


def _is_checkbox(field) -> bool:
    widget = lookup(lookup(field, "field"), "widget") if field is not _MISSING else _MISSING
    return widget is not _MISSING and lookup(widget, "input_type") == "checkbox"


def form_fields_html(form) -> SafeString:
    """``core/includes/form_fields.html`` (without the file's last line break)."""
    out = []
    errors = lookup(form, "non_field_errors")
    if truthy(errors):
        out.append('<div class="alert alert-danger" role="alert">')
        out.extend(f"<div>{text(e)}</div>" for e in errors)
        out.append("</div>")
    out.append("\n")
    hidden = lookup(form, "hidden_fields")
    if truthy(hidden):
        out.extend(text(field) for field in hidden)
    out.append("\n")
    visible = lookup(form, "visible_fields")
    for field in visible if truthy(visible) else ():
        checkbox = _is_checkbox(field)
        out.append(f'\n<div class="mb-3{" form-check" if checkbox else ""}">\n  ')
        label = shown(lookup(field, "label"))
        for_label = shown(lookup(field, "id_for_label"))
        if checkbox:
            out.append(
                f'{text(field)} <label class="form-check-label" for="{for_label}">{label}</label>\n  '
            )
        else:
            required = truthy(lookup(lookup(field, "field"), "required"))
            star = ' <span class="text-danger">*</span>' if required else ""
            out.append(
                f'<label class="form-label" for="{for_label}">{label}{star}</label>{text(field)}'
            )
        out.append("\n  ")
        help_text = lookup(field, "help_text")
        if truthy(help_text):
            out.append(f'<div class="form-text">{text(help_text)}</div>')
        out.append("\n  ")
        field_errors = lookup(field, "errors")
        for e in field_errors if truthy(field_errors) else ():
            out.append(f'<div class="invalid-feedback d-block">{text(e)}</div>')
        out.append("\n</div>\n")
    return SafeString("".join(out))


# --- a list's filter fields (core/includes/filter_fields.html) -----------------------------


def filter_fields_html(filterset, path) -> SafeString:
    """``core/includes/filter_fields.html`` (without the file's last line break)."""
    out = ["\n"]
    form = lookup(filterset, "form")
    visible = lookup(form, "visible_fields") if form is not _MISSING else _MISSING
    for field in visible if truthy(visible) else ():
        out.append(
            '\n  <div class="col-6 col-md-3 col-xl-2">\n'
            f'    <label class="form-label small mb-0" for="{shown(lookup(field, "id_for_label"))}">'
            f"{shown(lookup(field, 'label'))}</label>{text(field)}\n  </div>\n"
        )
    out.append(
        '\n  <div class="col-auto"><button class="btn btn-sm btn-secondary" type="submit">'
        '<i class="bi bi-funnel"></i> 筛选</button>\n'
        f'  <a class="btn btn-sm btn-link" href="{shown(path)}">清除</a></div>'
    )
    return SafeString("".join(out))


# --- the timeline (core/includes/timeline.html) --------------------------------------------


def timeline_html(events, title, card_class) -> SafeString:
    """``core/includes/timeline.html`` (without the file's last line break)."""
    card = shown(card_class) if truthy(card_class) else "mt-3"
    out = [
        f'\n<div class="card {card}" id="timeline">\n'
        f'  <div class="card-header"><i class="bi bi-clock-history"></i> {shown(title)}</div>\n'
        '  <div class="card-body">\n'
        '    <ul class="timeline list-unstyled mb-0" data-testid="timeline">\n    '
    ]
    empty = True
    for e in events if truthy(events) else ():
        empty = False
        on = lookup(e, "on")
        if truthy(on):
            when = f"<strong>{_date(on, 'Y-m-d')}</strong>"
        else:
            when = (
                '<span class="text-secondary small" data-testid="at">'
                f"{_date(lookup(e, 'at'), 'DATETIME_FORMAT')}</span>"
            )
        out.append(
            f'\n      <li class="mb-2" data-testid="event" data-kind="{shown(lookup(e, "kind"))}">'
            f"{when}\n"
            f'        <span class="badge text-bg-light border">{shown(lookup(e, "get_kind_display"))}'
            "</span>\n        "
        )
        change = lookup(e, "status_change")
        if truthy(change):
            before = lookup(change, "0")
            arrow = f"{shown(before)} → " if truthy(before) else ""
            out.append(
                f'<span data-testid="status-change">{arrow}{shown(lookup(change, "1"))}</span>'
            )
        out.append(
            '\n        <span class="small text-secondary">· <span data-testid="who">'
            f"{shown(lookup(e, 'who'))}</span></span>"
        )
        badge = lookup(e, "who_badge")
        if truthy(badge):
            out.append(
                f' <span class="badge text-bg-light border" data-testid="on-behalf">{text(badge)}'
                "</span>"
            )
        if truthy(on):
            out.append(
                ' <span class="small text-secondary">· 记录于 <span data-testid="at">'
                f"{_date(lookup(e, 'at'), 'DATETIME_FORMAT')}</span></span>"
            )
        out.append("\n        ")
        note = lookup(e, "note")
        if truthy(note):
            out.append(f'<div class="text-break">{text(linebreaksbr(note, autoescape=True))}</div>')
        out.append("\n        ")
        rows = lookup(e, "change_rows")
        if truthy(rows):
            out.append('<ul class="small text-secondary mb-0" data-testid="event-changes">')
            for label, old, new in rows:
                out.append(f"<li>{text(label)}：{text(old)} → {text(new)}</li>")
            out.append("</ul>")
        out.append("</li>\n    ")
    if empty:
        out.append('<li class="text-secondary">暂无动态。</li>')
    out.append("\n    </ul>\n  </div>\n</div>")
    return SafeString("".join(out))
