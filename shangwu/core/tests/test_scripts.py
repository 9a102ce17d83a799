"""The set-up scripts: the demo and the deployment install the platform without the test extras;
the test command installs them; each is idempotent, in either order.

The scripts run for real on a copy of the repository's scripts and package files, with a fake
``.venv/bin/python`` (and ``shangwu``, ``granian``) that records what it is asked to do, so
nothing is downloaded."""

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

RECORDER = """#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$CALLS_LOG"
if [ -n "${FAIL_ON:-}" ]; then case "$*" in *"$FAIL_ON"*) exit 1 ;; esac; fi
"""


def make_checkout(tmp_path):
    """A copy of scripts/ and the package files, a virtual environment of recorders, and
    node_modules already stamped (npm is not what these tests are about)."""
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    for name in ("pyproject.toml", "package.json", "package-lock.json"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    for bin_dir, tools in (
        (tmp_path / ".venv" / "bin", ("python", "shangwu", "granian", "ruff")),
        # test.sh installs system packages it finds missing: never for real here.
        (tmp_path / "system-bin", ("apt-get", "sudo")),
    ):
        bin_dir.mkdir(parents=True)
        for tool in tools:
            (bin_dir / tool).write_text(RECORDER)
            (bin_dir / tool).chmod(0o755)
    npm_inputs = (tmp_path / "package.json").read_bytes() + (
        tmp_path / "package-lock.json"
    ).read_bytes()
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / ".shangwu-installed").write_text(
        hashlib.sha256(npm_inputs).hexdigest()[:16] + "\n"
    )
    return tmp_path


def run(checkout, *command, fail_on="", check=True):
    env = dict(
        os.environ,
        CALLS_LOG=str(checkout / "calls.log"),
        FAIL_ON=fail_on,
        PATH=f"{checkout / 'system-bin'}:{os.environ['PATH']}",
    )
    result = subprocess.run(
        ["bash", *command], cwd=checkout, env=env, capture_output=True, text=True, timeout=60
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout
    return result


def calls(checkout):
    log = checkout / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def pip_installs(checkout):
    """The editable installs the scripts asked pip for, in order ("." or ".[test]")."""
    return [
        line.rsplit(" ", 1)[1]
        for line in calls(checkout)
        if line.startswith("python -m pip install -q -e ")
    ]


def test_the_demo_installs_the_platform_without_the_test_extras(tmp_path):
    checkout = make_checkout(tmp_path)
    output = run(checkout, "scripts/demo.sh")
    assert pip_installs(checkout) == ["."]
    assert "不含测试依赖" in output
    assert "shangwu demo_data" in calls(checkout)
    assert any(
        line.startswith("granian --interface wsgi") and line.endswith(" shangwu.wsgi:application")
        for line in calls(checkout)
    )


def test_the_deployment_set_up_installs_without_the_test_extras_once(tmp_path):
    checkout = make_checkout(tmp_path)
    run(checkout, "scripts/setup.sh")
    run(checkout, "scripts/setup.sh")
    assert pip_installs(checkout) == ["."]


def test_the_test_set_up_installs_the_test_extras_once(tmp_path):
    checkout = make_checkout(tmp_path)
    output = run(checkout, "scripts/setup.sh", "--test")
    run(checkout, "scripts/setup.sh", "--test")
    assert pip_installs(checkout) == [".[test]"]
    assert "含测试依赖" in output


def test_demo_then_test_adds_the_extras_and_test_then_demo_removes_nothing(tmp_path):
    checkout = make_checkout(tmp_path)
    run(checkout, "scripts/setup.sh")
    run(checkout, "scripts/setup.sh", "--test")
    run(checkout, "scripts/setup.sh")
    run(checkout, "scripts/setup.sh", "--test")
    assert pip_installs(checkout) == [".", ".[test]"]


def test_a_changed_pyproject_is_installed_again_in_the_mode_asked_for(tmp_path):
    checkout = make_checkout(tmp_path)
    run(checkout, "scripts/setup.sh", "--test")
    with (checkout / "pyproject.toml").open("a") as pyproject:
        pyproject.write("\n# a new pin\n")
    run(checkout, "scripts/setup.sh")
    run(checkout, "scripts/setup.sh", "--test")
    assert pip_installs(checkout) == [".[test]", ".", ".[test]"]


def test_the_test_command_installs_the_extras_then_checks_lint_format_and_migrations_first(
    tmp_path,
):
    checkout = make_checkout(tmp_path)
    run(checkout, "scripts/test.sh", "-q", "shangwu/cases")
    assert pip_installs(checkout) == [".[test]"]
    steps = [line for line in calls(checkout) if not line.startswith("python -m pip")]
    assert steps[-4:] == [
        "ruff check shangwu conftest.py tests bench",
        "ruff format --check shangwu conftest.py tests bench",
        "shangwu makemigrations --check --dry-run",
        "python -m pytest -n 2 -q -q shangwu/cases",
    ]


def test_a_missing_migration_stops_the_test_command_with_a_message(tmp_path):
    checkout = make_checkout(tmp_path)
    result = run(checkout, "scripts/test.sh", fail_on="makemigrations", check=False)
    assert result.returncode == 1
    assert "模型有改动但缺少迁移" in result.stderr and "without a migration" in result.stderr
    assert not any("pytest" in line for line in calls(checkout))


def test_an_unformatted_file_stops_the_test_command_with_a_message(tmp_path):
    checkout = make_checkout(tmp_path)
    result = run(checkout, "scripts/test.sh", fail_on="format --check", check=False)
    assert result.returncode == 1
    assert "代码格式不符合 ruff format" in result.stderr
    assert not any("makemigrations" in line or "pytest" in line for line in calls(checkout))


def test_an_unknown_set_up_option_is_refused_with_a_message(tmp_path):
    checkout = make_checkout(tmp_path)
    result = run(checkout, "scripts/setup.sh", "--prod", check=False)
    assert result.returncode == 2 and "未知参数" in result.stderr
    assert pip_installs(checkout) == []
