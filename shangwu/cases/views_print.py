"""Print views (打印, A4, no navigation) of a case: the case page, its 交办单 and each 督办单.
Every one reads the case through ``restrict(user, "view")`` like the case page: a case outside
the user's scope is a 404 (audited)."""

from django.http import Http404
from django.utils import timezone

from shangwu.cases.choices import CaseEventKind
from shangwu.cases.deadlines import node_states
from shangwu.cases.views import CASE_READ, _mask
from shangwu.core import views as generic


class CasePrintView(generic.ObjectDetailView):
    queryset = CASE_READ
    template_name = "cases/print/case.html"

    def extra_context(self, obj):
        return {
            "back_url": obj.get_absolute_url(),
            "contact_phone": _mask(obj.contact_phone),
            "co_units": "、".join(str(u) for u in obj.co_units.all()),
            "deadlines": node_states(obj, timezone.now()),
            "events": obj.events.select_related("actor", "unit"),
            "supervisions": obj.supervisions.select_related("issued_by", "addressed_to"),
        }


class CaseAssignmentPrintView(CasePrintView):
    """交办单: what was assigned to whom, by when, with the assigning note and a 签收 box."""

    template_name = "cases/print/assignment.html"

    def extra_context(self, obj):
        context = super().extra_context(obj)
        assignment = (
            obj.events.select_related("actor", "unit")
            .filter(kind=CaseEventKind.ASSIGN)
            .order_by("-at", "-pk")
            .first()
        )
        context["assignment"] = assignment
        return context


class SupervisionOrderPrintView(CasePrintView):
    """督办单: one supervision order of the case."""

    template_name = "cases/print/supervision.html"

    def extra_context(self, obj):
        context = super().extra_context(obj)
        order = (
            obj.supervisions.select_related("issued_by", "addressed_to")
            .filter(pk=self.kwargs["order_pk"])
            .first()
        )
        if order is None:
            raise Http404("督办单不存在。")
        context["order"] = order
        return context
