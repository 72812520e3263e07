"""Connections to Walmart and the ERPs: typed non-secret config, encrypted secrets, the shared token cache.

Secrets, access tokens and refresh tokens live only in Fernet-encrypted columns (FERNET_KEYS);
they are never rendered back in the admin, never exported, never passed as task arguments.
The token cache is shared by every process: a refresh takes a lease on the row (a conditional
UPDATE, committed before the vendor call), re-reads the token, and refreshes only if still needed.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from fernet_fields import EncryptedTextField

from connectors import registry


def current_key_id():
    """Short fingerprint of the key that encrypts new values (the first of FERNET_KEYS)."""
    return hashlib.sha256(settings.FERNET_KEYS[0].encode()).hexdigest()[:12]


class Connection(models.Model):
    class AuthState(models.TextChoices):
        UNKNOWN = "unknown", "Not yet used"
        OK = "ok", "Working"
        BROKEN = "broken", "Broken (check credentials or setup)"
        CONSENT_LOST = "consent_lost", "Consent lost: reconnect"

    name = models.SlugField(unique=True, help_text="Unique short name, used by commands: manage.py ping NAME")
    system = models.CharField(max_length=32, choices=registry.SYSTEM_CHOICES)
    environment = models.CharField(
        max_length=32, default="production", help_text="A label: production, test, sandbox..."
    )
    config = models.JSONField(default=dict, blank=True, help_text="Non-secret settings, validated per system.")

    # Encrypted: a JSON object {secret name: value}, e.g. {"client_secret": "..."}.
    secrets_json = EncryptedTextField(default="{}", editable=False)
    # Fingerprint of the key that encrypted the row's secrets; `manage.py rekey` moves all rows to the first key.
    encrypted_with = models.CharField(max_length=12, blank=True, editable=False)

    # Shared token cache.
    access_token = EncryptedTextField(default="", blank=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    token_obtained_at = models.DateTimeField(null=True, blank=True, editable=False)
    refresh_token = EncryptedTextField(default="", blank=True, editable=False)
    refresh_token_obtained_at = models.DateTimeField(null=True, blank=True, editable=False)
    token_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    token_lease_owner = models.CharField(max_length=64, blank=True, editable=False)
    token_fetches = models.PositiveIntegerField(default=0, editable=False, help_text="Token grants made so far.")

    auth_state = models.CharField(max_length=16, choices=AuthState.choices, default=AuthState.UNKNOWN)
    auth_message = models.CharField(max_length=500, blank=True)

    last_ping_at = models.DateTimeField(null=True, blank=True)
    last_ping_ok = models.BooleanField(null=True)
    last_ping_message = models.CharField(max_length=500, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    # --- typed config and secrets ----------------------------------------------------------
    @property
    def spec(self):
        return registry.config_spec(self.system)

    @property
    def typed_config(self):
        """The validated config model of this system (raises pydantic.ValidationError if invalid)."""
        return self.spec.config_model.model_validate(self.config or {})

    def get_secrets(self):
        return json.loads(self.secrets_json or "{}")

    def secret(self, name):
        return self.get_secrets().get(name, "")

    def set_secrets(self, **values):
        """Merge secrets (a value of None removes one); call save() afterwards."""
        current = self.get_secrets()
        for key, value in values.items():
            if value is None:
                current.pop(key, None)
            else:
                current[key] = value
        self.secrets_json = json.dumps(current, sort_keys=True)
        self.encrypted_with = current_key_id()

    def secret_values(self):
        """Every secret string this connection holds, for redaction of audit excerpts and logs."""
        values = [v for v in self.get_secrets().values() if isinstance(v, str)]
        values += [self.access_token, self.refresh_token]
        return [v for v in values if v and len(v) >= 4]

    def save(self, *args, **kwargs):
        if not self.encrypted_with:
            self.encrypted_with = current_key_id()
        super().save(*args, **kwargs)

    @property
    def system_label(self):
        return registry.label(self.system)


class RateLimitBucket(models.Model):
    """A token bucket shared by every worker of a connection (DESIGN §3).

    Updated with optimistic concurrency (`version`), so it holds across processes and machines on
    SQLite and PostgreSQL alike. Vendor headers overwrite our estimate: they are the truth.
    """

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="rate_buckets")
    key = models.CharField(max_length=100)
    capacity = models.FloatField()
    refill_per_second = models.FloatField()
    tokens = models.FloatField()
    updated_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)
    version = models.PositiveBigIntegerField(default=0)
    throttled = models.PositiveIntegerField(default=0, help_text="429 answers received")
    waited_seconds = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "key"], name="uniq_rate_bucket")]

    def __str__(self):
        return f"{self.connection.name}:{self.key}"
