"""PostgreSQL: tell the planner that a case's lead unit and county go together (a county bureau
leads its own county's cases). Without it, "cases this unit leads in other counties" was
estimated at an eighth of the unit's cases and read them all (200 ms over 1M cases) instead of
seeking the (lead_unit, county, received_at) index to the handful there are."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE STATISTICS IF NOT EXISTS case_lead_county_stats (mcv, dependencies) "
            "ON lead_unit_id, county_id FROM cases_case"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS case_lead_county_stats")


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_queue_indexes_with_id")]

    operations = [migrations.RunPython(create, drop)]
