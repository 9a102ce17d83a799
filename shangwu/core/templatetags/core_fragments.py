"""Tags writing the shared includes in Python (``core.fragments``); each reads the context the
include always read, so an app's ``{% include "core/includes/…" with … %}`` is unchanged."""

from django import template

from shangwu.core import fragments

register = template.Library()


def _get(context, name):
    try:
        return context[name]
    except KeyError:
        return fragments._MISSING


@register.simple_tag(takes_context=True)
def sidebar(context):
    return fragments.sidebar_html(_get(context, "nav_menu"), _get(context, "nav_path"))


@register.simple_tag(takes_context=True)
def form_fields(context):
    return fragments.form_fields_html(_get(context, "form"))


@register.simple_tag(takes_context=True)
def filter_fields(context):
    request = _get(context, "request")
    path = fragments.lookup(request, "path") if request is not fragments._MISSING else request
    return fragments.filter_fields_html(_get(context, "filter"), path)


@register.simple_tag(takes_context=True)
def timeline(context):
    return fragments.timeline_html(
        _get(context, "events"), _get(context, "title"), _get(context, "card_class")
    )
