#!/usr/bin/env bash
# Quick start 2: set everything up and run the whole test suite (SQLite unless DATABASE_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# Browser tests drive Debian's Chromium (never a downloaded browser); the 公文 tests convert
# Word files to PDF with LibreOffice; a CJK font lets both render Chinese.
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-writer-nogui"
fc-list 2>/dev/null | grep -i "wenquanyi\|noto sans cjk" >/dev/null || missing="$missing fonts-wqy-microhei"
if [ -n "$missing" ]; then
  echo "==> 安装测试所需的系统软件包：$missing"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
export SHANGWU_TESTING=1
.venv/bin/ruff check shangwu conftest.py tests bench
# Formatting: the whole tree is held to ruff format (CI runs the same check).
if ! .venv/bin/ruff format --check shangwu conftest.py tests bench; then
  echo "代码格式不符合 ruff format（见上）：运行 .venv/bin/ruff format <文件> 后再提交。" >&2
  echo "Files above are not formatted: run .venv/bin/ruff format <file> and commit." >&2
  exit 1
fi
# Every model change has its migration (CI fails on a missing one, as here).
if ! .venv/bin/shangwu makemigrations --check --dry-run; then
  echo "模型有改动但缺少迁移：运行 .venv/bin/shangwu makemigrations <app> --name <名称> 后再提交。" >&2
  echo "Models changed without a migration: run .venv/bin/shangwu makemigrations <app> --name <name> and commit it." >&2
  exit 1
fi
exec .venv/bin/python -m pytest -n 2 -q "$@"
