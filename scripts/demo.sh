#!/usr/bin/env bash
# Quick start 1: set everything up, build the demo city and serve it on http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh   # production install: no test extras
if [ ! -s var/secret_key ]; then
  .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
  chmod 600 var/secret_key
fi
export DEBUG=0 SECURE_COOKIES=0 ALLOWED_HOSTS=127.0.0.1,localhost
.venv/bin/shangwu migrate --noinput -v0
.venv/bin/shangwu collectstatic --noinput -v0
.venv/bin/shangwu demo_data
echo "==> 商务局工作平台已启动：http://127.0.0.1:8000 （Ctrl+C 停止）"
# granian, 4 worker processes of one thread each: the least server CPU per request of gunicorn sync,
# gunicorn gthread and granian on the same load (bench/http_load.py --servers, bench/README.md).
exec .venv/bin/granian --interface wsgi --host 127.0.0.1 --port 8000 --workers 4 \
  --blocking-threads 1 --no-ws --access-log shangwu.wsgi:application
