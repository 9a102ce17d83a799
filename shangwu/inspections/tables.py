from shangwu.core.tables import Column, Table, vocabulary_columns
from shangwu.inspections.models import (
    Checklist,
    Hazard,
    Inspection,
    InspectionKind,
    Inspector,
    Plan,
    RectificationRule,
    Site,
)


class SiteTable(Table):
    model = Site
    columns = [
        Column("name", linkify=True),
        Column("enterprise"),
        Column("site_type"),
        Column("county"),
        Column("township"),
        Column("address", display=False),
        Column("licence_no"),
        Column("licence_valid_until"),
        Column("licence_status"),
        Column("tanks", display=False),
        Column("pumps", display=False),
        Column("is_active", display=False),
    ]


class InspectorTable(Table):
    model = Inspector
    columns = [
        Column("user"),
        Column("cert_no"),
        Column("cert_valid_until"),
        Column("county"),
        Column("township", display=False),
        Column("is_active"),
    ]


class InspectionKindTable(Table):
    model = InspectionKind
    columns = vocabulary_columns(InspectionKind, "tag_code", "site_type")


class ChecklistTable(Table):
    model = Checklist
    columns = [
        Column("title", linkify=True),
        Column("kind"),
        Column("version"),
        Column("status"),
        Column("activated_at"),
    ]


class RectificationRuleTable(Table):
    model = RectificationRule
    columns = [Column("severity"), Column("working_days")]


class PlanTable(Table):
    model = Plan
    columns = [
        Column("name", linkify=True),
        Column("kind"),
        Column("method"),
        Column("holiday", display=False),
        Column("start_on"),
        Column("end_on"),
        Column("county"),
        Column("coverage_target", display=False),
        Column("status"),
        Column("published_at", display=False),
    ]


class InspectionTable(Table):
    model = Inspection
    columns = [
        Column("site", linkify=True),
        Column("kind"),
        Column("inspected_on"),
        Column("county"),
        Column("township", display=False),
        Column("status"),
        Column("outcome"),
        Column("plan", display=False),
        Column("signature_name", display=False, mask=True),
    ]

    def __init__(self, object_list):
        super().__init__(object_list)


class HazardLightColumn(Column):
    """§6: the cases' 绿/黄/红 badge while open, the status once rectified."""

    def value(self, obj):
        from shangwu.cases.choices import Light
        from shangwu.inspections.rectification import hazard_light

        return Light(hazard_light(obj)).label if obj.is_open else obj.get_status_display()

    def html(self, obj):
        from django.utils.html import format_html

        from shangwu.inspections.rectification import hazard_light
        from shangwu.subsidies.tables import LIGHT_CLASS

        if not obj.is_open:
            return format_html('<span class="badge text-bg-secondary">{}</span>', self.value(obj))
        light = hazard_light(obj)
        return format_html(
            '<span class="badge text-bg-{}" data-light="{}">{}</span>',
            LIGHT_CLASS[light],
            light,
            self.value(obj),
        )


class HazardTable(Table):
    model = Hazard
    columns = [
        Column("description", linkify=True),
        Column("site"),
        Column("severity"),
        Column("found_on"),
        Column("deadline"),
        Column("status"),
        HazardLightColumn("light", "预警灯"),
        Column("county"),
        Column("responsible_person", display=False, mask=True),
    ]
