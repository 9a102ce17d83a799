"""统一社会信用代码 (GB 32100-2015)."""

import re
import unicodedata

from django.core.exceptions import ValidationError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
VALUE = {c: i for i, c in enumerate(ALPHABET)}


def credit_code_check_char(first17: str) -> str:
    total = sum(VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    """Trimmed, upper case, and full-width letters and digits (copied from a Word or WPS document
    in a Chinese input mode) made half-width."""
    text = (value or "").strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
    return text.upper()


def credit_code_error(value: str) -> str | None:
    """The reason ``value`` is not a valid code, in Chinese, or None when it is valid."""
    code = normalize_credit_code(value)
    if not code:
        return "统一社会信用代码不能为空。"
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位。"
    for position, char in enumerate(code, start=1):
        if char not in VALUE:
            hint = "（不使用I、O、S、V、Z）" if char in "IOSVZ" else ""
            return f"统一社会信用代码第{position}位“{char}”不是合法字符{hint}。"
    if not code[2:8].isdigit():
        return "统一社会信用代码第3—8位应为登记管理机关行政区划码（6位数字）。"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{code[17]}”。"
    return None


def validate_credit_code(value: str) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(error, code="invalid_credit_code")


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def validate_single_line(value: str) -> None:
    """Names and addresses are one line of text: no line break, tab or other control character."""
    if value and CONTROL_CHARACTERS.search(value):
        raise ValidationError("不能包含换行符或其他控制字符。", code="control_characters")
