"""Password rules of the 等保 三级 policy; the numbers come from the 安全管理员's policy."""

import string

from django.core.exceptions import ValidationError


def _policy():
    from shangwu.accounts.models import SecurityPolicy

    return SecurityPolicy.current()


class PolicyLengthValidator:
    def validate(self, password, user=None):
        minimum = _policy().password_min_length
        if len(password) < minimum:
            raise ValidationError(f"密码至少需要{minimum}个字符。", code="password_too_short")

    def get_help_text(self):
        return f"密码至少需要{_policy().password_min_length}个字符。"


def character_classes(password: str) -> int:
    classes = [
        any(c in string.ascii_uppercase for c in password),
        any(c in string.ascii_lowercase for c in password),
        any(c in string.digits for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


class CharacterClassValidator:
    def validate(self, password, user=None):
        minimum = _policy().password_min_classes
        if character_classes(password) < minimum:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少{minimum}类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"须包含大写字母、小写字母、数字、符号中的至少{_policy().password_min_classes}类。"
