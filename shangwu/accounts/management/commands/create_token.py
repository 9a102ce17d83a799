from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shangwu.accounts.models import User
from shangwu.accounts.services import api_token_create


class Command(BaseCommand):
    help = "为用户签发API令牌，打印令牌和有效期（北京时间）。令牌只显示这一次；已有的令牌仍然有效。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument(
            "--name", default="命令行签发", help="令牌的名称/用途（默认：命令行签发）"
        )

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户名“{username}”不存在。")
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用，不能签发令牌。")
        try:
            token, key = api_token_create(user=user, name=name, actor=None)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"令牌：{key}")
        self.stdout.write(
            f"有效期至：{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}（北京时间）"
        )
        self.stdout.write("请立即保存令牌：平台只保存它的摘要，无法再次查看。")
