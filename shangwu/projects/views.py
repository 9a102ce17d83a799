"""Pages of the project library: list, board, detail, edit, stage moves, money, leaders, contacts,
problems and the reference vocabularies. Declarative where the generic views fit; every query
starts from restrict(); the writes call the services."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme

from shangwu.core import views as generic
from shangwu.core.access import can
from shangwu.projects import filtersets, forms, selectors, services, tables
from shangwu.projects.models import IndustryChain, Project, ProjectContact, ProjectLeader, Stage

FORM_TEMPLATE = "projects/form.html"


def ensure_in_scope(user, obj) -> None:
    if not type(obj).objects.restrict(user, "view").filter(pk=obj.pk).exists():
        raise ValidationError("保存后的记录将不在您的数据范围内，未保存。")


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- Projects --------------------------------------------------------------------------------------


class ProjectListView(generic.ObjectListView):
    queryset = Project.objects.select_related("stage", "county", "chain")
    filterset = filtersets.ProjectFilterSet
    table = tables.ProjectTable
    template_name = "projects/project_list.html"
    add_url_name = "projects:project_add"
    export_url_name = "projects:project_export"

    def extra_context(self):
        return {
            "can_import": can(self.request.user, Project.access, "import"),
            "board_url": reverse("projects:project_board"),
        }


class ProjectExportView(generic.ObjectExportView, ProjectListView):
    pass


class ProjectBoardView(ProjectListView):
    """看板: one column per stage, the same filters as the list. Moving a card (drag, or the
    card's “移至…” menu without JavaScript) opens the stage-transition form for the date."""

    template_name = "projects/project_board.html"
    cards_per_column = 40

    def get(self, request, *args, **kwargs):
        qs, fs = self.filtered()
        counts = {row["stage"]: row for row in selectors.board_counts(qs)}
        stages = list(Stage.objects.all())
        # URLs built once per page, not per card and menu entry (hundreds of reverse() calls).
        move_url = reverse("projects:project_move", args=[0]).replace("/0/", "/{}/")
        detail_url = reverse("projects:project_detail", args=[0]).replace("/0/", "/{}/")
        columns = []
        for stage in stages:
            figures = counts.get(stage.pk, {"n": 0, "investment": 0})
            cards = list(
                qs.filter(stage=stage).order_by("-stage_on", "-id")[: self.cards_per_column]
            )
            for card in cards:
                card.move_url = move_url.format(card.pk)
                card.detail_url = detail_url.format(card.pk)
            columns.append(
                {
                    "stage": stage,
                    "cards": cards,
                    "count": figures["n"],
                    "investment": figures["investment"],
                }
            )
        context = self.base_context(
            filter=fs,
            columns=columns,
            stages=stages,
            querystring=request.GET.urlencode(),
            list_url=reverse("projects:project_list"),
            next=quote(request.get_full_path(), safe=""),
            cards_per_column=self.cards_per_column,
        )
        return render(request, self.template_name, context)


class ProjectDetailView(generic.ObjectDetailView):
    queryset = Project.objects.select_related(
        "stage", "county", "township", "chain", "lead_unit", "enterprise", "created_by"
    )
    template_name = "projects/project_detail.html"

    def signed_at(self, project):
        """The events (招商推介会, 签约大会…) the project was signed at, those the user sees:
        the promotion line's ``EventProject`` rows (reached by their relation, so the project
        library does not import the promotion app)."""
        links = (
            project.promotion_events.model.objects.restrict(self.request.user, "view")
            .filter(project=project)
            .select_related("event")
            .order_by("signed_on", "id")
        )
        return format_html_join(
            "、",
            '<a href="{}">{}</a>（{}）',
            (
                (link.event.get_absolute_url(), link.event, f"{link.signed_on:%Y-%m-%d}")
                for link in links
            ),
        )

    def extra_context(self, obj):
        user = self.request.user
        context = selectors.project_detail_context(user=user, project=obj)
        context["fields"] = [
            ("项目编码", obj.code),
            ("项目名称", obj.name),
            ("投资方", f"{obj.investor_name}（{obj.get_investor_type_display()}）"),
            ("资金来源地", obj.origin_display),
            (
                "行业",
                " · ".join(
                    x
                    for x in [
                        obj.get_industry_section_display() if obj.industry_section else "",
                        obj.industry_division,
                    ]
                    if x
                ),
            ),
            ("产业链", obj.chain),
            ("总投资（万元）", obj.total_investment),
            ("合同外资（万美元）", obj.contract_fdi),
            ("县(市、区)", obj.county),
            ("乡镇(街道)", obj.township),
            ("建设地点", obj.site),
            ("牵头单位", obj.lead_unit),
            (
                "项目企业",
                format_html(
                    '<a href="{}">{}</a>', obj.enterprise.get_absolute_url(), obj.enterprise
                )
                if obj.enterprise
                else "",
            ),
            (
                "标识",
                "、".join(
                    label
                    for flag, label in [
                        (obj.is_key, "重点项目"),
                        (obj.is_manufacturing, "制造业"),
                        (obj.is_foreign, "外资"),
                        (obj.is_fortune500, "世界500强"),
                    ]
                    if flag
                ),
            ),
            ("纳入省台账", obj.ledger_display),
            ("签约活动", self.signed_at(obj)),
            ("备注", obj.note),
        ]
        context["milestones"] = [
            ("签约", obj.signed_on),
            ("注册", obj.registered_on),
            ("开工", obj.started_on),
            ("投产", obj.producing_on),
        ]
        context["edit_url"] = reverse("projects:project_edit", args=[obj.pk])
        context["cases_enabled"] = services.cases_available()
        return context


class ProjectEditView(generic.ObjectEditView):
    queryset = Project.objects.all()
    form = forms.ProjectForm

    def save(self, form):
        fields = form.service_fields()
        try:
            if form.instance.pk:
                return services.project_update(
                    project=form.instance, actor=self.request.user, **fields
                )
            return services.project_create(
                actor=self.request.user, leaders=form.cleaned_data.get("leaders") or (), **fields
            )
        except ValidationError as exc:
            generic.form_apply_errors(form, exc)
            raise ValidationError("请修改标红的字段后再保存。") from exc


class _ProjectActionView(generic.ObjectActionView):
    """A form on one project (stage move, funds, leader, contact, problem) that calls a service
    (``core.views.ObjectActionView``); the project must still be in the user's view scope after
    it, and the user goes back to ``next`` (the board) or the project."""

    queryset = Project.objects.select_related("stage", "county", "township")
    template_name = FORM_TEMPLATE

    def form_context(self, project):
        return {"next": safe_next(self.request, "")}

    def success_url(self, project):
        return safe_next(self.request, project.get_absolute_url())

    def after_perform(self, project):
        ensure_in_scope(self.request.user, project)


class ProjectMoveView(_ProjectActionView):
    """阶段变更: the one form behind the detail page's button, the board's menu and drag-and-drop."""

    title = "阶段变更"

    def make_form(self, project, data=None, files=None):
        initial = {}
        stage_id = self.request.GET.get("stage")
        if stage_id and stage_id.isdigit():
            initial["stage"] = int(stage_id)
        return forms.StageMoveForm(data, user=self.request.user, project=project, initial=initial)

    def perform(self, project, data):
        old = project.stage
        services.project_move_stage(
            project=project,
            stage=data["stage"],
            on=data["on"],
            actor=self.request.user,
            note=data["note"],
        )
        return f"“{project}”已从“{old}”移至“{project.stage}”（{data['on']:%Y-%m-%d}）。"


class ProjectFundsView(_ProjectActionView):
    title = "填报到位资金"
    form_class = forms.FundsForm

    def perform(self, project, data):
        row = services.project_record_funds(project=project, actor=self.request.user, **data)
        return f"已保存“{project}”{row.month:%Y年%m月}的到位资金。"


class ProjectLeaderAddView(_ProjectActionView):
    title = "安排包保领导"
    form_class = forms.LeaderForm

    def perform(self, project, data):
        row = services.project_add_leader(project=project, actor=self.request.user, **data)
        return f"{row.official}已任“{project}”的包保领导。"


class ProjectLeaderEndView(_ProjectActionView):
    title = "结束包保"
    form_class = forms.LeaderEndForm

    def assignment(self, project):
        row = (
            ProjectLeader.objects.restrict(self.request.user, "change")
            .filter(project=project, pk=self.kwargs["leader_pk"])
            .select_related("official")
            .first()
        )
        if row is None:
            raise Http404("包保记录不存在。")
        return row

    def perform(self, project, data):
        row = self.assignment(project)
        services.project_end_leader(assignment=row, actor=self.request.user, **data)
        return f"{row.official}对“{project}”的包保已结束。"


class ProjectContactAddView(_ProjectActionView):
    title = "新增项目联系人"
    form_class = forms.ContactForm

    def perform(self, project, data):
        contact = services.project_add_contact(project=project, actor=self.request.user, **data)
        return f"已添加联系人“{contact.name}”。"


class ProjectProblemView(_ProjectActionView):
    """A project's problem becomes a case in the case module (诉求办理)."""

    title = "问题转办"
    form_class = forms.ProblemForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.cases_available():
            messages.warning(request, "诉求办理模块尚未启用，暂不能转办问题。")
            return redirect(reverse("projects:project_detail", args=[kwargs["pk"]]))
        return super().dispatch(request, *args, **kwargs)

    def perform(self, project, data):
        case = services.project_raise_problem(project=project, actor=self.request.user, **data)
        return f"问题已转为诉求案件 {case.number}。"


class ProjectContactRevealView(generic.ContactRevealView):
    queryset = ProjectContact.objects.select_related("project")


# --- Reference vocabularies: stages and chains (系统管理员) ---------------------------------------


class StageListView(generic.ObjectListView):
    queryset = Stage.objects.all()
    filterset = filtersets.StageFilterSet
    table = tables.StageTable
    add_url_name = "projects:stage_add"


class StageEditView(generic.ObjectEditView):
    queryset = Stage.objects.all()
    form = forms.StageForm


class StageDetailView(generic.VocabularyDetailView):
    queryset = Stage.objects.all()
    edit_url_name = "projects:stage_edit"


class IndustryChainListView(generic.ObjectListView):
    queryset = IndustryChain.objects.all()
    filterset = filtersets.IndustryChainFilterSet
    table = tables.IndustryChainTable
    add_url_name = "projects:chain_add"


class IndustryChainEditView(generic.ObjectEditView):
    queryset = IndustryChain.objects.all()
    form = forms.IndustryChainForm


class IndustryChainDetailView(generic.VocabularyDetailView):
    queryset = IndustryChain.objects.all()
    edit_url_name = "projects:chain_edit"
