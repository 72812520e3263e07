"""Production settings come from the environment: they pass `check --deploy` and refuse to start without keys.

Each case runs manage.py in a subprocess with a clean environment, as a deployment would: the test
process's own settings (config.test_settings) must not leak in.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
# Only what a process needs to start; no DEBUG, SANDBOX_ENABLED, ... from the test run.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def production_env(tmp_path, **overrides):
    env = {k: os.environ[k] for k in PASSED_THROUGH if k in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        FERNET_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="example.com",
        DATA_DIR=str(tmp_path),
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_production_setting_relaxed_by_hand_is_reported(tmp_path):
    result = manage(production_env(tmp_path, SESSION_COOKIE_SECURE="false"), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W012" in result.stderr  # SESSION_COOKIE_SECURE


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"FERNET_KEYS": None}, "FERNET_KEYS must be set when DEBUG is off"),
        ({"FERNET_KEYS": ""}, "FERNET_KEYS must be set when DEBUG is off"),
        ({"SECRET_KEY": None}, "SECRET_KEY must be set when DEBUG is off"),
        ({"Q_TIMEOUT": "400", "Q_RETRY": "360"}, "Q_TIMEOUT must be below Q_RETRY"),
    ],
    ids=["no-fernet-keys", "empty-fernet-keys", "no-secret-key", "timeout-not-below-retry"],
)
def test_settings_refuse_to_start_with_a_clear_message(tmp_path, overrides, message):
    result = manage(production_env(tmp_path, **overrides), "check")

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr
    # Refusing means no key material was made up either.
    assert not (tmp_path / "dev-fernet.key").exists()
