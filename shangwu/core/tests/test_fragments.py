"""The shared includes are written in Python (``core.fragments``, issue 18) with the characters the
templates they replace wrote: each template is kept here as it was and rendered beside the new
include on the demo personas' menus, every list's filter form, every edit form (blank and with
errors) and timelines of every kind of line, with markup in every text."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from shangwu.core import fragments, navigation
from shangwu.core.testing import url_patterns
from shangwu.core.tests.test_html import ESCAPED, MARKUP, list_views
from shangwu.core.views import ObjectEditView

pytestmark = pytest.mark.django_db

ENGINE = engines["django"]
# The templates as they were before issue 18's fifth round (the parts the tags now write).
OLD_MENU = ENGINE.from_string("""{% for group, items in nav_menu %}
        <div class="px-3 pt-2 pb-1 text-secondary small fw-semibold">{{ group }}</div>
        <ul class="nav flex-column">
          {% for item in items %}
          <li class="nav-item"><a class="nav-link px-3 {% if nav_path == item.url or item.url != '/' and item.url in nav_path %}active{% endif %}" href="{{ item.url }}"><i class="bi bi-{{ item.icon }} me-1"></i>{{ item.label }}</a></li>
          {% endfor %}
        </ul>
        {% endfor %}""")
OLD_FORM_FIELDS = ENGINE.from_string("""{% if form.non_field_errors %}<div class="alert alert-danger" role="alert">{% for e in form.non_field_errors %}<div>{{ e }}</div>{% endfor %}</div>{% endif %}
{% for field in form.hidden_fields %}{{ field }}{% endfor %}
{% for field in form.visible_fields %}
<div class="mb-3{% if field.field.widget.input_type == 'checkbox' %} form-check{% endif %}">
  {% if field.field.widget.input_type == 'checkbox' %}{{ field }} <label class="form-check-label" for="{{ field.id_for_label }}">{{ field.label }}</label>
  {% else %}<label class="form-label" for="{{ field.id_for_label }}">{{ field.label }}{% if field.field.required %} <span class="text-danger">*</span>{% endif %}</label>{{ field }}{% endif %}
  {% if field.help_text %}<div class="form-text">{{ field.help_text }}</div>{% endif %}
  {% for e in field.errors %}<div class="invalid-feedback d-block">{{ e }}</div>{% endfor %}
</div>
{% endfor %}
""")
OLD_FILTER_FIELDS = ENGINE.from_string("""
{% for field in filter.form.visible_fields %}
  <div class="col-6 col-md-3 col-xl-2">
    <label class="form-label small mb-0" for="{{ field.id_for_label }}">{{ field.label }}</label>{{ field }}
  </div>
{% endfor %}
  <div class="col-auto"><button class="btn btn-sm btn-secondary" type="submit"><i class="bi bi-funnel"></i> 筛选</button>
  <a class="btn btn-sm btn-link" href="{{ request.path }}">清除</a></div>
""")
OLD_TIMELINE = ENGINE.from_string("""
<div class="card {{ card_class|default:'mt-3' }}" id="timeline">
  <div class="card-header"><i class="bi bi-clock-history"></i> {{ title }}</div>
  <div class="card-body">
    <ul class="timeline list-unstyled mb-0" data-testid="timeline">
    {% for e in events %}
      <li class="mb-2" data-testid="event" data-kind="{{ e.kind }}">{% if e.on %}<strong>{{ e.on|date:"Y-m-d" }}</strong>{% else %}<span class="text-secondary small" data-testid="at">{{ e.at|date:"DATETIME_FORMAT" }}</span>{% endif %}
        <span class="badge text-bg-light border">{{ e.get_kind_display }}</span>
        {% with change=e.status_change %}{% if change %}<span data-testid="status-change">{% if change.0 %}{{ change.0 }} → {% endif %}{{ change.1 }}</span>{% endif %}{% endwith %}
        <span class="small text-secondary">· <span data-testid="who">{{ e.who }}</span></span>{% with badge=e.who_badge %}{% if badge %} <span class="badge text-bg-light border" data-testid="on-behalf">{{ badge }}</span>{% endif %}{% endwith %}{% if e.on %} <span class="small text-secondary">· 记录于 <span data-testid="at">{{ e.at|date:"DATETIME_FORMAT" }}</span></span>{% endif %}
        {% if e.note %}<div class="text-break">{{ e.note|linebreaksbr }}</div>{% endif %}
        {% if e.change_rows %}<ul class="small text-secondary mb-0" data-testid="event-changes">{% for label, old, new in e.change_rows %}<li>{{ label }}：{{ old }} → {{ new }}</li>{% endfor %}</ul>{% endif %}</li>
    {% empty %}<li class="text-secondary">暂无动态。</li>{% endfor %}
    </ul>
  </div>
</div>
""")


@pytest.fixture
def markup_records(make_enterprise):
    """An enterprise and a tag whose names carry markup and quotes (as in test_html)."""
    from shangwu.enterprises.models import EnterpriseTag, Tag

    tag = Tag.objects.create(name=MARKUP[:30], code="markup", sort_order=1)
    enterprise = make_enterprise(county="419902", township="419902001", name=MARKUP)
    EnterpriseTag.objects.create(enterprise=enterprise, tag=tag)
    make_enterprise(county="419902", name="普通企业有限公司")
    return enterprise


PERSONAS = [
    "leader",
    "city_staff",
    "county_a",
    "township_a1",
    "enterprise",
    "sysadmin",
    "secadmin",
    "auditor",
]


def new(include, **context):
    return render_to_string(f"core/includes/{include}", context)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_menu_is_the_html_of_the_template_loop(request, persona):
    user = request.getfixturevalue(persona)
    menu = fragments.menu(user)
    assert menu == navigation.menu_for(user)
    for path in ["/", "/cases/", "/cases/5/", "/enterprises/visits/3/", "/help/", "/x<y>/", ""]:
        expected = OLD_MENU.render({"nav_menu": menu, "nav_path": path})
        assert fragments.sidebar_html(menu, path) == expected, path


def test_a_menu_entry_with_markup_is_escaped_as_the_template_escaped_it():
    menu = [(MARKUP, [{"label": MARKUP, "url": "/a?b=1&c=2", "icon": 'x"y'}]), ("空", [])]
    for path in ["/a?b=1&c=2", "/a", "/z/"]:
        expected = OLD_MENU.render({"nav_menu": menu, "nav_path": path})
        assert fragments.sidebar_html(menu, path) == expected
    assert ESCAPED in fragments.sidebar_html(menu, "/")
    assert fragments.sidebar_html(None, "/") == OLD_MENU.render({}) == ""


def test_the_menu_is_built_once_per_role_and_each_user_sees_their_own(
    monkeypatch, as_user, county_a, county_b, sysadmin
):
    built = []
    real = navigation.menu_for
    monkeypatch.setattr(navigation, "menu_for", lambda user: built.append(user) or real(user))
    fragments._MENUS.clear()
    for user in (county_a, county_b, county_a):
        page = as_user(user).get("/cases/").content.decode()
        assert 'href="/cases/"><i class="bi bi-inboxes me-1"></i>诉求办理' in page
    assert built == [county_a]  # 河东区 and 云水县 staff have the same role: one menu
    page = as_user(sysadmin).get(reverse("organization:region_list")).content.decode()
    assert "诉求办理" not in page and ">用户</a>" in page
    assert built == [county_a, sysadmin]


@pytest.mark.parametrize("persona", ["city_staff", "county_a", "sysadmin", "auditor"])
def test_every_list_filter_form_is_the_html_of_the_template(request, persona, markup_records):
    user = request.getfixturevalue(persona)
    compared = 0
    for url, view in list_views(user):
        _qs, filterset = view.filtered()
        if filterset is None:
            continue
        context = {"filter": filterset, "request": view.request}
        assert new("filter_fields.html", **context) == OLD_FILTER_FIELDS.render(context), url
        compared += 1
    assert compared >= {"sysadmin": 5, "auditor": 1}.get(persona, 10)
    assert new("filter_fields.html") == OLD_FILTER_FIELDS.render({})


def edit_forms(user):
    """Every add form ``user`` may open, blank and posted empty (so with its errors)."""
    for namespace, name, pattern, view in url_patterns():
        if view is None or not issubclass(view, ObjectEditView) or pattern.converters:
            continue
        url = reverse(f"{namespace}:{name}" if namespace else name)
        for request in (RequestFactory().get(url), RequestFactory().post(url, {})):
            request.user = user
            instance = view()
            instance.setup(request)
            instance.action = "add"
            if instance.refusal("add") is not None or instance.form is None:
                continue
            form = instance.get_form(None)
            if request.method == "POST":
                form.is_valid()
            yield url, form


class MarkupForm(forms.Form):
    name = forms.CharField(label=MARKUP, help_text=MARKUP)
    note = forms.CharField(
        label="说明", required=False, widget=forms.Textarea, help_text=mark_safe("<b>粗</b>")
    )
    agree = forms.BooleanField(label=MARKUP, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="类型", choices=[("a", MARKUP), ("b", "乙")])

    def clean(self):
        raise ValidationError(MARKUP)


@pytest.mark.parametrize("persona", ["city_staff", "county_a", "sysadmin"])
def test_every_edit_form_is_the_html_of_the_template(request, persona):
    user = request.getfixturevalue(persona)
    compared = 0
    for url, form in edit_forms(user):
        assert new("form_fields.html", form=form) == OLD_FORM_FIELDS.render({"form": form}), url
        compared += 1
    assert compared >= 2


def test_a_form_with_markup_errors_checkbox_and_hidden_field_is_the_html_of_the_template():
    for form in (
        MarkupForm(),
        MarkupForm({"name": MARKUP, "agree": "on", "version": "x", "kind": "c"}),
        None,
    ):
        if form is not None:
            form.is_valid()
        written = new("form_fields.html", form=form)
        assert written == OLD_FORM_FIELDS.render({"form": form})
    assert ESCAPED in written.replace("\n", "") or form is None
    assert new("form_fields.html") == OLD_FORM_FIELDS.render({})


class Line:
    """A timeline line as an app's event may give it: methods and attributes, markup anywhere."""

    def __init__(self, **kw):
        self.kind, self.on, self.note, self.change_rows = "k", None, "", ()
        self.at = timezone.make_aware(datetime.datetime(2026, 3, 4, 5, 6, 7), datetime.UTC)
        self.__dict__.update(kw)

    def get_kind_display(self):
        return self.__dict__.get("kind_label", MARKUP)

    def status_change(self):
        return self.__dict__.get("change")

    def who(self):
        return self.__dict__.get("by", "系统")

    def who_badge(self):
        return self.__dict__.get("badge", "")


def test_every_kind_of_timeline_line_is_the_html_of_the_template():
    from shangwu.cases.models import CaseEvent

    lines = [
        Line(),
        Line(kind=MARKUP, on=datetime.date(2026, 2, 1), change=("", "已登记"), by=MARKUP),
        Line(change=(MARKUP, MARKUP), badge=MARKUP, note=f"一\n二{MARKUP}\r\n三"),
        Line(change=None, change_rows=[("金额", "1", MARKUP), (MARKUP, "", "2")]),
        CaseEvent(kind="assign", from_status="registered", to_status="assigned", note="交办"),
        CaseEvent(kind="progress", note=""),
    ]
    for events in (lines, [], None):
        for extra in (
            {},
            {"title": MARKUP, "card_class": "mb-3"},
            {"title": "动态", "card_class": ""},
        ):
            context = {"events": events, **extra}
            assert new("timeline.html", **context) == OLD_TIMELINE.render(context)
    page = new("timeline.html", events=lines, title="x")
    assert "&lt;script&gt;" in page and "<script>" not in page


def test_county_staff_open_an_enterprise_page_and_its_edit_form_with_menu_timeline_and_fields(
    as_user, county_a, markup_records
):
    client = as_user(county_a)
    page = client.get(markup_records.get_absolute_url()).content.decode()
    assert 'data-testid="timeline"' in page and "企业动态" in page
    assert '<a class="nav-link px-3 active" href="/enterprises/">' in page
    edit = client.get(reverse("enterprises:enterprise_edit", args=[markup_records.pk]))
    assert edit.status_code == 200
    body = edit.content.decode()
    assert f'value="{ESCAPED}"' in body and '<span class="text-danger">*</span>' in body
    listed = client.get("/enterprises/", {"q": "普通"}).content.decode()
    assert '<a class="btn btn-sm btn-link" href="/enterprises/">清除</a>' in listed
