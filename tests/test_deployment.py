"""The production configuration and the repository's generated files are as they should be."""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, env=None, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_settings_is_clean(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="bangfu.example.gov.cn",
        BANGFU_HTTPS="true",
        BANGFU_VAR_DIR=str(tmp_path),
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_fresh_install_makes_its_own_secrets_in_var(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "BANGFU_AUDIT_KEY"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", BANGFU_VAR_DIR=str(tmp_path))
    assert manage("check", env=env).returncode == 0
    for name in ("secret_key", "audit_key"):
        secret = tmp_path / name
        assert len(secret.read_text()) >= 64
        assert secret.stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_given():
    """scripts/with_postgres.py sets BANGFU_TEST_DB; the run must really be on PostgreSQL."""
    from django.db import connection

    assert connection.vendor == os.environ.get("BANGFU_TEST_DB", "sqlite")


@pytest.mark.one_database
def test_the_systemd_units_are_what_systemd_accepts(tmp_path):
    """systemd's own check of deploy/systemd: every setting known, every command there to
    run. The units name the operator's paths (docs/operations.md); the copies checked name
    this checkout's, so that a command the application lacks is caught. (The province stack's
    test runs what the units run.)"""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI") == "true":
            pytest.fail("systemd-analyze is not installed: .ci/run installs systemd")
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    env_file = tmp_path / "bangfu.env"
    shutil.copy(ROOT / "deploy" / "bangfu.env.example", env_file)
    units = []
    for unit in sorted((ROOT / "deploy" / "systemd").iterdir()):
        text = unit.read_text().replace("/srv/bangfu/app", str(ROOT))
        text = text.replace("/etc/bangfu/bangfu.env", str(env_file))
        (tmp_path / unit.name).write_text(text.replace("/srv/bangfu/var", str(tmp_path)))
        units.append(str(tmp_path / unit.name))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *units], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
