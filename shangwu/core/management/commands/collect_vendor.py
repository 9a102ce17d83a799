"""Copy the front-end files the pages use from node_modules (installed by npm at set-up) into the
static folder. Only these files are served; nothing comes from a CDN."""

import shutil

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

VENDOR_FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/css/bootstrap.min.css",
    "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/css/bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/js/bootstrap.bundle.min.js",
    "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/js/bootstrap.bundle.min.js.map",
    "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
    "bootstrap-icons/font/fonts/bootstrap-icons.woff": "bootstrap-icons/fonts/bootstrap-icons.woff",
    "bootstrap-icons/font/fonts/bootstrap-icons.woff2": "bootstrap-icons/fonts/bootstrap-icons.woff2",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
}


class Command(BaseCommand):
    help = "从 node_modules 复制前端文件（Bootstrap、htmx、ECharts 等）到静态文件目录。"

    def handle(self, *args, **options):
        target = settings.VENDOR_STATIC_DIR
        missing = [src for src in VENDOR_FILES if not (settings.NODE_MODULES / src).exists()]
        if missing:
            raise CommandError(f"缺少前端文件 {', '.join(missing)}：请先在项目目录运行 npm ci。")
        for src, dst in VENDOR_FILES.items():
            path = target / dst
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(settings.NODE_MODULES / src, path)
        self.stdout.write(f"已复制 {len(VENDOR_FILES)} 个前端文件到 {target}")
