#!/usr/bin/env python3
"""Run ml-connector or its tests on a fresh machine with nothing but Python 3.11+.

    python3 dev.py run [--no-demo]  web + worker on 127.0.0.1:8000 with the sandbox and demo data
    python3 dev.py test [ARGS...]   the test suite (ARGS go to pytest unchanged)
    python3 dev.py manage ARGS...   manage.py with the settings `run` uses (ping, sandbox, demo...)

Standard library only: this file runs before any dependency is installed. It creates `.venv` with
the interpreter that runs it, and installs the requirements only when they changed since the last
install (a hash stamp kept inside `.venv`).

`run` and `manage` environment: everything in README "Configuration", plus HOST (default 127.0.0.1) and PORT
(default 8000) for where gunicorn listens; GUNICORN_BIND, when set, wins over both. DEBUG and
SANDBOX_ENABLED default to true here (the environment may say otherwise), SITE_URL to the bound
address, so the demo connections reach the emulators of this very server.
"""

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".ml-connector-requirements.json"
RUNTIME_REQUIREMENTS = ["requirements.txt"]
DEV_REQUIREMENTS = ["requirements.txt", "requirements-dev.txt"]
HEALTH_WAIT_SECONDS = 90
STOP_GRACE_SECONDS = 20


class DevError(Exception):
    """A failure explained in one message; printed without a traceback."""


def say(message):
    print(f"[dev] {message}", flush=True)


# --- virtualenv and requirements ------------------------------------------------------------

def venv_python():
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _venv_version():
    try:
        out = subprocess.run(
            [str(venv_python()), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    major, minor = out.stdout.strip().split(".")
    return int(major), int(minor)


def ensure_venv():
    if venv_python().exists():
        version = _venv_version()
        if version is not None and version >= MIN_PYTHON:
            return
        found = "broken" if version is None else "Python %d.%d" % version
        say(f"{VENV} is {found}; recreating it with Python {sys.version.split()[0]}")
        import shutil

        shutil.rmtree(VENV)
    say(f"Creating {VENV.name} with {sys.executable} (Python {sys.version.split()[0]})")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    except subprocess.CalledProcessError as exc:
        raise DevError(
            f"could not create the virtualenv (exit {exc.returncode}). On Debian/Ubuntu the venv module "
            "is a separate package: apt-get install python3-venv (matching your Python version)."
        ) from None


def requirements_hash(files):
    digest = hashlib.sha256()
    digest.update(("python %d.%d\n" % sys.version_info[:2]).encode())
    for name in files:
        path = ROOT / name
        if not path.exists():
            raise DevError(f"{name} is missing from {ROOT}")
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _read_stamp():
    try:
        return json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return {}


def ensure_requirements(kind):
    """kind: "runtime" (requirements.txt) or "dev" (requirements-dev.txt, which includes runtime)."""
    ensure_venv()
    files = DEV_REQUIREMENTS if kind == "dev" else RUNTIME_REQUIREMENTS
    wanted = requirements_hash(files)
    stamp = _read_stamp()
    if stamp.get(kind) == wanted:
        return
    say(f"Installing {files[-1]} into {VENV.name} (changed since the last install)")
    command = [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", files[-1]]
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        raise DevError(f"pip could not install {files[-1]}; see its messages above")
    stamp[kind] = wanted
    if kind == "dev":  # requirements-dev.txt includes requirements.txt
        stamp["runtime"] = requirements_hash(RUNTIME_REQUIREMENTS)
    STAMP.write_text(json.dumps(stamp, indent=2, sort_keys=True))


# --- test -----------------------------------------------------------------------------------

def cmd_test(args):
    ensure_requirements("dev")
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # pytest.ini's config.test_settings, whatever the shell says
    command = [str(venv_python()), "-m", "pytest", *args]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    while True:
        try:
            code = process.wait()
            break
        except KeyboardInterrupt:  # pytest got the same Ctrl-C; let it print its summary and exit
            continue
    if code == 5:
        say("pytest ran no tests (exit 5): treated as a failure. Check the test paths or -k/-m filters.")
        return 1
    return code


# --- run ------------------------------------------------------------------------------------

def _bind_address(env):
    bind = env.get("GUNICORN_BIND") or f"{env.get('HOST', '127.0.0.1')}:{env.get('PORT', '8000')}"
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit():
        raise DevError(f"cannot read host:port from {bind!r} (GUNICORN_BIND, or HOST and PORT)")
    return host.strip("[]") or "127.0.0.1", int(port), bind


def _check_port_free(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # Same option as gunicorn, so a port in TIME_WAIT is not reported as taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise DevError(
                f"port {port} on {host} is already in use ({exc.strerror}). Stop whatever listens there "
                f"(another `dev.py run`?), or pick another port: PORT={port + 1} python3 dev.py run"
            ) from None


def _manage(env, *args, quiet=False):
    command = [str(venv_python()), "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=quiet, text=True)
    if result.returncode != 0:
        if quiet:
            sys.stdout.write(result.stdout or "")
            sys.stderr.write(result.stderr or "")
        raise DevError(f"`manage.py {' '.join(args)}` failed (exit {result.returncode}); see above")
    return result


# Runs inside the virtualenv with Django set up: ensures the `admin` superuser and prints JSON.
ENSURE_ADMIN = r"""
import json, os, secrets, sys
from pathlib import Path
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model

path = Path(settings.DATA_DIR) / "admin-password.txt"
User = get_user_model()
user = User.objects.filter(username="admin").first()
state = "unchanged"
if path.exists():
    password = path.read_text().strip()
else:
    password = secrets.token_urlsafe(15)
    path.write_text(password + "\n")
    os.chmod(path, 0o600)
    if user is not None:
        user.set_password(password)
        user.save(update_fields=["password"])
        state = "password reset"
if user is None:
    User.objects.create_superuser("admin", "admin@localhost", password)
    state = "created"
elif not user.check_password(password):
    state = "password changed by hand"
print(json.dumps({"file": str(path), "password": password, "state": state}))
"""


def _ensure_admin(env):
    result = subprocess.run(
        [str(venv_python()), "-c", ENSURE_ADMIN], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise DevError("could not ensure the admin superuser; see above")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _parent_death_signal():
    """Linux only: make a child get SIGTERM when dev.py itself dies, even by SIGKILL (no orphans)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _child_setup(set_death_signal=_parent_death_signal()):
    """Runs in the child before exec: its own process group, so we stop it with all of its workers."""
    os.setsid()
    if set_death_signal is not None:
        set_death_signal()


class Children:
    """gunicorn and qcluster, each in its own process group.

    Stopping: SIGTERM to each leader only; gunicorn's master and qcluster's main process then stop
    their own workers in order (a signal to the whole group would cut django-q2's shutdown short).
    Whatever is left in a group after the grace period, or after a second Ctrl-C, is killed.
    """

    def __init__(self, env):
        self.env = env
        self.processes = {}

    def start(self, name, command):
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, preexec_fn=_child_setup)

    def exited(self):
        return [(name, p.returncode) for name, p in self.processes.items() if p.poll() is not None]

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        try:
            for name, process in self.processes.items():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    say(f"{name} did not stop within {STOP_GRACE_SECONDS} s; killing it")
        except Stop:
            say("Second signal: killing the web server and the worker now")
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # nothing may interrupt the last clean-up
        for process in self.processes.values():
            self._kill_group(process)
            process.wait()

    @staticmethod
    def _kill_group(process):
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the leader if still there, and its workers
        except (ProcessLookupError, PermissionError):
            pass


def _health(url):
    """(status, body) of /healthz, or (None, reason) when nothing answers yet."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}
    except (OSError, ValueError) as exc:
        return None, str(exc)


class Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise Stop(signal.Signals(signum).name)


def _dev_env():
    """The environment of `run` and `manage`: the development defaults under what the shell says."""
    env = dict(os.environ)
    env.setdefault("DEBUG", "true")
    env.setdefault("SANDBOX_ENABLED", "true")
    host, port, bind = _bind_address(env)
    local_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base_url = f"http://{'[%s]' % local_host if ':' in local_host else local_host}:{port}"
    env["GUNICORN_BIND"] = bind
    env.setdefault("SITE_URL", base_url)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env, base_url


def cmd_manage(args):
    """manage.py with the same defaults as `run`, e.g. `python3 dev.py manage ping demo-walmart`."""
    if not args:
        raise DevError("manage needs a command, e.g. python3 dev.py manage ping demo-walmart")
    ensure_requirements("runtime")
    env, _ = _dev_env()
    return subprocess.call([str(venv_python()), "manage.py", *args], cwd=ROOT, env=env)


def cmd_run(args):
    if args not in ([], ["--no-demo"]):
        raise DevError(f"unknown arguments for run: {' '.join(args)} (only --no-demo)")
    ensure_requirements("runtime")
    env, base_url = _dev_env()
    host, port, bind = _bind_address(env)
    _check_port_free(host, port)

    say("Migrating the database")
    _manage(env, "migrate", "--noinput", "-v", "0")
    if "--no-demo" not in args:
        say("Seeding the sandbox demo (manage.py demo)")
        _manage(env, "demo")
    say("Collecting static files")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    admin = _ensure_admin(env)

    children = Children(env)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_stop)
    try:
        say("Starting the worker (manage.py qcluster)")
        children.start("qcluster", [str(venv_python()), "manage.py", "qcluster"])
        say(f"Starting the web server (gunicorn on {bind})")
        children.start("gunicorn", [str(venv_python()), "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"])
        return _supervise(children, base_url, admin, env=env, demo="--no-demo" not in args)
    except Stop as stop:
        say(f"{stop.args[0]} received: stopping the web server and the worker")
        return 0
    finally:
        children.stop()
        say("Stopped.")


def _subscribe_demo_webhooks(env):
    """Once the server answers, subscribe the demo Walmart account's webhooks to it (the sandbox sends
    a test delivery, so this proves Walmart -> webhook -> inbox end to end). Best effort."""
    say("Subscribing the demo Walmart webhooks (manage.py webhooks subscribe demo-ifs)")
    try:
        _manage(env, "webhooks", "subscribe", "demo-ifs")
    except DevError:
        say("Webhook subscription did not succeed; the poll still brings the orders in (see the message above)")


def _supervise(children, base_url, admin, env=None, demo=False):
    health_url = f"{base_url}/healthz"
    deadline = time.monotonic() + HEALTH_WAIT_SECONDS
    status = None
    while status is None:
        _fail_if_exited(children)
        if time.monotonic() > deadline:
            raise DevError(f"{health_url} did not answer within {HEALTH_WAIT_SECONDS} s")
        time.sleep(0.5)
        status, body = _health(health_url)

    if demo and env is not None:
        _subscribe_demo_webhooks(env)
    login = f"admin / {admin['password']}"
    if admin["state"] == "password changed by hand":
        login = f"admin / (changed by hand; {admin['file']} holds the original)"
    print(
        "\n"
        f"  ml-connector is running at {base_url}/\n"
        f"    Admin:    {base_url}/admin/\n"
        f"    Login:    {login}   (kept in {admin['file']})\n"
        f"    Sandbox:  {base_url}/sandbox/<system>/  (Walmart and the five ERPs, emulated)\n"
        f"    Health:   {health_url}\n"
        "  Press Ctrl-C to stop.\n",
        flush=True,
    )
    healthy = status == 200
    if not healthy:
        reasons = "; ".join(
            f"{name}: {info.get('reason', 'not ok')}" for name, info in body.items()
            if isinstance(info, dict) and not info.get("ok")
        ) if isinstance(body, dict) else body
        say(f"/healthz answers {status} for now ({reasons}); the worker's first heartbeat comes within a minute")
    last_probe = time.monotonic()
    while True:
        _fail_if_exited(children)
        time.sleep(0.5)
        if not healthy and time.monotonic() - last_probe >= 3:
            last_probe = time.monotonic()
            status, _ = _health(health_url)
            if status == 200:
                healthy = True
                say("/healthz is 200: database, broker and worker are all fine")


def _fail_if_exited(children):
    exited = children.exited()
    if exited:
        name, code = exited[0]
        raise DevError(f"{name} exited unexpectedly (exit {code}); its messages are above")


# --- entry point ----------------------------------------------------------------------------

USAGE = """usage: python3 dev.py run [--no-demo]      web + worker on 127.0.0.1:8000 (PORT/HOST to change)
       python3 dev.py test [PYTEST ARGS]    the test suite
       python3 dev.py manage COMMAND [ARGS] manage.py with the same settings as run"""


def main(argv):
    if sys.version_info < MIN_PYTHON:
        print(
            f"ml-connector needs Python {'.'.join(map(str, MIN_PYTHON))} or newer; this is "
            f"{sys.version.split()[0]} ({sys.executable}). Run dev.py with a newer python3.",
            file=sys.stderr,
        )
        return 2
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if argv else 2
    command, args = argv[0], argv[1:]
    handlers = {"run": cmd_run, "test": cmd_test, "manage": cmd_manage}
    if command not in handlers:
        print(f"unknown command {command!r}\n{USAGE}", file=sys.stderr)
        return 2
    try:
        return handlers[command](args)
    except DevError as exc:
        print(f"[dev] error: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("[dev] interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
