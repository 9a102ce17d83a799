"""The 工作台's panels written in Python (core.dashboard_html) are the template loop they
replace, character for character: every kind of cell and item, empty panels, markup in text."""

import datetime
from decimal import Decimal

import pytest
from django.template import engines

from shangwu.core import figures
from shangwu.core.dashboard_html import panels_html

# core/dashboard.html's loop before the panels were written in Python.
TEMPLATE_LOOP = """<div class="row g-3">
  {% for panel in panels %}
  <div class="col-md-6 col-xl-4">
    <div class="card h-100"><div class="card-header"><i class="bi bi-{{ panel.icon }}"></i> {{ panel.title }}</div>
      <div class="card-body">
        {% for cell in panel.figures %}
        <div class="d-flex justify-content-between border-bottom py-1"{% if cell.key %} data-figure="{{ cell.key }}"{% endif %}><span>{{ cell.label }}</span><span>{% if cell.url %}<a class="fw-semibold" href="{{ cell.url }}"{% if cell.figure %} title="{{ cell.figure.definition }}"{% endif %}>{{ cell.display }}</a>{% else %}<span class="fw-semibold">{{ cell.display }}</span>{% endif %}{% if cell.note %} <span class="small text-secondary">（<a class="text-secondary" href="{{ cell.note.url }}" data-figure="{{ cell.note.key }}" title="{{ cell.note.figure.label }}">{{ cell.note.display }}</a>）</span>{% endif %}</span></div>
        {% empty %}{% if not panel.items %}<p class="text-secondary mb-0">暂无数据。</p>{% endif %}{% endfor %}
        {% if panel.items %}<ul class="list-unstyled small mt-2 mb-0">{% for item in panel.items %}{% if item.figure %}<li class="py-1 border-bottom d-flex justify-content-between" data-figure="{{ item.key }}"><span>{{ item.label }}</span><a class="fw-semibold" href="{{ item.url }}" title="{{ item.figure.definition }}">{{ item.display }}</a></li>{% else %}<li class="py-1 border-bottom">{% if item.1 %}<a href="{{ item.1 }}">{{ item.0 }}</a>{% else %}{{ item.0 }}{% endif %}</li>{% endif %}{% endfor %}</ul>{% endif %}
      </div></div>
  </div>
  {% endfor %}
</div>"""


def figure(key, label, value, unit="件", definition="定义：<含>“引号” & 符号"):
    day = datetime.date(2026, 12, 8)
    return figures.Figure(
        key=key,
        label=label,
        unit=unit,
        value=None if value is None else Decimal(value),
        date_from=day,
        date_to=day,
        region=None,
        definition=definition,
        count=0 if value is None else int(Decimal(value)),
        drill={"page": f"/cases/?queue={key}&x=<1>", "api": "/api/cases/"},
    )


def old(panels) -> str:
    return engines["django"].from_string(TEMPLATE_LOOP).render({"panels": panels})


def new(panels) -> str:
    return f'<div class="row g-3">\n  {panels_html(panels)}\n</div>'


PANELS = [
    {
        "title": "我的待办 <b>&",
        "icon": "inboxes",
        "figures": [
            figures.panel_cell(figure("cases.queue.to_sign", "待签收", "3")),
            figures.panel_cell(
                figure("indicators.x.ytd", "社零额", "12345.6", unit="万元"),
                label="社零额（1—11月）<i>",
                note=figure("indicators.x.ytd_yoy", "同比", "-1.25", "%"),
            ),
            {"label": "没有链接", "display": "5件"},
            {"key": "k", "label": "有链接无定义", "display": "6件", "url": "/a/?b=1&c=2"},
        ],
        "items": [
            ("【已超期】待交办：SW-1 企业<反映>“融资”难", "/cases/1/"),
            ("没有链接的一行 & 符号", ""),
            figures.panel_cell(figure("tasks.last_cycle_missing.unit.3", "外贸科：未报送", "4")),
        ],
    },
    {"title": "空的面板", "icon": "graph-up", "figures": [], "items": []},
    {
        "title": "只有条目",
        "icon": "bell",
        "figures": [],
        "items": [("暂无指标数据", "/indicators/")],
    },
    {
        "title": "只有数字",
        "icon": "briefcase",
        "figures": [figures.panel_cell(figure("projects.active", "在库项目", None))],
        "items": [],
    },
]


@pytest.mark.parametrize("n", range(len(PANELS)))
def test_each_kind_of_panel_is_written_as_the_template_wrote_it(n):
    assert new([PANELS[n]]) == old([PANELS[n]])


def test_all_panels_together_and_none_are_written_as_the_template_wrote_them():
    assert new(PANELS) == old(PANELS)
    assert new([]) == old([])
