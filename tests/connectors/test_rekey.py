"""Key rotation: with a new key first in FERNET_KEYS, `manage.py rekey` re-encrypts every row,
after which the old key can be dropped."""

import io

from cryptography.fernet import Fernet, MultiFernet
from django.core.management import call_command
from django.db import connection as db
from fernet_fields import hkdf

from connectors.models import Connection, current_key_id


def raw_secrets_column(pk):
    with db.cursor() as cursor:
        cursor.execute("SELECT secrets_json FROM connectors_connection WHERE id = %s", [pk])
        return bytes(cursor.fetchone()[0])


def fernet(*keys):
    return MultiFernet([Fernet(hkdf.derive_fernet_key(k)) for k in keys])


def test_rekey_moves_every_secret_to_the_first_key(db, settings):
    old_key, new_key = settings.FERNET_KEYS[0], "a-brand-new-key"
    conn = Connection(name="wm", system="walmart", config={"client_id": "abc"})
    conn.set_secrets(client_secret="s3cret-value")
    conn.access_token = "token-value"
    conn.save()
    assert fernet(old_key).decrypt(raw_secrets_column(conn.pk))

    field = Connection._meta.get_field("secrets_json")
    fields = [Connection._meta.get_field(n) for n in ("secrets_json", "access_token", "refresh_token")]
    settings.FERNET_KEYS = [new_key, old_key]
    for f in fields:  # the fields cache their keys (engineering-anchors B4)
        for attr in ("keys", "fernet_keys", "fernet"):
            f.__dict__.pop(attr, None)
    try:
        out = io.StringIO()
        call_command("rekey", stdout=out)
        assert f"with key {current_key_id()}; 0 on other keys" in out.getvalue()
        raw = raw_secrets_column(conn.pk)
        # Readable with the new key alone: the old key can now be removed.
        assert b"s3cret-value" in fernet(new_key).decrypt(raw)
        settings.FERNET_KEYS = [new_key]
        for f in fields:
            for attr in ("keys", "fernet_keys", "fernet"):
                f.__dict__.pop(attr, None)
        again = Connection.objects.get(pk=conn.pk)
        assert again.secret("client_secret") == "s3cret-value"
        assert again.access_token == "token-value"
    finally:
        for f in fields:
            for attr in ("keys", "fernet_keys", "fernet"):
                f.__dict__.pop(attr, None)
    assert field is fields[0]
