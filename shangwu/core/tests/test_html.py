"""List pages write their filter dropdowns and table rows in Python (``core.html``, issue 18), with
exactly the HTML Django's templates write: every list page's filter form and table, for each
persona, is compared with the template engine's own rendering, and text with markup is escaped."""

import html

import pytest
from django.forms.renderers import DjangoTemplates
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from shangwu.core.forms import FormRenderer
from shangwu.core.tables import Column, choice_labels
from shangwu.core.testing import url_patterns
from shangwu.core.views import ObjectExportView, ObjectListView

pytestmark = pytest.mark.django_db

MARKUP = "<script>alert(\"x\")</script> & '引号'"
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;引号&#x27;"

# The rows of core/includes/object_table.html as the template loop wrote them before issue 18.
TEMPLATE_ROWS = engines["django"].from_string(
    "{% for obj, cells in table.rows %}\n    <tr>{% if bulk_actions %}<td><input "
    'class="form-check-input" type="checkbox" name="pk" value="{{ obj.pk }}" aria-label="选择">'
    "</td>{% endif %}{% for cell in cells %}<td>{{ cell }}</td>{% endfor %}</tr>\n  {% endfor %}"
)


@pytest.fixture
def markup_records(make_enterprise):
    """An enterprise, a tag and a contact person whose names carry markup and quotes."""
    from shangwu.enterprises.models import EnterpriseTag, Tag

    tag = Tag.objects.create(name=MARKUP[:30], code="markup", sort_order=1)
    enterprise = make_enterprise(county="419902", township="419902001", name=MARKUP)
    EnterpriseTag.objects.create(enterprise=enterprise, tag=tag)
    make_enterprise(county="419902", name="普通企业有限公司")
    return enterprise


def list_views(user):
    """(url, view) of every list page ``user`` may open, with the view set up for a GET that
    carries markup in its free-text condition."""
    for namespace, name, _pattern, view in url_patterns():
        if (
            view is None
            or not issubclass(view, ObjectListView)
            or issubclass(view, ObjectExportView)
        ):
            continue
        url = reverse(f"{namespace}:{name}" if namespace else name)
        request = RequestFactory().get(url, {"q": MARKUP})
        request.user = user
        instance = view()
        instance.setup(request)
        if instance.refusal(instance.action) is None:
            yield url, instance


@pytest.mark.parametrize(
    "persona", ["city_staff", "county_a", "township_a1", "sysadmin", "auditor"]
)
def test_every_list_filter_form_is_the_html_of_djangos_widget_templates(
    request, persona, markup_records
):
    user = request.getfixturevalue(persona)
    forms = 0
    for url, view in list_views(user):
        _qs, filterset = view.filtered()
        if filterset is None:
            continue
        form = filterset.form
        assert isinstance(form.renderer, FormRenderer)
        for field in form:
            written = str(field)
            form.renderer = DjangoTemplates()
            try:
                assert written == str(field), (url, field.name)
            finally:
                form.renderer = FormRenderer()
        forms += 1
    assert forms >= {"sysadmin": 5, "auditor": 1}.get(persona, 10)


@pytest.mark.parametrize("persona", ["city_staff", "county_a", "sysadmin", "auditor"])
def test_every_list_table_is_the_html_of_the_template_loop(request, persona, markup_records):
    user = request.getfixturevalue(persona)
    rows = 0
    for url, view in list_views(user):
        objects = list(view.get_queryset()[:50])
        for checkboxes in (False, True):
            table = view.table(objects)
            table.links = view.allowed(view.table.link_action)
            table.checkboxes = checkboxes
            expected = TEMPLATE_ROWS.render({"table": table, "bulk_actions": checkboxes})
            assert table.body_html() == expected, url
        rows += len(objects)
    assert rows > 0


def test_an_enterprise_named_with_markup_is_escaped_in_the_list_and_its_filter(
    as_user, city_staff, markup_records
):
    response = as_user(city_staff).get("/enterprises/", {"q": MARKUP})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in page
    assert f">{ESCAPED}</a>" in page  # the name cell, linked to the enterprise
    assert f'value="{ESCAPED}"' in page  # the free-text condition typed back into its box
    assert f">{html.escape(MARKUP[:30])}</option>" in page  # the tag's option (30 characters)


def test_a_list_page_renders_no_template_per_option_or_cell(as_user, city_staff, markup_records):
    response = as_user(city_staff).get("/enterprises/")
    names = [t.name for t in response.templates]
    assert "django/forms/widgets/select_option.html" not in names
    assert "django/forms/widgets/select.html" not in names
    assert '<option value="" selected>全部</option>' in response.content.decode()


def test_every_choice_column_shows_the_label_djangos_display_method_gives(
    city_staff, markup_records
):
    compared = 0
    for _url, view in list_views(city_staff):
        objects = list(view.get_queryset()[:50])
        for column in view.table(objects).columns:
            part, display_name = column.path[0]
            if len(column.path) != 1 or column.mask or type(column).value is not Column.value:
                continue
            for obj in objects:
                if choice_labels(type(obj), display_name) is not None:
                    assert column.value(obj) == getattr(obj, display_name)(), (_url, part)
                    compared += 1
    assert compared > 0
