"""The generic views every model's pages are built from (NetBox's object views, much smaller).

A model's views are a few attributes: ``queryset``, ``filterset``, ``table``, ``form``,
``template_name``. Every one starts from ``queryset.restrict(user, action)``; an object outside
the user's scope is a 404 and the attempt is written to the audit log.
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views import View

from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_denied, audit_write
from shangwu.core.access import refusal
from shangwu.core.exports import download, xlsx_bytes
from shangwu.core.files import file_download, file_get, file_response
from shangwu.core.reveal import REVEALABLE, contact_reveal


class BaseObjectView(LoginRequiredMixin, View):
    queryset = None
    action = "view"
    template_name = None

    @property
    def model(self):
        return self.queryset.model

    def get_queryset(self, action=None):
        return self.queryset.all().restrict(self.request.user, action or self.action)

    def refusal(self, action: str) -> str | None:
        """Why the user may not ``action`` here at all, or None: the role grant, then the model's
        scope rule for the action (``Scope``: e.g. a township officer has no region to enter
        figures for). A view may narrow it (never widen)."""
        return refusal(self.request.user, self.model, action)

    def allowed(self, action: str) -> bool:
        """May the user ``action`` here? The buttons (``can_*``) follow it, so no one is offered
        a form they cannot submit."""
        return self.refusal(action) is None

    def check_access(self, action=None):
        """Role and scope-rule check before any query: refused gets 403 (audited)."""
        action = action or self.action
        reason = self.refusal(action)
        if reason is not None:
            audit_write(
                action=AuditAction.DENIED,
                object_type=self.model._meta.label_lower,
                object_repr=str(self.model._meta.verbose_name),
                detail=f"角色无“{action}”权限，已拒绝（403）。",
            )
            raise PermissionDenied(reason)

    def get_object(self, action=None):
        pk = self.kwargs["pk"]
        obj = self.get_queryset(action).filter(pk=pk).first()
        if obj is None:
            if self.model._base_manager.filter(pk=pk).exists():
                audit_denied(model=self.model, object_id=pk)
            raise Http404("对象不存在或不在您的数据范围内。")
        return obj

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.check_access()
        return super().dispatch(request, *args, **kwargs)

    def base_context(self, **extra):
        meta = self.model._meta
        return {
            "model_name": meta.verbose_name,
            "model_label": meta.model_name,
            "app_label": meta.app_label,
            "can_add": self.allowed("add"),
            "can_change": self.allowed("change"),
            "can_delete": self.allowed("delete"),
            "can_export": self.allowed("export"),
            "can_import": self.allowed("import"),
            **extra,
        }


def form_apply_errors(form, exc) -> None:
    """A service's refusal onto the form: a ValidationError's field errors onto their fields
    (others, and a PermissionDenied, onto the form as a whole), in the service's Chinese words."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or "您没有执行此操作的权限。")
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ObjectActionView(BaseObjectView):
    """One action on one object in the user's scope, through a service (状态推进, 填报成果,
    添加参与企业, 阶段变更, 移除…). A subclass names ``queryset``, ``title`` and ``form_class``
    (or ``make_form``) and writes ``perform(obj, data)``, which calls the service and returns
    the Chinese message shown after it.

    - The object: ``queryset.restrict(user, action)`` by ``pk`` (default ``change``); outside
      scope a 404, audited as denied (``get_object``).
    - With a form: GET shows it (``template_name``); POST validates it, then ``perform`` runs in
      one transaction (with ``after_perform``, e.g. a still-in-scope check); a ValidationError
      or PermissionDenied from the service goes back onto the form's fields, answered 400.
    - ``has_form = False`` (a button, POST only): the posted parameters are the service's to
      read; a refusal becomes an error message on the page the user came back to.
    - Done: a success message and a redirect to ``success_url(obj)``; for an htmx request an
      ``HX-Redirect`` to it, so the page reloads whole rather than swapping a redirect's body.
    """

    action = "change"
    title = ""
    form_class = None
    has_form = True
    template_name = "core/object_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_form:
            # A button: POST only (405 otherwise, after the sign-in and role checks).
            self.http_method_names = ["post", "options"]
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, obj, data=None, files=None):
        return self.form_class(data, user=self.request.user)

    def form_context(self, obj) -> dict:
        """More context for the form's page (``cancel_url`` and ``title`` are given)."""
        return {}

    def success_url(self, obj) -> str:
        return obj.get_absolute_url()

    def show(self, form, obj, status=200):
        return render(
            self.request,
            self.template_name,
            self.base_context(
                form=form,
                object=obj,
                title=f"{self.title}：{obj}" if self.title else str(obj),
                cancel_url=obj.get_absolute_url(),
                **self.form_context(obj),
            ),
            status=status,
        )

    def done(self, obj, message: str):
        if message:
            messages.success(self.request, message)
        target = self.success_url(obj)
        if self.request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.show(self.make_form(obj), obj)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        if not self.has_form:
            try:
                with transaction.atomic():
                    message = self.perform(obj, request.POST)
                    self.after_perform(obj)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, "；".join(getattr(exc, "messages", None) or [str(exc)]))
                return self.done(obj, "")
            return self.done(obj, message)
        form = self.make_form(obj, request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    message = self.perform(obj, form.cleaned_data)
                    self.after_perform(obj)
            except (ValidationError, PermissionDenied) as exc:
                form_apply_errors(form, exc)
            else:
                return self.done(obj, message)
        return self.show(form, obj, status=400)

    def perform(self, obj, data) -> str:
        """Call the service with ``data`` (the form's cleaned data, or the POST without a form);
        return the message to show."""
        raise NotImplementedError(f"{type(self).__name__} 未实现 perform()。")

    def after_perform(self, obj) -> None:
        """Inside the transaction, after ``perform``: raise ValidationError to undo it."""


class ContactRevealView(BaseObjectView):
    """POST: the full number of one contact (a ``core.models.ContactPerson``; ``queryset`` names
    the model), through ``core.reveal.contact_reveal`` (audited). htmx swaps the masked cell
    with the answer; without JavaScript ``core/contact_reveal.html`` shows it."""

    http_method_names = ["post"]
    template_name = "core/contact_reveal.html"

    def post(self, request, *args, **kwargs):
        contact = self.get_object()
        field = request.POST.get("field", "mobile")
        try:
            value = contact_reveal(contact=contact, field=field, actor=request.user)
        except ValidationError as exc:
            return HttpResponse("；".join(exc.messages), status=400)
        if request.headers.get("HX-Request"):
            return HttpResponse(
                format_html(
                    '<span class="font-monospace" data-revealed="{}">{}</span>', field, value
                )
            )
        return render(
            request,
            self.template_name,
            self.base_context(object=contact, field_label=REVEALABLE[field], value=value),
        )


class ListPaginator(Paginator):
    """Django's paginator with a count that stays cheap on a huge list: exact by a COUNT that
    stops after ``exact_up_to`` rows (20 pages of 50: what a user pages through); beyond that, the
    exact COUNT is kept per query (the user's scope and filters are in its SQL) for
    ``cache_seconds`` in this process, so paging through a county's 125,000 cases counts them once,
    not on every page (issue 18: that COUNT more than doubled /cases/ at 1,000,000 cases). A total
    shown may then lag new records by up to ``cache_seconds``."""

    exact_up_to = 1_000
    cache_seconds = 300

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is None:
            return super().count
        bounded = self.object_list.order_by()[: self.exact_up_to + 1].count()
        if bounded <= self.exact_up_to:
            return bounded
        sql, params = query.sql_with_params()
        digest = hashlib.sha256(f"{self.object_list.db}{sql}{params!r}".encode()).hexdigest()
        key = f"list-count:{digest}"
        total = cache.get(key)
        if total is None:
            total = self.object_list.count()
            cache.set(key, total, self.cache_seconds)
        return total


class ObjectListView(BaseObjectView):
    filterset = None
    table = None
    template_name = "core/object_list.html"
    paginate_by = 50
    add_url_name: str | None = None
    export_url_name: str | None = None
    # [(url name, label)]: buttons that post the ticked rows to an ObjectBulkView.
    bulk_actions: list[tuple[str, str]] = []

    def filtered(self, action=None):
        qs = self.get_queryset(action)
        if self.filterset is None:
            return qs, None
        fs = self.filterset(self.request.GET, queryset=qs, request=self.request)
        return fs.qs, fs

    def get(self, request, *args, **kwargs):
        qs, fs = self.filtered()
        invalid = fs.invalid_fields() if fs is not None else ""
        if invalid:
            messages.warning(request, f"筛选条件“{invalid}”无效，已忽略。")
        try:
            per_page = max(1, min(int(request.GET.get("per_page", self.paginate_by)), 500))
        except ValueError:
            per_page = self.paginate_by
        page = ListPaginator(qs, per_page).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = self.base_context(
            filter=fs,
            page=page,
            querystring=query.urlencode(),
            table=(table := self.table(page.object_list)),
            add_url_name=self.add_url_name,
            export_url_name=self.export_url_name,
            bulk_actions=[(name, label) for name, label in self.bulk_actions]
            if self.allowed("change")
            else [],
        )
        table.links = self.allowed(self.table.link_action)
        context.update(self.extra_context())
        table.checkboxes = bool(context.get("bulk_actions"))
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "object-table":
            return render(request, "core/includes/object_table.html", context)
        return render(request, self.template_name, context)

    def extra_context(self):
        return {}


def list_url(model) -> str:
    """The list page of ``model`` (``<app>:<model>_list``, the URL naming every app follows)."""

    return reverse(f"{model._meta.app_label}:{model._meta.model_name}_list")


class ObjectExportView(ObjectListView):
    """The current filtered list as .xlsx: same filterset, same scope, masked columns stay masked."""

    action = "export"

    def get(self, request, *args, **kwargs):
        qs, fs = self.filtered("export")
        invalid = fs.invalid_fields() if fs is not None else ""
        if invalid:  # an ignored condition would export more than the list asked for
            messages.error(request, f"筛选条件“{invalid}”无效，未导出：请回到列表重新筛选。")
            return redirect(request.META.get("HTTP_REFERER") or list_url(self.model))
        table = self.table([])
        rows = list(table.export_rows(qs.iterator(chunk_size=2000)))
        content = xlsx_bytes(
            sheet=str(self.model._meta.verbose_name), headers=table.export_headers(), rows=rows
        )
        audit_write(
            action=AuditAction.EXPORT,
            object_type=self.model._meta.label_lower,
            object_repr=str(self.model._meta.verbose_name),
            detail=f"导出 {len(rows)} 行；条件：{request.GET.urlencode() or '无'}",
        )
        filename = f"{self.model._meta.verbose_name}-{timezone.localdate():%Y%m%d}.xlsx"
        return download(content, filename)


class ObjectDetailView(BaseObjectView):
    template_name = None

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        context = self.base_context(object=obj)
        context.update(self.extra_context(obj))
        return render(request, self.template_name, context)

    def extra_context(self, obj):
        return {}


class ObjectEditView(BaseObjectView):
    """Create (no pk) or edit (pk). ``save(form)`` may be overridden to call a service; either
    way it runs in one transaction, and the saved object must still be in the user's scope."""

    form = None
    template_name = "core/object_edit.html"
    action = "change"

    def dispatch(self, request, *args, **kwargs):
        self.action = "change" if "pk" in kwargs else "add"
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, instance):
        data = self.request.POST if self.request.method == "POST" else None
        return self.form(
            data, self.request.FILES or None, instance=instance, user=self.request.user
        )

    def save(self, form):
        return form.save()

    def get(self, request, *args, **kwargs):
        instance = self.get_object() if "pk" in kwargs else None
        return self.render_form(self.get_form(instance), instance)

    def render_form(self, form, instance):
        return render(
            request=self.request,
            template_name=self.template_name,
            context=self.base_context(form=form, object=instance),
        )

    def post(self, request, *args, **kwargs):
        instance = self.get_object() if "pk" in kwargs else None
        form = self.get_form(instance)
        if form.is_valid():
            try:
                with transaction.atomic():
                    obj = self.save(form)
                    if not self.get_queryset("view").filter(pk=obj.pk).exists():
                        raise ValidationError("保存后的记录将不在您的数据范围内，未保存。")
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已保存{self.model._meta.verbose_name}“{obj}”。")
                return redirect(obj.get_absolute_url())
        return self.render_form(form, instance)


class ObjectDeleteView(BaseObjectView):
    template_name = "core/object_delete.html"
    action = "delete"
    success_url_name: str = ""

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.base_context(object=self.get_object()))

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError:
            messages.error(request, f"“{obj}”仍有关联记录，不能删除。")
            return redirect(obj.get_absolute_url())
        messages.success(request, f"已删除{self.model._meta.verbose_name}“{obj}”。")
        return redirect(self.success_url_name)


class ObjectBulkView(BaseObjectView):
    """A bulk action on rows picked in a list (``pk`` values) or on the whole filtered list
    (``_all`` with the list's query string in ``_query``). The first POST (from the list) shows
    ``form``; the second (``_apply``) validates it and calls ``apply(objects, form)`` in one
    transaction. The selection is always re-read through the FilterSet and ``restrict()``."""

    action = "change"
    form = None
    filterset = None
    template_name = "core/object_bulk.html"
    title = ""

    def selection(self):
        from django.http import QueryDict

        qs = self.get_queryset()
        self.selection_error = ""
        if self.request.POST.get("_all"):
            query = QueryDict(self.request.POST.get("_query", ""))
            if self.filterset is not None:
                fs = self.filterset(query, queryset=qs, request=self.request)
                invalid = fs.invalid_fields()
                if invalid:  # an ignored condition would widen the action to all rows
                    self.selection_error = (
                        f"筛选条件“{invalid}”无效，未处理任何记录：请回到列表重新筛选后再操作。"
                    )
                    return qs.none()
                qs = fs.qs
            return qs
        pks = [pk for pk in self.request.POST.getlist("pk") if pk.isdigit()]
        return qs.filter(pk__in=pks)

    def apply(self, objects, form):
        """Do the work; the result goes to ``success_message``."""
        raise NotImplementedError

    def success_message(self, result) -> str:
        return f"{self.title}：已处理 {result} 条{self.model._meta.verbose_name}。"

    def post(self, request, *args, **kwargs):
        objects = self.selection()
        count = objects.count()
        if count == 0:
            messages.warning(request, self.selection_error or "请先勾选要处理的记录。")
            return redirect(request.META.get("HTTP_REFERER") or "/")
        form = self.form(request.POST if "_apply" in request.POST else None, user=request.user)
        if "_apply" in request.POST and form.is_valid():
            try:
                with transaction.atomic():
                    done = self.apply(objects, form)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, self.success_message(done))
                return redirect(self.success_url())
        return render(
            request,
            self.template_name,
            self.base_context(
                form=form,
                count=count,
                title=self.title,
                selected=request.POST.getlist("pk"),
                select_all=request.POST.get("_all", ""),
                query=request.POST.get("_query", ""),
                sample=objects[:10],
            ),
        )

    def success_url(self):
        return list_url(self.model)


class FileDownloadView(BaseObjectView):
    """GET: one stored file (a ``core.models.StoredFile`` model) as a download. Scope is its
    owner's (``restrict``); out of scope is a 404 audited as denied, a removed file a plain 404.
    ``core.files`` writes the audit row and the headers."""

    def get_object(self, action=None):
        return file_get(
            self.queryset,
            user=self.request.user,
            pk=self.kwargs["pk"],
            action=action or self.action,
        )

    def get(self, request, pk):
        obj = self.get_object()
        return file_response(obj, file_download(obj=obj, actor=request.user))


def _field_text(obj, name: str) -> str:
    value = getattr(obj, name)
    if isinstance(value, bool):
        return "是" if value else "否"
    display = getattr(obj, f"get_{name}_display", None)
    return (display() if display else value) or "—"


class VocabularyDetailView(ObjectDetailView):
    """The page of one entry of a managed list: name, code, place, the list's own
    ``detail_fields``, 启用, and the edit button (``edit_url_name``)."""

    template_name = "core/object_detail.html"
    edit_url_name = ""

    def extra_context(self, obj):
        names = ["name", "code", obj.sort_field, *obj.detail_fields, "is_active"]
        return {
            "fields": [(obj._meta.get_field(n).verbose_name, _field_text(obj, n)) for n in names],
            "edit_url": reverse(self.edit_url_name, args=[obj.pk]),
        }
