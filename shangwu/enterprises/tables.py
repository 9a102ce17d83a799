from shangwu.core.tables import Column, Table, vocabulary_columns
from shangwu.enterprises.models import Enterprise, Tag


class TagsColumn(Column):
    """标签: the stored tags, then those derived from the enterprise's current designations
    (中华老字号, 省级老字号…, no longer set by hand), which ``EnterpriseTable`` reads for all its
    rows at once into ``derived_tags``."""

    def value(self, obj):
        stored = super().value(obj)
        return "、".join(t for t in (stored, *obj.__dict__.get("derived_tags", ())) if t)


class EnterpriseTable(Table):
    model = Enterprise
    # Reads of the whole page beside the rows' own (``row_objects``: the derived tags).
    page_queries = 1
    columns = [
        Column("name", linkify=True),
        Column("credit_code"),
        Column("county"),
        Column("township"),
        Column("industry_section"),
        Column("ownership"),
        Column("status"),
        Column("is_key"),
        TagsColumn("tags"),
        Column("legal_representative", display=False),
        Column("address", display=False),
    ]

    def row_objects(self):
        """The page's rows, each with the tags its current designations give it: one query for
        the page, not one per row."""
        from shangwu.designations.selectors import designation_tags_by_enterprise

        objects = list(super().row_objects())
        derived = designation_tags_by_enterprise([obj.pk for obj in objects]) if objects else {}
        for obj in objects:
            obj.__dict__["derived_tags"] = derived.get(obj.pk, [])
        return objects

    def export_rows(self, objects):
        """The export reads the current designation tags of the whole registry once (a few
        hundred rows), then the records chunk by chunk as they come."""
        from shangwu.designations.selectors import designation_tags_by_enterprise

        derived = designation_tags_by_enterprise()

        def with_tags(records):
            for obj in records:
                obj.__dict__["derived_tags"] = derived.get(obj.pk, [])
                yield obj

        return super().export_rows(with_tags(objects))


class TagTable(Table):
    model = Tag
    columns = vocabulary_columns(Tag, "needs_date")
