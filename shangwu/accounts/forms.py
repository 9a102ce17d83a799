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


APPROVAL_HELP = "新建账号，以及修改角色、所属单位、启用状态，须经安全管理员审批后生效；初始密码由系统生成，批准后仅向申请人显示一次。"


class UserCreateForm(BaseModelForm):
    """A request for a new account: no password here (it is generated after approval)."""

    note = forms.CharField(
        label="申请说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=APPROVAL_HELP,
    )

    class Meta:
        model = User
        fields = ["username", "name", "role", "org_unit", "position", "mobile"]


class UserChangeForm(BaseModelForm):
    """Name, position and mobile save at once; role, unit and active flag become a request."""

    note = forms.CharField(
        label="申请说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=APPROVAL_HELP,
    )

    class Meta:
        model = User
        fields = ["name", "role", "org_unit", "position", "mobile", "is_active"]
        labels = {"is_active": "启用"}


class ChangeRequestRejectForm(BaseForm):
    reason = forms.CharField(
        label="拒绝理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "拒绝申请须填写理由。"},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "reject_%s")  # both decision forms sit on one page
        super().__init__(*args, **kwargs)


class ChangeRequestApproveForm(BaseForm):
    reason = forms.CharField(
        label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "approve_%s")
        super().__init__(*args, **kwargs)


class SecurityPolicyForm(BaseModelForm):
    class Meta:
        model = SecurityPolicy
        fields = [
            "password_min_length",
            "password_min_classes",
            "password_max_age_days",
            "lockout_threshold",
            "lockout_minutes",
            "session_idle_minutes",
            "session_absolute_hours",
            "api_token_days",
            "login_throttle_attempts",
            "login_throttle_minutes",
        ]


class ApiTokenForm(BaseForm):
    name = forms.CharField(
        label="名称/用途",
        max_length=100,
        help_text="例如：统计报表脚本、数据对接",
        error_messages={
            "required": "请填写令牌的名称或用途。",
            "max_length": "名称/用途最多100个字。",
        },
    )
