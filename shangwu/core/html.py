"""HTML written in Python exactly as Django's templates write it, for the parts of a page that a
template would render hundreds of times: a filter form's ``<option>`` (Django includes a template
per option) and a list's table cells. Same characters, same escaping (issue 18: a list page's
filter form and table were two thirds of its time).

``text(value)`` is ``{{ value }}``; ``attrs(mapping)`` is Django's ``attrs.html``; ``WIDGETS`` maps
Django's widget templates to their Python twins, used by ``core.forms.FormRenderer``. A test
renders every form and table both ways and compares them (core/tests/test_html.py).
"""

from __future__ import annotations

import html

from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, SafeString

_CONTEXT = Context(autoescape=True)


def text(value) -> str:
    """``{{ value }}``: a safe string as it is, a string escaped, anything else localised (dates,
    numbers, lazy text) and escaped, as the template engine does."""
    if isinstance(value, SafeData):
        return value
    if type(value) is str:
        return html.escape(value)
    return render_value_in_context(value, _CONTEXT)


def escape(value) -> str:
    """``conditional_escape(value)`` (what ``format_html`` does to each argument), without its
    lazy-text wrapper: called for every cell of every list."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def stringformat(value) -> str:
    """``{{ value|stringformat:'s' }}``."""
    if isinstance(value, SafeData):
        return value
    try:
        return html.escape("%s" % value)  # noqa: UP031 (the filter's own formatting)
    except (TypeError, ValueError):
        return ""


def attrs(mapping) -> str:
    """``django/forms/widgets/attrs.html``: `` name="value"``, a bare `` name`` for True, nothing
    for False."""
    out = []
    for name, value in mapping.items():
        if value is True:
            out.append(f" {text(name)}")
        elif value is not False:
            out.append(f' {text(name)}="{stringformat(value)}"')
    return "".join(out)


SELECT_OPTION = "django/forms/widgets/select_option.html"


def select(widget) -> str | None:
    """``django/forms/widgets/select.html`` with its options (None: an option with a template of
    its own, left to the template engine)."""
    parts = [f'<select name="{text(widget["name"])}"{attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{text(group_name)}">')
        for option in options:
            if option["template_name"] != SELECT_OPTION:
                return None
            parts.append(
                f'\n  <option value="{stringformat(option["value"])}"{attrs(option["attrs"])}>'
                f"{text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def input_(widget) -> str:
    """``django/forms/widgets/input.html`` (text, number, date, hidden, checkbox, …)."""
    value = widget["value"]
    shown = f' value="{stringformat(value)}"' if value is not None else ""
    return (
        f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{shown}'
        f"{attrs(widget['attrs'])}>"
    )


def textarea(widget) -> str:
    """``django/forms/widgets/textarea.html``."""
    value = text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{text(widget["name"])}"{attrs(widget["attrs"])}>\n{value}</textarea>'


_INPUTS = (
    "input checkbox color date datetime email file hidden number password search tel text time url"
)
WIDGETS = {
    "django/forms/widgets/select.html": select,
    "django/forms/widgets/textarea.html": textarea,
    **{f"django/forms/widgets/{name}.html": input_ for name in _INPUTS.split()},
}


def widget_html(template_name: str, context) -> SafeString | None:
    """The widget as its Django template writes it, or None when it has no Python twin here."""
    write = WIDGETS.get(template_name)
    if write is None or set(context) != {"widget"}:
        return None
    written = write(context["widget"])
    return None if written is None else SafeString(written)
