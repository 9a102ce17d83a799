from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from shangwu.accounts import filtersets, forms, selectors, services, tables
from shangwu.accounts.models import ApiToken, SecurityPolicy, User
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
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
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
                    user=request.user, old_password=form.cleaned_data["old_password"],
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
                ("用户名", obj.username), ("姓名", obj.name), ("角色", obj.get_role_display()),
                ("所属单位", obj.org_unit), ("数据范围", obj.region.full_name if obj.region else "—"),
                ("职务", obj.position), ("手机号", mask_value(obj.mobile) if obj.mobile else ""),
                ("启用", "是" if obj.is_active else "否"), ("最近登录", obj.last_login),
                ("密码修改时间", obj.password_changed_at),
                ("锁定至", obj.locked_until if obj.is_locked() else "未锁定"),
            ],
            "edit_url": reverse("accounts:user_edit", args=[obj.pk]),
            "can_unlock": obj.is_locked() and can(self.request.user, User.access, "unlock"),
        }


class UserEditView(generic.ObjectEditView):
    queryset = User.objects.all()
    form = forms.UserForm

    def save(self, form):
        user = form.save(commit=False)
        password = form.cleaned_data.get("password")
        user.save()
        if "is_active" in form.changed_data and not user.is_active:
            services.user_deactivated(user=user, actor=self.request.user)
        if password:
            services.user_set_password(user=user, password=password, actor=self.request.user, must_change=True)
        return user


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
        return render(request, self.template_name,
                      self.base_context(form=forms.SecurityPolicyForm(instance=SecurityPolicy.current(), user=request.user)))

    def post(self, request):
        self.check_access("change")
        form = forms.SecurityPolicyForm(request.POST, instance=SecurityPolicy.current(), user=request.user)
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
        tokens = selectors.api_token_list_for(user=self.request.user).filter(user_id=self.request.user.pk)
        return render(self.request, self.template_name, {
            "form": form, "tokens": tokens, "policy": SecurityPolicy.current(), **extra,
        })

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
        token = selectors.api_token_list_for(user=self.request.user, action="change").filter(pk=pk).first()
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
        return render(request, self.template_name, {"object": token, "back_url": self.back_url(token)})

    def post(self, request, pk):
        token = self.get_object(pk)
        own = token.user_id == request.user.pk
        if services.api_token_revoke(token=token, actor=request.user, reason="本人撤销" if own else "安全管理员撤销"):
            messages.success(request, f"已撤销API令牌“{token}”，它不能再使用。")
        else:
            messages.info(request, f"API令牌“{token}”此前已撤销。")
        return redirect(self.back_url(token))
