from django import forms
from django.core.exceptions import ValidationError

from shangwu.accounts import services
from shangwu.accounts.models import SecurityPolicy, User
from shangwu.core.forms import BaseForm, BaseModelForm


class LoginForm(BaseForm):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.user_cache = services.user_login(
            request=self.request, username=data["username"], password=data["password"]
        )
        return data


class PasswordChangeForm(BaseForm):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput, strip=False)
    new_password1 = forms.CharField(label="新密码", widget=forms.PasswordInput, strip=False)
    new_password2 = forms.CharField(label="确认新密码", widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            raise ValidationError({"new_password2": "两次输入的新密码不一致。"})
        return data


class UserForm(BaseModelForm):
    password = forms.CharField(
        label="初始密码", widget=forms.PasswordInput, required=False, strip=False,
        help_text="新建用户必填；编辑时留空表示不修改。用户首次登录须修改密码。",
    )

    class Meta:
        model = User
        fields = ["username", "name", "role", "org_unit", "position", "mobile", "is_active"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not data.get("password"):
            self.add_error("password", "新建用户须设置初始密码。")
        return data

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password")
        if password:
            from django.contrib.auth import password_validation

            try:
                password_validation.validate_password(password, self.instance)
            except ValidationError as exc:
                self.add_error("password", exc)


class SecurityPolicyForm(BaseModelForm):
    class Meta:
        model = SecurityPolicy
        fields = [
            "password_min_length", "password_min_classes", "password_max_age_days",
            "lockout_threshold", "lockout_minutes", "session_idle_minutes", "session_absolute_hours",
            "api_token_days", "login_throttle_attempts", "login_throttle_minutes",
        ]


class ApiTokenForm(BaseForm):
    name = forms.CharField(
        label="名称/用途", max_length=100, help_text="例如：统计报表脚本、数据对接",
        error_messages={"required": "请填写令牌的名称或用途。", "max_length": "名称/用途最多100个字。"},
    )
