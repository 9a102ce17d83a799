"""The platform as a separate server process for the browser tests: one per test run, shared by
every pytest-xdist worker.

The first worker that needs it builds it under a file lock in a directory keyed by the run
(``SHANGWU_TEST_RUN``, set by the controlling pytest process before the workers start): a fresh
database (SQLite in that directory, or a PostgreSQL database named after the run when
DATABASE_URL points at PostgreSQL), migrated and filled by ``shangwu demo_data --size small``,
served by gunicorn in its own session so it outlives the worker that started it. The other
workers find its address in the directory and reuse it. The controlling process stops it and
drops its database when the run ends (``stop``, from the root conftest).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[2]
RUN = "SHANGWU_TEST_RUN"


def run_dir(run: str) -> Path:
    return Path(tempfile.gettempdir()) / f"shangwu-browser-{run}"


@contextmanager
def _locked(directory: Path):
    directory.mkdir(exist_ok=True)
    with open(directory / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres(run: str) -> tuple[str, str] | None:
    """(server URL, database name) when the suite runs on PostgreSQL."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        return None
    return base.rsplit("/", 1)[0] + "/postgres", f"shangwu_browser_{run}"


def _database_url(run: str, directory: Path) -> str:
    postgres = _postgres(run)
    if postgres is None:
        return f"sqlite:///{directory / 'browser.sqlite3'}"
    import psycopg

    admin, name = postgres
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlparse(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()


def _start(run: str, directory: Path) -> str:
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(run, directory),
        SHANGWU_VAR_DIR=str(directory),
        DEBUG="0",
        SECURE_COOKIES="0",
        WHITENOISE_USE_FINDERS="1",
        SHANGWU_TESTING="1",
        VENDOR_STATIC_DIR=str(ROOT / "var" / "vendor-static"),
    )
    manage = [sys.executable, "-m", "shangwu"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "demo_data", "--size", "small"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = _free_port()
    with open(directory / "gunicorn.log", "ab") as log:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "shangwu.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,  # not stopped with the worker that happened to start it
        )
    (directory / "pid").write_text(str(proc.pid))
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urlopen(f"{base}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    return base


def shared(run: str) -> str:
    """The address of the run's server, built by the first caller and reused by the others."""
    directory = run_dir(run)
    with _locked(directory):
        address = directory / "url"
        if not address.exists():
            address.write_text(_start(run, directory))
        return address.read_text()


def stop(run: str) -> None:
    """Stop the run's server (if any worker started one) and drop its database."""
    directory = run_dir(run)
    if not directory.exists():
        return
    if (directory / "pid").exists():
        _terminate(int((directory / "pid").read_text()))
    postgres = _postgres(run)
    if postgres is not None:
        import psycopg

        admin, name = postgres
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(directory, ignore_errors=True)


def _terminate(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            try:  # reaped here when this process started it (a run without workers)
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    return
            except ChildProcessError:
                os.kill(pid, 0)
            time.sleep(0.1)
    except ProcessLookupError:
        pass
