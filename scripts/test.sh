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
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || missing="$missing fonts-wqy-microhei"
if [ -n "$missing" ]; then
  echo "==> 安装测试所需的系统软件包：$missing"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
export SHANGWU_TESTING=1
.venv/bin/ruff check shangwu conftest.py tests bench
exec .venv/bin/python -m pytest -n 2 -q "$@"
