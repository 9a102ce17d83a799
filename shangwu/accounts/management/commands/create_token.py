from django.core.management.base import BaseCommand, CommandError

from shangwu.accounts.models import User
from shangwu.accounts.services import token_create


class Command(BaseCommand):
    help = "为用户签发API令牌并打印（旧令牌作废）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户名“{username}”不存在。")
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用，不能签发令牌。")
        self.stdout.write(token_create(user=user))
