"""Print view (打印, A4, no navigation) of the 月通报: the same rows as the page,
the .xlsx and the .docx (``selectors.bulletin_build`` for the user, ``exports.row_texts``)."""

from django.shortcuts import render
from django.urls import reverse

from shangwu.core import views as generic
from shangwu.core.gongwen import is_numeric_column, title_lines
from shangwu.core.services import issuing_organ
from shangwu.indicators import exports, selectors
from shangwu.indicators.models import IndicatorValue
from shangwu.indicators.views import requested_month


class BulletinPrintView(generic.BaseObjectView):
    queryset = IndicatorValue.objects.all()
    template_name = "indicators/bulletin_print.html"

    def get(self, request):
        month = requested_month(request)
        bulletin = selectors.bulletin_build(user=request.user, month=month) if month else None
        tables = []
        for item in bulletin.indicators if bulletin else []:
            headers = exports.docx_headers(item, bulletin)
            rows = [exports.row_texts(r) for r in item.rows]
            numeric = (
                [is_numeric_column(row[c] for row in rows) for c in range(len(rows[0]))]
                if rows
                else []
            )
            tables.append(
                {
                    "item": item,
                    "top": [
                        (h, 2, 1) if isinstance(h, str) else (h[0], 1, len(h[1])) for h in headers
                    ],
                    "leaves": [leaf for h in headers if not isinstance(h, str) for leaf in h[1]],
                    "rows": [
                        {
                            "lagging": r.lagging,
                            "cells": list(zip(texts, numeric, strict=True)),
                        }
                        for r, texts in zip(item.rows, rows, strict=True)
                    ],
                }
            )
        query = f"?month={month:%Y-%m}" if month else ""
        return render(
            request,
            self.template_name,
            self.base_context(
                bulletin=bulletin,
                # The title turns between words here too (GB/T 9704-2012 7.3.1).
                title_lines=title_lines(bulletin.title) if bulletin else [],
                tables=tables,
                issuer=issuing_organ(user=request.user),
                back_url=reverse("indicators:bulletin") + query,
            ),
        )
