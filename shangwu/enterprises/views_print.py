"""Print view (打印, A4, no navigation) of a visit record (走访记录), read through
``restrict(user, "view")`` like its page: out of scope is a 404 (audited)."""

from shangwu.enterprises.baobao.views import VisitDetailView


class VisitPrintView(VisitDetailView):
    template_name = "enterprises/print/visit.html"

    def extra_context(self, obj):
        return {**super().extra_context(obj), "back_url": obj.get_absolute_url()}
