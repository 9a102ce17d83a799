"""One way a record becomes a case (issue 17 §4): Case.origin_visit_problem and
Case.origin_project replace the visit problem's bare case number and the projects' ProjectCase
table (their rows are carried here, before enterprises 0013 and projects 0005 drop the old
columns), and the 系统管理员's category mapping replaces the substring guess, seeded with the
guess's own results."""

import django.db.models.deletion
from django.db import migrations, models

# The visit problem's 问题类别 named the case category it contained (融资信贷 → 融资); the same
# keywords now stand in the mapping, for projects too, with 其他 as each origin's default.
KEYWORDS = ["政策咨询", "融资", "用地", "用工", "审批", "物流", "外贸", "外资", "消费", "水电气暖"]
ORIGIN_KINDS = ["visit_problem", "project"]


def carry_links(apps, schema_editor):
    """Every existing link survives: a converted visit problem's case number becomes the case's
    origin_visit_problem; each ProjectCase row becomes its case's origin_project."""
    Case = apps.get_model("cases", "Case")
    VisitProblem = apps.get_model("enterprises", "VisitProblem")
    ProjectCase = apps.get_model("projects", "ProjectCase")
    for problem_id, case_id in VisitProblem.objects.filter(case_id__isnull=False).values_list(
        "pk", "case_id"
    ):
        Case.objects.filter(pk=case_id).update(origin_visit_problem_id=problem_id)
    for project_id, case_id in ProjectCase.objects.values_list("project_id", "case_id"):
        Case.objects.filter(pk=case_id, origin_visit_problem__isnull=True).update(
            origin_project_id=project_id
        )


def carry_links_back(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    VisitProblem = apps.get_model("enterprises", "VisitProblem")
    ProjectCase = apps.get_model("projects", "ProjectCase")
    for case in Case.objects.filter(origin_visit_problem__isnull=False):
        VisitProblem.objects.filter(pk=case.origin_visit_problem_id).update(case_id=case.pk)
    for case in Case.objects.filter(origin_project__isnull=False):
        ProjectCase.objects.get_or_create(case_id=case.pk, project_id=case.origin_project_id)


def seed_mappings(apps, schema_editor):
    CaseCategory = apps.get_model("cases", "CaseCategory")
    Mapping = apps.get_model("cases", "CaseCategoryMapping")
    by_name = {c.name: c for c in CaseCategory.objects.all()}
    for kind in ORIGIN_KINDS:
        for order, keyword in enumerate(KEYWORDS, start=1):
            if keyword in by_name:
                Mapping.objects.get_or_create(
                    origin_kind=kind,
                    keyword=keyword,
                    defaults={"category": by_name[keyword], "sort_order": order},
                )
        if "其他" in by_name:
            Mapping.objects.get_or_create(
                origin_kind=kind, keyword="", defaults={"category": by_name["其他"]}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_vocabulary_code"),
        ("enterprises", "0014_vocabulary_base"),
        ("projects", "0006_vocabulary_code"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseCategoryMapping",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "origin_kind",
                    models.CharField(
                        choices=[("visit_problem", "走访问题"), ("project", "招商项目问题")],
                        max_length=20,
                        verbose_name="来源",
                    ),
                ),
                (
                    "keyword",
                    models.CharField(
                        blank=True,
                        help_text="问题类别或内容含此词时采用该类别；留空为该来源的默认类别。",
                        max_length=30,
                        verbose_name="关键词",
                    ),
                ),
                ("sort_order", models.PositiveIntegerField(default=0, verbose_name="排序")),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.casecategory",
                        verbose_name="案件类别",
                    ),
                ),
            ],
            options={
                "verbose_name": "案件类别对应",
                "verbose_name_plural": "案件类别对应",
                "ordering": ["origin_kind", "sort_order", "keyword"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("origin_kind", "keyword"),
                        name="casecategorymapping_unique_keyword",
                        violation_error_message="该来源已有这个关键词。",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="case",
            name="origin_visit_problem",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="case",
                to="enterprises.visitproblem",
                verbose_name="来源走访问题",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="origin_project",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="projects.project",
                verbose_name="来源招商项目",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(origin_visit_problem__isnull=True)
                | models.Q(origin_project__isnull=True),
                name="case_at_most_one_origin",
                violation_error_message="一个案件只能有一个来源记录。",
            ),
        ),
        migrations.RunPython(carry_links, carry_links_back),
        migrations.RunPython(seed_mappings, migrations.RunPython.noop),
    ]
