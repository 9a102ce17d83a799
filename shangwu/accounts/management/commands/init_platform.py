"""First start of a production install: the city, the bureau and the three administrator accounts
(三权分立). Each gets a random initial password, printed once, to be changed at first login.

The accounts are created directly (``user_bootstrap``), not through change requests: there is no
安全管理员 yet to approve them, and this runs on the server, not in anyone's browser. Every later
account goes through the approval flow."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shangwu.accounts.choices import Role
from shangwu.accounts.models import User
from shangwu.accounts.services import password_generate, user_bootstrap
from shangwu.core.context import acting
from shangwu.organization.choices import OrgUnitKind, RegionLevel
from shangwu.organization.models import OrgUnit, Region

ADMINS = [
    ("sysadmin", "系统管理员", Role.SYSADMIN),
    ("secadmin", "安全管理员", Role.SECADMIN),
    ("auditor", "审计管理员", Role.AUDITOR),
]


class Command(BaseCommand):
    help = "初始化平台：建立市级区划、市商务局和三个管理员账号（首次登录须修改密码）。"

    def add_arguments(self, parser):
        parser.add_argument("--city-code", required=True, help="市级行政区划代码（6位）")
        parser.add_argument("--city-name", required=True, help="市名称，如 云河市")

    def handle(self, *args, city_code, city_name, **options):
        if not (len(city_code) == 6 and city_code.isdigit()):
            raise CommandError(f"--city-code 应为6位数字，实际为“{city_code}”。")
        if User.objects.filter(role__in=[r for _u, _n, r in ADMINS]).exists():
            raise CommandError("平台已初始化：已存在管理员账号。")
        with acting(path="init_platform"), transaction.atomic():
            city, _ = Region.objects.get_or_create(
                code=city_code, defaults={"name": city_name, "level": RegionLevel.CITY}
            )
            bureau, _ = OrgUnit.objects.get_or_create(
                region=city,
                name=f"{city_name}商务局",
                defaults={"kind": OrgUnitKind.BUREAU, "short_name": "市商务局"},
            )
            it, _ = OrgUnit.objects.get_or_create(
                region=city,
                name="信息中心",
                defaults={"kind": OrgUnitKind.DEPARTMENT, "parent": bureau},
            )
            lines = []
            for username, name, role in ADMINS:
                password = password_generate()
                user_bootstrap(
                    username=username,
                    name=name,
                    role=role,
                    org_unit=it,
                    password=password,
                    must_change_password=True,
                )
                lines.append(f"  {username}（{name}）初始密码：{password}")
        self.stdout.write(
            f"已初始化 {city_name}（{city_code}）。请把初始密码当面交给各管理员，首次登录须修改："
        )
        self.stdout.write("\n".join(lines))
