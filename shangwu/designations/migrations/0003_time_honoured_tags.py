"""老字号 stops being a hand-set tag of the registry: every enterprise tagged 中华老字号 or 省级老字号
becomes an awarded designation of that kind, dated the day the tag was added (its 企业动态 row
“添加标签“…””), or the day the enterprise entered the registry when no such row exists; its
responsible unit is the enterprise's county 商务局. The tag links go (the registry now shows the
designation); the Tag entries stay, inactive (no longer offered for hand-setting), so the
registry's tag filter keeps its choices. Reversible:
going back puts the tags back on the enterprises whose migrated designation still exists."""

from django.db import migrations
from django.utils import timezone

MIGRATED_NOTE = "由企业库标签迁入"


def _award_day(apps, link):
    EnterpriseEvent = apps.get_model("enterprises", "EnterpriseEvent")
    event = (
        EnterpriseEvent.objects.filter(
            enterprise_id=link.enterprise_id,
            kind="tags",
            note__startswith=f"添加标签“{link.tag.name}”",
        )
        .order_by("at")
        .first()
    )
    moment = event.at if event is not None else link.enterprise.created_at
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _unit_for(apps, county_id):
    OrgUnit = apps.get_model("organization", "OrgUnit")
    unit = OrgUnit.objects.filter(region_id=county_id, kind="county_bureau").order_by("pk").first()
    return (
        unit
        or OrgUnit.objects.filter(kind="bureau").order_by("pk").first()
        or (OrgUnit.objects.order_by("pk").first())
    )


def tags_to_designations(apps, schema_editor):
    Kind = apps.get_model("designations", "DesignationKind")
    Designation = apps.get_model("designations", "Designation")
    DesignationEvent = apps.get_model("designations", "DesignationEvent")
    EnterpriseTag = apps.get_model("enterprises", "EnterpriseTag")
    Tag = apps.get_model("enterprises", "Tag")
    for kind in Kind.objects.exclude(tag_code=""):
        links = EnterpriseTag.objects.filter(tag__code=kind.tag_code).select_related(
            "enterprise", "tag"
        )
        for link in links:
            enterprise = link.enterprise
            unit = _unit_for(apps, enterprise.county_id)
            if unit is None:
                raise RuntimeError("没有机构，无法为迁入的老字号认定指定责任单位。")
            day = _award_day(apps, link)
            next_review = None
            if kind.review_cycle_years:
                try:
                    next_review = day.replace(year=day.year + kind.review_cycle_years)
                except ValueError:
                    next_review = day.replace(year=day.year + kind.review_cycle_years, day=28)
            designation = Designation.objects.create(
                kind=kind,
                name=f"{kind.name}·{enterprise.name}"[:200],
                holder_type="enterprise",
                enterprise=enterprise,
                county_id=enterprise.county_id,
                township_id=enterprise.township_id,
                status="awarded",
                responsible_unit=unit,
                cultivation_on=day,
                awarded_on=day,
                next_review_on=next_review,
                note=MIGRATED_NOTE,
            )
            DesignationEvent.objects.create(
                designation=designation,
                kind="migrated",
                to_status="awarded",
                on=day,
                note=f"{MIGRATED_NOTE}：标签“{link.tag.name}”（{day:%Y-%m-%d}）",
            )
        links.delete()
        # No longer offered for hand-setting (the registry's filter still lists it).
        Tag.objects.filter(code=kind.tag_code).update(is_active=False)


def designations_to_tags(apps, schema_editor):
    Kind = apps.get_model("designations", "DesignationKind")
    Designation = apps.get_model("designations", "Designation")
    EnterpriseTag = apps.get_model("enterprises", "EnterpriseTag")
    Tag = apps.get_model("enterprises", "Tag")
    for kind in Kind.objects.exclude(tag_code=""):
        tag = Tag.objects.filter(code=kind.tag_code).first()
        if tag is None:
            continue
        for designation in Designation.objects.filter(kind=kind, note=MIGRATED_NOTE):
            EnterpriseTag.objects.get_or_create(enterprise_id=designation.enterprise_id, tag=tag)
        Tag.objects.filter(pk=tag.pk).update(is_active=True)


class Migration(migrations.Migration):
    dependencies = [
        ("designations", "0002_default_kinds"),
        ("enterprises", "0015_visit_problem_case_link"),
    ]

    operations = [migrations.RunPython(tags_to_designations, designations_to_tags)]
