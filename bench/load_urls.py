"""Bench-only URL conf (``bench/load_settings.py``): the platform's routes plus Django's floor,
two plain views served through the same middleware stack:

* ``/bench-floor/json/``: a constant JSON body, no query;
* ``/bench-floor/table/``: a 50-row HTML table of cases from one query, one Django template.
"""

from django.http import HttpResponse, JsonResponse
from django.template import engines
from django.urls import include, path

TABLE = engines["django"].from_string(
    '<!doctype html><html><head><meta charset="utf-8"><title>floor</title></head><body>'
    "<table><thead><tr><th>编号</th><th>标题</th><th>状态</th><th>受理时间</th><th>县区</th></tr></thead>"
    '<tbody>{% for c in rows %}<tr><td><a href="/cases/{{ c.id }}/">{{ c.number }}</a></td>'
    '<td>{{ c.title }}</td><td>{{ c.status }}</td><td>{{ c.received_at|date:"Y-m-d H:i" }}</td>'
    "<td>{{ c.county__name }}</td></tr>{% endfor %}</tbody></table></body></html>"
)


def floor_json(request):
    return JsonResponse({"ok": True, "items": [1, 2, 3]})


def floor_table(request):
    from shangwu.cases.models import Case

    rows = Case.objects.order_by("-received_at", "-id").values(
        "id", "number", "title", "status", "received_at", "county__name"
    )[:50]
    return HttpResponse(TABLE.render({"rows": rows}, request))


urlpatterns = [
    path("bench-floor/json/", floor_json),
    path("bench-floor/table/", floor_table),
    path("", include("shangwu.urls")),
]
