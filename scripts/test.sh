#!/usr/bin/env bash
# Quick start 2: set everything up and run the whole test suite (SQLite unless DATABASE_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Browser tests drive Debian's Chromium (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
  echo "==> 安装 Chromium（浏览器测试用）"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
export SHANGWU_TESTING=1
.venv/bin/ruff check shangwu conftest.py
exec .venv/bin/python -m pytest -n 2 -q "$@"
