from shangwu.core.tables import Column, Table, vocabulary_columns
from shangwu.projects.tables import AmountColumn
from shangwu.promotion.models import EventKind, PromotionEvent


class PromotionEventTable(Table):
    model = PromotionEvent
    row_fields = ("county", "township")  # what ``place`` reads
    columns = [
        Column("name", linkify=True),
        Column("kind"),
        Column("level"),
        Column("place", "地点范围"),
        Column("organiser"),
        Column("start_on"),
        Column("end_on"),
        Column("status"),
        Column("participant_count"),
        Column("attendance"),
        AmountColumn("sales"),
        Column("signed_projects"),
        AmountColumn("signed_amount", display=False),
        Column("order_currency", display=False),
        Column("formal_orders", display=False),
        AmountColumn("formal_amount", display=False),
        Column("intended_orders", display=False),
        AmountColumn("intended_amount", display=False),
        AmountColumn("credit_amount", display=False),
        Column("delegates", display=False),
        Column("destinations", display=False),
        Column("foreign_projects", display=False),
        AmountColumn("intended_investment", display=False),
        Column("other_participants", display=False),
        AmountColumn("budget", display=False),
        Column("venue", display=False),
        Column("format", display=False),
        Column("partners", display=False),
    ]


class EventKindTable(Table):
    model = EventKind
    columns = vocabulary_columns(EventKind, "family")
