"""dev.py, the README's two commands: virtualenv and install stamp, exit codes, ports, a clean stop.

The fast cases import dev.py; the slow ones run it in a subprocess as a person would.
"""

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "dev.py"

spec = importlib.util.spec_from_file_location("dev_script", DEV)
dev = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dev)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def requirements_installed(kind):
    """True when the project's .venv is installed through dev.py (so a nested dev.py installs nothing)."""
    files = dev.DEV_REQUIREMENTS if kind == "dev" else dev.RUNTIME_REQUIREMENTS
    return dev._read_stamp().get(kind) == dev.requirements_hash(files)


# --- fast: the script's own decisions --------------------------------------------------------

def test_it_refuses_a_python_older_than_3_11(monkeypatch, capsys):
    monkeypatch.setattr(sys, "version_info", (3, 10, 13, "final", 0))

    assert dev.main(["test"]) == 2
    assert "needs Python 3.11 or newer" in capsys.readouterr().err


def test_usage_and_unknown_commands_exit_2(capsys):
    assert dev.main([]) == 2
    assert "python3 dev.py run" in capsys.readouterr().out
    assert dev.main(["deploy"]) == 2
    assert "unknown command 'deploy'" in capsys.readouterr().err


def test_a_taken_port_is_reported_with_a_way_out():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        with pytest.raises(dev.DevError, match=f"port {port} on 127.0.0.1 is already in use.*PORT={port + 1}"):
            dev._check_port_free("127.0.0.1", port)


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, ("127.0.0.1", 8000, "127.0.0.1:8000")),
        ({"PORT": "8123"}, ("127.0.0.1", 8123, "127.0.0.1:8123")),
        ({"HOST": "0.0.0.0", "PORT": "9000"}, ("0.0.0.0", 9000, "0.0.0.0:9000")),
        ({"GUNICORN_BIND": "[::1]:8001", "PORT": "9"}, ("::1", 8001, "[::1]:8001")),
    ],
)
def test_where_it_listens(env, expected):
    assert dev._bind_address(env) == expected


def test_site_url_follows_the_port_unless_set(monkeypatch):
    for name in ("SITE_URL", "GUNICORN_BIND", "HOST", "DEBUG", "SANDBOX_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORT", "8123")
    env, base_url = dev._dev_env()
    assert base_url == env["SITE_URL"] == "http://127.0.0.1:8123"
    assert env["DEBUG"] == env["SANDBOX_ENABLED"] == "true"

    monkeypatch.setenv("SITE_URL", "https://connector.example.com")
    monkeypatch.setenv("DEBUG", "false")
    env, _ = dev._dev_env()
    assert env["SITE_URL"] == "https://connector.example.com" and env["DEBUG"] == "false"


def test_the_install_stamp_changes_with_either_requirements_file(tmp_path, monkeypatch):
    (tmp_path / "requirements.txt").write_text("Django==5.2\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\npytest\n")
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    runtime, both = dev.requirements_hash(dev.RUNTIME_REQUIREMENTS), dev.requirements_hash(dev.DEV_REQUIREMENTS)

    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\npytest\nhypothesis\n")
    assert dev.requirements_hash(dev.RUNTIME_REQUIREMENTS) == runtime
    assert dev.requirements_hash(dev.DEV_REQUIREMENTS) != both

    (tmp_path / "requirements.txt").write_text("Django==5.2.1\n")
    assert dev.requirements_hash(dev.RUNTIME_REQUIREMENTS) != runtime


# --- slow: dev.py as a subprocess ----------------------------------------------------------
# They run on the embedded default whatever the backend of the suite, so CI's PostgreSQL pass
# (DATABASE_URL set) leaves them to the SQLite pass rather than repeating them.
once_per_ci = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="dev.py itself is backend-independent: tested in the SQLite pass"
)


@pytest.mark.slow
@once_per_ci
def test_a_fresh_checkout_gets_a_venv_and_installs_only_after_a_change(tmp_path):
    (tmp_path / "dev.py").write_bytes(DEV.read_bytes())
    (tmp_path / "requirements.txt").write_text("# nothing at runtime\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}

    def dev_test():  # pytest is not installed in that venv: only dev.py's own lines matter here
        result = subprocess.run([sys.executable, "dev.py", "test", "--version"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=300)
        return result.stdout

    first = dev_test()
    assert "Creating .venv" in first and "Installing requirements-dev.txt" in first
    assert (tmp_path / ".venv" / ".ml-connector-requirements.json").exists()

    second = dev_test()
    assert "Creating" not in second and "Installing" not in second

    (tmp_path / "requirements.txt").write_text("# nothing at runtime, still\n")
    assert "Installing requirements-dev.txt" in dev_test()


@pytest.mark.slow
@once_per_ci
def test_a_run_that_collects_no_tests_fails(tmp_path):
    if not requirements_installed("dev"):
        pytest.skip("the project's .venv was not installed through dev.py; run `python3 dev.py test` once")
    result = subprocess.run(
        [sys.executable, str(DEV), "test", "-q", "-k", "no_test_has_this_name", "tests/test_dev_script.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1
    assert "pytest ran no tests (exit 5): treated as a failure" in result.stdout


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _group_members(pgid):
    out = subprocess.run(["ps", "-eo", "pid=,pgid="], capture_output=True, text=True).stdout.split("\n")
    return [int(line.split()[0]) for line in out if line.strip() and int(line.split()[1]) == pgid]


@pytest.mark.slow
@once_per_ci
def test_run_serves_the_admin_and_healthz_and_stops_without_orphans(tmp_path):
    if not requirements_installed("runtime"):
        pytest.skip("the project's .venv was not installed through dev.py; run `python3 dev.py run` once")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(PORT=str(port), DATA_DIR=str(tmp_path), DEBUG="true", SANDBOX_ENABLED="true",
               SECRET_KEY="", FERNET_KEYS="", Q_CLUSTER_NAME=f"dev-script-test-{port}")
    env.pop("SITE_URL", None)
    log = open(tmp_path / "run.log", "w+")
    process = subprocess.Popen([sys.executable, str(DEV), "run"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while "Press Ctrl-C to stop" not in (tmp_path / "run.log").read_text():
            assert process.poll() is None, (tmp_path / "run.log").read_text()
            assert time.monotonic() < deadline, "dev.py run did not come up within 180 s"
            time.sleep(0.5)
        output = (tmp_path / "run.log").read_text()
        password = (tmp_path / "admin-password.txt").read_text().strip()
        assert f"Login:    admin / {password}" in output
        assert f"Admin:    {base}/admin/" in output
        assert _get(f"{base}/healthz") in (200, 503)  # 503 until the worker's first heartbeat
        assert _get(f"{base}/admin/login/") == 200

        # A second run on the same port says so and leaves the first alone.
        second = subprocess.run([sys.executable, str(DEV), "run"], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=120)
        assert second.returncode == 1
        assert f"port {port} on 127.0.0.1 is already in use" in second.stderr

        children = [int(pid) for pid in subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()]
        assert len(children) == 2  # gunicorn and qcluster, each leading its own process group
        groups = {pid: _group_members(pid) for pid in children}
        assert all(len(members) >= 2 for members in groups.values())  # with their workers

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "SIGINT received: stopping the web server and the worker" in (tmp_path / "run.log").read_text()
    time.sleep(0.5)
    assert not any(_group_members(pgid) for pgid in groups), "processes left behind after the stop"
    assert _get(f"{base}/healthz") is None
