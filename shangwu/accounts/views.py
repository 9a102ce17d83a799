from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Case, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from shangwu.accounts import filtersets, forms, selectors, services, tables
from shangwu.accounts.choices import ChangeStatus
from shangwu.accounts.models import ApiToken, ChangeRequest, SecurityPolicy, User
from shangwu.core import views as generic


class LoginView(View):
    template_name = "accounts/login.html"

    def get(self, request):
        if request.user.is_authenticated:
            return redirect("core:dashboard")
        return render(request, self.template_name, {"form": forms.LoginForm(request=request)})

    def post(self, request):
        form = forms.LoginForm(request.POST, request=request)
        if form.is_valid():
            target = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(
                target, {request.get_host()}, request.is_secure()
            ):
                target = reverse("core:dashboard")
            return redirect(target or "core:dashboard")
        return render(request, self.template_name, {"form": form})


class LogoutView(View):
    def post(self, request):
        services.user_logout(request=request)
        messages.info(request, "您已安全退出。")
        return redirect("accounts:login")


class PasswordChangeView(LoginRequiredMixin, View):
    template_name = "accounts/password_change.html"

    def get(self, request):
        return render(request, self.template_name, {"form": forms.PasswordChangeForm()})

    def post(self, request):
        form = forms.PasswordChangeForm(request.POST)
        if form.is_valid():
            try:
                services.user_change_own_password(
                    user=request.user,
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password1"],
                )
            except services.AccountLocked as exc:
                services.user_logout(request=request, reason=str(exc))
                messages.error(request, str(exc))
                return redirect("accounts:login")
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field, errors)
            else:
                from django.contrib.auth import update_session_auth_hash

                update_session_auth_hash(request, request.user)
                messages.success(request, "密码已修改。您的API令牌已全部作废，如需使用请重新签发。")
                return redirect("core:dashboard")
        return render(request, self.template_name, {"form": form})


class UserListView(generic.ObjectListView):
    queryset = User.objects.select_related("org_unit")
    filterset = filtersets.UserFilterSet
    table = tables.UserTable
    add_url_name = "accounts:user_add"


class UserDetailView(generic.ObjectDetailView):
    queryset = User.objects.select_related("org_unit__region")
    template_name = "accounts/user_detail.html"

    def extra_context(self, obj):
        from shangwu.audit.services import mask_value
        from shangwu.core.access import can

        return {
            "fields": [
                ("用户名", obj.username),
                ("姓名", obj.name),
                ("角色", obj.get_role_display()),
                ("所属单位", obj.org_unit),
                ("数据范围", obj.region.full_name if obj.region else "—"),
                ("职务", obj.position),
                ("手机号", mask_value(obj.mobile) if obj.mobile else ""),
                ("启用", "是" if obj.is_active else "否"),
                ("最近登录", obj.last_login),
                ("密码修改时间", obj.password_changed_at),
                ("锁定至", obj.locked_until if obj.is_locked() else "未锁定"),
            ],
            "edit_url": reverse("accounts:user_edit", args=[obj.pk]),
            "can_unlock": obj.is_locked() and can(self.request.user, User.access, "unlock"),
            "can_reset": can(self.request.user, User.access, "change")
            and obj.pk != self.request.user.pk,
            "change_requests": ChangeRequest.objects.restrict(self.request.user, "view")
            .filter(target_user=obj)
            .select_related("requester", "decided_by")[:10],
        }


class UserEditView(generic.ObjectEditView):
    """New account: a request for the 安全管理员. Edit: name, position and mobile save at once;
    role, unit and active flag become a request (``services.user_update``)."""

    queryset = User.objects.all()

    def get_form(self, instance):
        form_class = forms.UserChangeForm if instance is not None else forms.UserCreateForm
        data = self.request.POST if self.request.method == "POST" else None
        return form_class(data, instance=instance, user=self.request.user)

    def post(self, request, *args, **kwargs):
        instance = self.get_object() if "pk" in kwargs else None
        form = self.get_form(instance)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "note"}
            note = form.cleaned_data.get("note", "")
            try:
                if instance is None:
                    change = services.change_request_user_create(
                        actor=request.user, data=data, note=note
                    )
                    messages.success(
                        request,
                        f"已提交新建账号申请 #{change.pk}，安全管理员批准后账号生效，"
                        "届时可在本页取得初始密码（仅显示一次）。",
                    )
                    return redirect(change.get_absolute_url())
                user, change = services.user_update(
                    user=instance, data=data, actor=request.user, note=note
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if change is not None:
                    messages.info(
                        request,
                        format_html(
                            '{}的修改须经安全管理员审批后生效，已提交申请 <a href="{}">#{}</a>。',
                            "、".join(c["label"] for c in change.changes),
                            change.get_absolute_url(),
                            change.pk,
                        ),
                    )
                messages.success(request, f"已保存用户“{user}”。")
                return redirect(user.get_absolute_url())
        return self.render_form(form, instance)


def add_errors(form, exc: ValidationError) -> None:
    """A service's refusal onto the form: per field where it names one the form shows."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class UserPasswordResetView(generic.BaseObjectView):
    """POST: ask the 安全管理员 to approve a new initial password for this account."""

    queryset = User.objects.all()
    action = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        user = self.get_object()
        try:
            change = services.change_request_password_reset(
                user=user, actor=request.user, note=request.POST.get("note", "")
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(user.get_absolute_url())
        messages.success(
            request,
            f"已提交重置密码申请 #{change.pk}，安全管理员批准后可在本页取得新的初始密码（仅显示一次）。",
        )
        return redirect(change.get_absolute_url())


class UserUnlockView(generic.BaseObjectView):
    queryset = User.objects.all()
    action = "unlock"

    def post(self, request, pk):
        user = self.get_object()
        services.user_unlock(user=user, actor=request.user)
        messages.success(request, f"已解锁用户“{user}”。")
        return redirect(user.get_absolute_url())


class SecurityPolicyView(generic.BaseObjectView):
    queryset = SecurityPolicy.objects.all()
    template_name = "accounts/policy.html"

    def get(self, request):
        return render(
            request,
            self.template_name,
            self.base_context(
                form=forms.SecurityPolicyForm(instance=SecurityPolicy.current(), user=request.user)
            ),
        )

    def post(self, request):
        self.check_access("change")
        form = forms.SecurityPolicyForm(
            request.POST, instance=SecurityPolicy.current(), user=request.user
        )
        if form.is_valid():
            form.save()
            messages.success(request, "安全策略已更新。")
            return redirect("accounts:policy")
        return render(request, self.template_name, self.base_context(form=form))


class MyApiTokenView(LoginRequiredMixin, View):
    """我的API令牌: the user's own tokens, a form to issue one (its key is shown on the answer
    page once and never again) and a link to revoke each."""

    template_name = "accounts/my_tokens.html"

    def render_page(self, form, **extra):
        tokens = selectors.api_token_list_for(user=self.request.user).filter(
            user_id=self.request.user.pk
        )
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "tokens": tokens,
                "policy": SecurityPolicy.current(),
                **extra,
            },
        )

    def get(self, request):
        return self.render_page(forms.ApiTokenForm())

    def post(self, request):
        form = forms.ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                token, key = services.api_token_create(
                    user=request.user, name=form.cleaned_data["name"], actor=request.user
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field, errors)
                else:
                    form.add_error(None, exc)
            else:
                return self.render_page(forms.ApiTokenForm(), new_token=token, new_key=key)
        return self.render_page(form)


class ApiTokenListView(generic.ObjectListView):
    """Every API token, for the 安全管理员 (restrict: Access.SECURITY)."""

    queryset = ApiToken.objects.select_related("user")
    filterset = filtersets.ApiTokenFilterSet
    table = tables.ApiTokenTable


class ApiTokenRevokeView(LoginRequiredMixin, View):
    """Revoke one token: its owner, or the 安全管理员 (``api_token_list_for``); anyone else
    gets 404 like any object outside their scope, and the attempt is audited."""

    template_name = "accounts/apitoken_revoke.html"

    def get_object(self, pk):
        token = (
            selectors.api_token_list_for(user=self.request.user, action="change")
            .filter(pk=pk)
            .first()
        )
        if token is None:
            if ApiToken.objects.filter(pk=pk).exists():
                from shangwu.audit.services import audit_denied

                audit_denied(model=ApiToken, object_id=pk)
            raise Http404("对象不存在或不在您的数据范围内。")
        return token

    def back_url(self, token):
        if token.user_id == self.request.user.pk:
            return reverse("accounts:my_tokens")
        return reverse("accounts:apitoken_list")

    def get(self, request, pk):
        token = self.get_object(pk)
        return render(
            request, self.template_name, {"object": token, "back_url": self.back_url(token)}
        )

    def post(self, request, pk):
        token = self.get_object(pk)
        own = token.user_id == request.user.pk
        if services.api_token_revoke(
            token=token, actor=request.user, reason="本人撤销" if own else "安全管理员撤销"
        ):
            messages.success(request, f"已撤销API令牌“{token}”，它不能再使用。")
        else:
            messages.info(request, f"API令牌“{token}”此前已撤销。")
        return redirect(self.back_url(token))


class ChangeRequestListView(generic.ObjectListView):
    """The approval queue: the 安全管理员 sees every request, pending first; the 系统管理员 sees
    the ones they made and what became of them."""

    queryset = ChangeRequest.objects.select_related("requester", "decided_by").order_by(
        Case(When(status=ChangeStatus.PENDING, then=0), default=1),
        "-requested_at",
        "-id",
    )
    filterset = filtersets.ChangeRequestFilterSet
    table = tables.ChangeRequestTable


class ChangeRequestDetailView(generic.ObjectDetailView):
    queryset = ChangeRequest.objects.select_related("requester", "decided_by", "target_user")
    template_name = "accounts/changerequest_detail.html"

    def extra_context(self, obj, **extra):
        from shangwu.core.access import can

        user = self.request.user
        return {
            "fields": [
                ("申请类型", obj.get_kind_display()),
                ("对象", obj.target_repr),
                ("状态", obj.get_status_display()),
                ("申请人", f"{obj.requester.name}（{obj.requester.username}）"),
                ("申请时间", obj.requested_at),
                ("申请说明", obj.note),
                (
                    "审批人",
                    obj.decided_by and f"{obj.decided_by.name}（{obj.decided_by.username}）",
                ),
                ("审批时间", obj.decided_at),
                ("审批意见" if obj.status != ChangeStatus.REJECTED else "拒绝理由", obj.reason),
            ],
            "can_decide": obj.is_pending
            and can(user, ChangeRequest.access, "approve")
            and obj.requester_id != user.pk
            and obj.target_user_id != user.pk,
            "can_reveal": obj.status == ChangeStatus.APPROVED
            and obj.gives_password
            and obj.requester_id == user.pk
            and obj.password_shown_at is None,
            "approve_form": extra.get("approve_form") or forms.ChangeRequestApproveForm(),
            "reject_form": extra.get("reject_form") or forms.ChangeRequestRejectForm(),
            "password": extra.get("password"),
        }

    def render_detail(self, obj, status=200, **extra):
        context = self.base_context(object=obj)
        context.update(self.extra_context(obj, **extra))
        return render(self.request, self.template_name, context, status=status)


class ChangeRequestDecideView(ChangeRequestDetailView):
    """POST approve / reject: the 安全管理员's decision, through the service."""

    action = "approve"
    http_method_names = ["post"]
    decision = ""  # "approve" or "reject"

    def post(self, request, pk):
        change = self.get_object()
        form_class = (
            forms.ChangeRequestApproveForm
            if self.decision == "approve"
            else forms.ChangeRequestRejectForm
        )
        form = form_class(request.POST)
        if form.is_valid():
            try:
                if self.decision == "approve":
                    services.change_request_approve(
                        change=change, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, f"已批准申请 #{change.pk}，变更已生效。")
                else:
                    services.change_request_reject(
                        change=change, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, f"已拒绝申请 #{change.pk}。")
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    add_errors(form, exc)
                else:  # a refusal of the decision itself: shown above the page, forms or not
                    messages.error(request, "；".join(exc.messages))
            else:
                return redirect(change.get_absolute_url())
        change.refresh_from_db()
        return self.render_detail(change, status=400, **{f"{self.decision}_form": form})


class ChangeRequestPasswordView(ChangeRequestDetailView):
    """POST: the approved request's initial password, generated and shown to its requester once.
    The answer is not cached; reloading shows that it has been shown."""

    http_method_names = ["post"]

    def post(self, request, pk):
        change = self.get_object()
        try:
            password = services.change_request_password_reveal(change=change, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(change.get_absolute_url())
        response = self.render_detail(change, password=password)
        response["Cache-Control"] = "no-store"
        return response
