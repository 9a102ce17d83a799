from django.utils.html import format_html
from django.utils.safestring import mark_safe

from shangwu.cases.choices import Light
from shangwu.cases.deadlines import NODE_FIELDS
from shangwu.cases.models import Case, CaseCategory, CaseCategoryMapping, DeadlineRuleSet
from shangwu.core.tables import Column, Table, format_datetime, vocabulary_columns

LIGHT_CLASS = {Light.GREEN: "success", Light.YELLOW: "warning", Light.RED: "danger"}


def light_badge(case) -> str:
    if not case.is_open:
        return format_html(
            '<span class="badge text-bg-secondary">{}</span>', case.get_status_display()
        )
    if case.paused_at is not None:
        return mark_safe('<span class="badge text-bg-info" title="挂起中">挂起</span>')
    light = case.light
    return format_html(
        '<span class="badge text-bg-{}" data-light="{}">{}</span>',
        LIGHT_CLASS[light],
        light,
        Light(light).label,
    )


class LightColumn(Column):
    def html(self, obj):
        return light_badge(obj)


class DeadlineColumn(Column):
    def value(self, obj):
        due = obj.next_deadline_at
        if not due:
            return ""
        text = format_datetime(due)
        # 暂定: the deadline rests on a year whose holidays nobody has entered yet.
        return f"{text}（暂定）" if obj.next_deadline_provisional else text


class CaseTable(Table):
    model = Case
    # What 预警灯, 期限 (暂定: ``pending_node``) and 督办级别 read.
    row_fields = (
        "status",
        "paused_at",
        "next_deadline_at",
        "provisional_dues",
        "supervision_level",
        "first_feedback_at",
        *(due for due, _done in NODE_FIELDS.values()),
    )
    columns = [
        Column("number", linkify=True),
        Column("title"),
        LightColumn("light", "预警灯"),
        Column("status"),
        Column("source"),
        Column("kind"),
        Column("category"),
        Column("enterprise"),
        Column("county"),
        Column("lead_unit"),
        DeadlineColumn("next_deadline_at"),
        Column("supervision", "督办级别"),
        Column("received_at", display=False),
        Column("contact_name", display=False),
        Column("contact_phone", display=False, mask=True),
        Column("rating", display=False),
        Column("reopen_count", display=False),
        Column("closed_at", display=False),
    ]


class CategoryTable(Table):
    model = CaseCategory
    link_action = "change"  # a category's page is its edit form
    columns = vocabulary_columns(CaseCategory)


class CategoryMappingTable(Table):
    model = CaseCategoryMapping
    link_action = "change"  # a mapping's page is its edit form
    columns = [
        Column("origin_kind"),
        Column("keyword", linkify=True),
        Column("category"),
        Column("sort_order"),
    ]


class RuleSetTable(Table):
    model = DeadlineRuleSet
    columns = [
        Column("name", linkify=True),
        Column("source"),
        Column("kind"),
        Column("version"),
        Column("is_current"),
        Column("rules", "节点"),
        Column("extendable_to"),
        Column("note"),
    ]
