"""Run in a subprocess by test_migration.py against a fresh SQLite database (never the test
database): build the schema as it was before designations 0003, tag three enterprises 中华老字号 /
省级老字号 the old way (two with the 企业动态 row that added the tag, one without), migrate
forward, print what became of them as JSON."""

import datetime
import json
import sys

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.utils import timezone  # noqa: E402

BEFORE = [("designations", "0002_default_kinds"), ("enterprises", "0015_visit_problem_case_link")]


def main() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Region = old.get_model("organization", "Region")
    OrgUnit = old.get_model("organization", "OrgUnit")
    Enterprise = old.get_model("enterprises", "Enterprise")
    EnterpriseTag = old.get_model("enterprises", "EnterpriseTag")
    EnterpriseEvent = old.get_model("enterprises", "EnterpriseEvent")
    Tag = old.get_model("enterprises", "Tag")

    city = Region.objects.create(code="419900", name="测试市", level="city")
    county = Region.objects.create(code="419902", name="河东区", level="county", parent=city)
    OrgUnit.objects.create(name="市商务局", region=city, kind="bureau")
    bureau = OrgUnit.objects.create(name="河东区商务局", region=county, kind="county_bureau")
    national = Tag.objects.get(code="time_honored_national")
    provincial = Tag.objects.get(code="time_honored_provincial")
    retail = Tag.objects.get(code="retail_above")

    def enterprise(n, name):
        return Enterprise.objects.create(
            credit_code=f"91419902MA0000000{n}", name=name, county=county
        )

    def moment(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))

    old_shop = enterprise(1, "老字号酱园有限公司")
    EnterpriseTag.objects.create(enterprise=old_shop, tag=national)
    EnterpriseTag.objects.create(enterprise=old_shop, tag=retail, since=datetime.date(2020, 1, 1))
    EnterpriseEvent.objects.create(
        enterprise=old_shop,
        kind="tags",
        note="添加标签“中华老字号”",
        at=moment(datetime.date(2019, 5, 6)),
    )
    restaurant = enterprise(2, "王记面馆有限公司")
    EnterpriseTag.objects.create(enterprise=restaurant, tag=provincial)
    EnterpriseEvent.objects.create(
        enterprise=restaurant,
        kind="tags",
        note="添加标签“省级老字号”",
        at=moment(datetime.date(2021, 8, 9)),
    )
    untold = enterprise(3, "无记录老字号有限公司")
    EnterpriseTag.objects.create(enterprise=untold, tag=national)
    Enterprise.objects.filter(pk=untold.pk).update(created_at=moment(datetime.date(2023, 3, 3)))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    Designation = new.get_model("designations", "Designation")
    DesignationEvent = new.get_model("designations", "DesignationEvent")
    DesignationResponsibility = new.get_model("designations", "DesignationResponsibility")
    Tag = new.get_model("enterprises", "Tag")
    EnterpriseTag = new.get_model("enterprises", "EnterpriseTag")
    json.dump(
        {
            "designations": sorted(
                [
                    d.enterprise.name,
                    d.kind.code,
                    d.status,
                    str(d.awarded_on),
                    str(d.next_review_on),
                    # The plain field became the first responsibility (0004), from cultivation.
                    DesignationResponsibility.objects.filter(
                        designation_id=d.pk,
                        unit_id=bureau.pk,
                        end_on__isnull=True,
                        start_on=d.cultivation_on,
                    ).exists(),
                    d.county_id == county.pk,
                ]
                for d in Designation.objects.select_related("enterprise", "kind")
            ),
            "events": DesignationEvent.objects.filter(kind="migrated").count(),
            "links": sorted(t.tag.code for t in EnterpriseTag.objects.select_related("tag")),
            "active": sorted(
                Tag.objects.filter(code__startswith="time_honored").values_list(
                    "is_active", flat=True
                )
            ),
        },
        sys.stdout,
    )


main()
