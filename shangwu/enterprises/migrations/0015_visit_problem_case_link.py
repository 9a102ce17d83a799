"""A converted visit problem's case is Case.origin_visit_problem (cases 0018 carried every
case number there); the bare column goes. 包保 is core.models.Responsibility (state only)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0014_vocabulary_base"),
        ("cases", "0020_case_origins"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="visitproblem", name="visit_problem_case_iff_converted"
        ),
        migrations.RemoveField(model_name="visitproblem", name="case_id"),
        migrations.AddConstraint(
            model_name="visitproblem",
            constraint=models.CheckConstraint(
                condition=~models.Q(status="converted") | models.Q(converted_at__isnull=False),
                name="visit_problem_converted_at",
                violation_error_message="“已转案件”的问题必须有转办时间。",
            ),
        ),
        migrations.AlterField(
            model_name="assignment",
            name="official",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to=settings.AUTH_USER_MODEL,
                verbose_name="包保人员",
            ),
        ),
    ]
