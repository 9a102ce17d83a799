"""Demo personas: one user per role, with the usernames the tests and the README use. They are
created directly (``user_bootstrap``), as fixtures, outside the approval flow the UI follows."""

import datetime
import random

from django.conf import settings

from shangwu.accounts.choices import Role
from shangwu.accounts.models import User
from shangwu.accounts.services import user_bootstrap

COUNTY_A = "419902"  # 河东区
COUNTY_B = "419921"  # 云水县
TOWNSHIP_A1 = "419902001"  # 河东区东湖街道
OWNER_ENTERPRISE = "中原惠民百货有限公司"  # the 企业用户 persona's enterprise, in 河东区


def owner_enterprise():
    """The enterprise the ``enterprise`` persona is bound to (its owner scope): made once,
    through the service, in 河东区 (no township), taken into the registry when it was built
    (its visits and 包保 in the demo come after that)."""
    from django.utils import timezone

    from shangwu.enterprises.demo import make_credit_code
    from shangwu.enterprises.models import Enterprise
    from shangwu.enterprises.services import enterprise_create
    from shangwu.organization.models import Region

    existing = Enterprise.objects.filter(name=OWNER_ENTERPRISE).first()
    if existing is not None:
        return existing
    return enterprise_create(
        actor=None,
        credit_code=make_credit_code(random.Random(1701), COUNTY_A),
        name=OWNER_ENTERPRISE,
        county=Region.objects.get(code=COUNTY_A),
        established_on=datetime.date(2012, 5, 18),
        now=timezone.make_aware(datetime.datetime(2023, 1, 3, 8, 30)),
    )


def personas(units) -> list[tuple]:
    d = units["departments"]
    return [
        ("leader", "张建国", Role.LEADER, units["bureau"], "局长"),
        ("deputy", "李文华", Role.LEADER, units["bureau"], "副局长"),
        ("city_staff", "王晓燕", Role.CITY_STAFF, d["外贸科"], "科员"),
        ("office_staff", "赵敏", Role.CITY_STAFF, d["办公室"], "主任"),
        ("invest_staff", "陈立军", Role.CITY_STAFF, d["投资促进科"], "科长"),
        ("county_a", "刘洋", Role.COUNTY_STAFF, units["counties"][COUNTY_A], "股长"),
        ("county_b", "孙丽", Role.COUNTY_STAFF, units["counties"][COUNTY_B], "股长"),
        ("township_a1", "周强", Role.TOWNSHIP_STAFF, units["townships"][TOWNSHIP_A1], "经济办主任"),
        ("enterprise", "吴海", Role.ENTERPRISE, d["政务服务窗口"], "企业联络员"),
        ("sysadmin", "郑一鸣", Role.SYSADMIN, d["信息中心"], "系统管理员"),
        ("secadmin", "冯静", Role.SECADMIN, d["信息中心"], "安全管理员"),
        ("auditor", "何平", Role.AUDITOR, d["办公室"], "审计管理员"),
    ]


def build_users(units, password: str | None = None) -> dict[str, User]:
    password = password or settings.DEMO_PASSWORD
    users = {}
    for i, (username, name, role, unit, position) in enumerate(personas(units), start=1):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_bootstrap(
                username=username,
                name=name,
                role=role,
                org_unit=unit,
                position=position,
                mobile=f"139{i:04d}{8000 + i:04d}",
                password=password,
                must_change_password=False,
                enterprise=owner_enterprise() if role == Role.ENTERPRISE else None,
            )
        users[username] = user
    return users
