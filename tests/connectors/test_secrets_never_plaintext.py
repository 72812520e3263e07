"""No secret (client secret, password, .ionapi cs/sask, access or refresh token) appears in plaintext
in the database, the audit trail, log output or the admin's HTML."""

import json
import logging
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection as db

from audit.models import AuditEvent
from connectors import ping
from connectors.models import Connection

ROOT = Path(__file__).resolve().parents[2]

# Every system whose emulator can provision a connection (sandbox/<system>/seed.py).
PROVISIONED = ["walmart", "ifs_cloud", "infor_cloudsuite", "infor_m3", "peoplesoft", "exact_online"]
# PeopleSoft with OAuth2, so there is a token to look for (Basic auth holds none).
PROVISION_OPTIONS = {"peoplesoft": {"auth_type": "oauth2"}}


def provisioner(system):
    seed = import_module(f"sandbox.{system}.seed")
    return lambda name, base: seed.provision_connection(name, base, **PROVISION_OPTIONS.get(system, {}))


def every_secret(conn):
    conn.refresh_from_db()
    values = [v for v in conn.get_secrets().values() if isinstance(v, str) and v]
    values += [v for v in (conn.access_token, conn.refresh_token) if v]
    return values


def database_text():
    """Every value in every table, as text (bytes decoded leniently): what a copy of the database reveals."""
    chunks = []
    with db.cursor() as cursor:
        for table in db.introspection.table_names():
            cursor.execute(f"SELECT * FROM {db.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, bytearray, memoryview)):
                        chunks.append(bytes(value).decode("latin-1"))
                    elif value is not None:
                        chunks.append(str(value))
    return "\n".join(chunks)


@pytest.mark.parametrize("system", PROVISIONED)
def test_no_secret_in_database_audit_logs_or_admin(system, sandbox, client, caplog):
    caplog.set_level(logging.DEBUG)
    conn = provisioner(system)(f"leak-{system.replace('_', '-')}", sandbox)
    result = ping.ping(conn)
    assert result.ok, result.summary  # a token was really obtained and used
    secrets = every_secret(conn)
    assert conn.access_token, "the test needs a live token to look for"
    assert len(secrets) >= 2

    admin = User.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    pages = [
        client.get("/admin/connectors/connection/").content.decode(),
        client.get(f"/admin/connectors/connection/{conn.pk}/change/").content.decode(),
        client.get("/admin/audit/auditevent/").content.decode(),
    ]
    pages += [client.get(f"/admin/audit/auditevent/{e.pk}/change/").content.decode()
              for e in AuditEvent.objects.filter(connection=conn)]
    audit_text = json.dumps(list(AuditEvent.objects.values()), default=str)
    stored = database_text()

    for secret in secrets:
        assert secret not in stored, f"{system}: a secret is stored in plaintext"
        assert secret not in audit_text, f"{system}: a secret is in the audit trail"
        assert secret not in caplog.text, f"{system}: a secret is in the log output"
        for page in pages:
            assert secret not in page, f"{system}: a secret is in the admin HTML"


def test_the_database_file_holds_no_plaintext_secret(tmp_path):
    """A real SQLite file (and its WAL) written by the product: the secret bytes never appear in it."""
    secret = "file-level-secret-8f3a9c1e"
    token = "file-level-token-77d0b2aa"
    env = {**os.environ, "DATA_DIR": str(tmp_path), "DEBUG": "false", "SECRET_KEY": "x" * 50,
           "FERNET_KEYS": "file-test-key", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from connectors.models import Connection\n"
        "c = Connection(name='wm', system='walmart', config={'client_id': 'cid'})\n"
        f"c.set_secrets(client_secret={secret!r}); c.access_token = {token!r}; c.save()\n"
        "assert Connection.objects.get(name='wm').secret('client_secret') == " + repr(secret) + "\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=120)
    files = [p for p in tmp_path.iterdir() if p.name.startswith("db.sqlite3")]
    assert files
    for path in files:
        data = path.read_bytes()
        assert secret.encode() not in data and token.encode() not in data, path.name


def test_secrets_are_write_only_in_the_admin_form(transactional_db, client):
    conn = Connection(name="wm", system="walmart", config={"client_id": "abc"})
    conn.set_secrets(client_secret="admin-form-secret-123")
    conn.save()
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    page = client.get(f"/admin/connectors/connection/{conn.pk}/change/").content.decode()
    assert 'name="secret__client_secret"' in page
    assert "admin-form-secret-123" not in page
    assert "A value is stored" in page
