"""`shangwu check --deploy` is clean with the production values the README gives."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SHANGWU_TESTING", "DEBUG", "SECURE_COOKIES"}
    }
    env.update(
        {
            "SECRET_KEY": "x9!k2#production-like-secret-key-that-is-long-and-random-4f8a1c7e9b3d",
            "ALLOWED_HOSTS": "shangwu.example.gov.cn",
            "CSRF_TRUSTED_ORIGINS": "https://shangwu.example.gov.cn",
            "BEHIND_PROXY": "1",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_PRELOAD": "1",
            "SHANGWU_VAR_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "shangwu", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_refuse_to_start_without_a_secret_key_outside_debug(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in {"SHANGWU_TESTING", "DEBUG", "SECRET_KEY"}
    }
    env["SHANGWU_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "shangwu", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
