#!/usr/bin/env bash
# Shared set-up for the two Quick start commands: virtual environment, Python and npm packages,
# front-end files. Idempotent: a second run reuses what exists (stamps hold the input hashes).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  echo "==> 创建虚拟环境 .venv"
  "$PYTHON" -m venv .venv
fi
want="$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ "$(cat .venv/.shangwu-installed 2>/dev/null)" != "$want" ]; then
  echo "==> 安装 Python 依赖"
  mkdir -p var
  if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".[test]"; } \
      > var/pip-install.log 2>&1; then
    cat var/pip-install.log; echo "Python 依赖安装失败（见上）。" >&2; exit 1
  fi
  echo "$want" > .venv/.shangwu-installed
fi
want_npm="$(cat package.json package-lock.json | sha256sum | cut -c1-16)"
if [ "$(cat node_modules/.shangwu-installed 2>/dev/null)" != "$want_npm" ]; then
  echo "==> 安装前端依赖（npm ci）"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want_npm" > node_modules/.shangwu-installed
fi
mkdir -p var
DEBUG=1 .venv/bin/shangwu collect_vendor --skip-checks -v0
