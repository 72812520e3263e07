"""manage.py rekey: re-encrypt every secret and token with the first key of FERNET_KEYS.

Rotation: put the new key first in FERNET_KEYS (keep the old one after it), run `rekey`, check
that it reports every row on the new key, then remove the old key.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from connectors.models import Connection, current_key_id


class Command(BaseCommand):
    help = "Re-encrypt all connection secrets and tokens with the first key in FERNET_KEYS."

    def handle(self, **options):
        key_id = current_key_id()
        count = 0
        for pk in Connection.objects.values_list("pk", flat=True):
            with transaction.atomic():
                connection = Connection.objects.get(pk=pk)  # decrypts with any configured key
                connection.encrypted_with = key_id
                # Saving re-encrypts every encrypted column with the first key.
                connection.save(update_fields=["secrets_json", "access_token", "refresh_token", "encrypted_with"])
            count += 1
        stale = Connection.objects.exclude(encrypted_with=key_id).count()
        self.stdout.write(f"Re-encrypted {count} connection(s) with key {key_id}; {stale} on other keys.")
