"""The set-up scripts: the demo and the deployment install the platform without the test extras;
the test command installs them; each is idempotent, in either order.

The scripts run for real on a copy of the repository's scripts and package files, with a fake
``.venv/bin/python`` (and ``shangwu``, ``gunicorn``) that records what it is asked to do, so
nothing is downloaded."""

import hashlib
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

RECORDER = """#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$(dirname "$0")/../../calls.log"
"""


def make_checkout(tmp_path):
    """A copy of scripts/ and the package files, a virtual environment of recorders, and
    node_modules already stamped (npm is not what these tests are about)."""
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    for name in ("pyproject.toml", "package.json", "package-lock.json"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for tool in ("python", "shangwu", "gunicorn"):
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


def run(checkout, *command):
    result = subprocess.run(
        ["bash", *command], cwd=checkout, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def pip_installs(checkout):
    """The editable installs the scripts asked pip for, in order ("." or ".[test]")."""
    log = checkout / "calls.log"
    lines = log.read_text().splitlines() if log.exists() else []
    return [
        line.rsplit(" ", 1)[1] for line in lines if line.startswith("python -m pip install -q -e ")
    ]


def test_the_demo_installs_the_platform_without_the_test_extras(tmp_path):
    checkout = make_checkout(tmp_path)
    output = run(checkout, "scripts/demo.sh")
    assert pip_installs(checkout) == ["."]
    assert "不含测试依赖" in output
    calls = (checkout / "calls.log").read_text()
    assert "shangwu demo_data" in calls and "gunicorn shangwu.wsgi:application" in calls


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


def test_the_test_command_sets_up_with_the_test_extras():
    script = (ROOT / "scripts" / "test.sh").read_text()
    assert "bash scripts/setup.sh --test\n" in script


def test_an_unknown_set_up_option_is_refused_with_a_message(tmp_path):
    checkout = make_checkout(tmp_path)
    result = subprocess.run(
        ["bash", "scripts/setup.sh", "--prod"], cwd=checkout, capture_output=True, text=True
    )
    assert result.returncode == 2 and "未知参数" in result.stderr
    assert pip_installs(checkout) == []
