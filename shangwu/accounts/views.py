from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from shangwu.accounts import filtersets, forms, services, tables
from shangwu.accounts.models import SecurityPolicy, User
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
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field, errors)
            else:
                from django.contrib.auth import update_session_auth_hash

                update_session_auth_hash(request, request.user)
                messages.success(request, "密码已修改。")
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
