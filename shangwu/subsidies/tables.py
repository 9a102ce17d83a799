from django.utils.html import format_html

from shangwu.cases.choices import Light
from shangwu.core.tables import Column, Table
from shangwu.projects.tables import AmountColumn
from shangwu.subsidies.models import SubsidyApplication, SubsidyProgramme

LIGHT_CLASS = {Light.GREEN: "success", Light.YELLOW: "warning", Light.RED: "danger"}


def light_badge(application) -> str:
    """The cases' badge: 绿/黄/红 while open, the status once paid or rejected."""
    if not application.is_open:
        return format_html(
            '<span class="badge text-bg-secondary">{}</span>', application.get_status_display()
        )
    light = application.light
    return format_html(
        '<span class="badge text-bg-{}" data-light="{}">{}</span>',
        LIGHT_CLASS[light],
        light,
        Light(light).label,
    )


class LightColumn(Column):
    def value(self, obj):
        return obj.get_light_display() if obj.is_open else obj.get_status_display()

    def html(self, obj):
        return light_badge(obj)


class MaskedColumn(Column):
    """A personal field, masked on the page and in the export alike."""

    def __init__(self, name, label, masked_attr, **kwargs):
        super().__init__(name, label, **kwargs)
        self.masked_attr = masked_attr

    def value(self, obj):
        return getattr(obj, self.masked_attr)


class DealerColumn(Column):
    """The registry dealer, or the platform's name marked 待匹配企业库."""

    def value(self, obj):
        if obj.dealer_id:
            return super().value(obj)
        return obj.dealer_display


class SubsidyApplicationTable(Table):
    model = SubsidyApplication
    row_fields = (
        "status",
        "next_deadline_at",
        "applicant_name",
        "id_number",
        "dealer_unmatched_name",
        "dealer_unmatched_code",
    )
    columns = [
        Column("number", linkify=True),
        Column("programme"),
        MaskedColumn("applicant_name", "申请人", "applicant_masked"),
        MaskedColumn("id_number", "身份证号", "id_number_masked", display=False),
        Column("category"),
        Column("units"),
        AmountColumn("sale_amount"),
        AmountColumn("subsidy_amount"),
        DealerColumn("dealer", "经销商"),
        Column("county"),
        Column("status"),
        LightColumn("light", "预警灯"),
        Column("accepted_on"),
        Column("due_on"),
        Column("reviewed_on", display=False),
        Column("paid_on"),
        Column("workdays_to_pay", display=False),
        Column("rejected_on", display=False),
        Column("reject_reason", display=False),
        Column("override_reason", display=False),
        Column("township", display=False),
    ]


class SubsidyProgrammeTable(Table):
    model = SubsidyProgramme
    columns = [
        Column("name", linkify=True),
        Column("kind"),
        Column("status"),
        Column("organiser"),
        Column("start_on"),
        Column("end_on"),
        Column("promised_workdays"),
        AmountColumn("central_funds"),
        AmountColumn("provincial_funds"),
        AmountColumn("city_funds"),
        AmountColumn("county_funds"),
    ]
