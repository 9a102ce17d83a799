"""统一社会信用代码 (GB 32100-2015)."""

import re
import unicodedata

from django.core.exceptions import ValidationError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
VALUE = {c: i for i, c in enumerate(ALPHABET)}


# GB 32100-2015 表1: 登记管理部门码 (position 1) and the 机构类别码 (position 2) each allows.
DEPARTMENTS = {
    "1": (
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "编办直接管理机构编制的群众团体", "9": "其他"},
    ),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": "其他",
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商（市场监管）", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}

# GB 11714-1997: the organisation code (positions 9–17) is 8 body characters and a check digit.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code_check_char(first17: str) -> str:
    total = sum(VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organization_code_check_char(body8: str) -> str:
    """GB 11714-1997: C9 = 11 − (Σ Ci·Wi mod 11), 10 → X, 11 → 0 (digits 0–9, letters A=10 … Z=35)."""
    total = sum(int(c, 36) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_code_from(prefix: str, region: str, body8: str) -> str:
    """A valid code from its parts: department and type (2), region (6), organisation body (8)."""
    first17 = prefix + region + body8 + organization_code_check_char(body8)
    return first17 + credit_code_check_char(first17)


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
    department = DEPARTMENTS.get(code[0])
    if department is None:
        return (
            f"统一社会信用代码第1位（登记管理部门码）“{code[0]}”不存在，"
            f"应为{'、'.join(DEPARTMENTS)}之一（企业为9）。"
        )
    name, kinds = department
    if code[1] not in kinds:
        allowed = "、".join(f"{k}（{v}）" for k, v in kinds.items())
        return (
            f"统一社会信用代码第2位（机构类别码）“{code[1]}”与第1位“{code[0]}”（{name}）不匹配，"
            f"应为{allowed}。"
        )
    if not code[2:8].isdigit():
        return "统一社会信用代码第3—8位应为登记管理机关行政区划码（6位数字）。"
    org_check = organization_code_check_char(code[8:16])
    if code[16] != org_check:
        return (
            f"统一社会信用代码第9—17位（组织机构代码）校验位错误：第17位应为“{org_check}”，"
            f"实际为“{code[16]}”。"
        )
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
