#!/usr/bin/env bash
# Shared set-up for the two Quick start commands and the deployment: virtual environment, Python
# and npm packages, front-end files. Idempotent: a second run reuses what exists (stamps hold the
# input hashes).
#   bash scripts/setup.sh          production install: the platform's packages only (demo, deployment)
#   bash scripts/setup.sh --test   the same plus the test extras (pytest, playwright, ruff, …)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
extras=""
case "${1:-}" in
  "") ;;
  --test) extras="test" ;;
  *) echo "用法：bash scripts/setup.sh [--test]（未知参数：$1）" >&2; exit 2 ;;
esac

if [ ! -x .venv/bin/python ]; then
  echo "==> 创建虚拟环境 .venv"
  "$PYTHON" -m venv .venv
fi
# The stamp reads "<hash>" after a production install and "<hash> test" after one with the test
# extras. A test install also satisfies a production run (test then demo uninstalls nothing); a
# production stamp does not satisfy a test run (demo then test installs the extras).
want="$(cat pyproject.toml | sha256sum | cut -c1-16)"
have="$(cat .venv/.shangwu-installed 2>/dev/null || true)"
if [ "$have" != "$want test" ] && { [ -n "$extras" ] || [ "$have" != "$want" ]; }; then
  spec="."
  if [ -n "$extras" ]; then
    spec=".[$extras]"; echo "==> 安装 Python 依赖（含测试依赖）"
  else
    echo "==> 安装 Python 依赖（生产，不含测试依赖）"
  fi
  mkdir -p var
  if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e "$spec"; } \
      > var/pip-install.log 2>&1; then
    cat var/pip-install.log; echo "Python 依赖安装失败（见上）。" >&2; exit 1
  fi
  echo "$want${extras:+ $extras}" > .venv/.shangwu-installed
fi
want_npm="$(cat package.json package-lock.json | sha256sum | cut -c1-16)"
if [ "$(cat node_modules/.shangwu-installed 2>/dev/null)" != "$want_npm" ]; then
  echo "==> 安装前端依赖（npm ci）"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want_npm" > node_modules/.shangwu-installed
fi
mkdir -p var
DEBUG=1 .venv/bin/shangwu collect_vendor --skip-checks -v0
