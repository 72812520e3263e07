"""State shared by all emulators: the clock, fault switches, call log, accounts and issued tokens.

Like a real vendor, the sandbox keeps only hashes of the secrets and tokens it issues, so its
tables never hold a usable credential in plaintext.
"""

from django.db import models
from fernet_fields import EncryptedTextField

SYSTEMS = ["walmart", "ifs_cloud", "infor_cloudsuite", "infor_m3", "peoplesoft", "exact_online"]
SYSTEM_CHOICES = [(s, s) for s in SYSTEMS]


class Clock(models.Model):
    """A single row: how far the sandbox clock runs ahead of real time (tests move it)."""

    offset_seconds = models.FloatField(default=0)


class Fault(models.Model):
    class Mode(models.TextChoices):
        LATENCY = "latency", "Added latency"
        ERROR = "error", "Server errors (5xx) at a rate"
        OUTAGE = "outage", "Outage (503 for a while)"
        TIMEOUT = "timeout", "No answer within the client's timeout"
        THROTTLE = "throttle", "429 storm"
        DROP_AFTER_COMMIT = "drop_after_commit", "Commit, then drop the connection"

    system = models.CharField(max_length=32, choices=SYSTEM_CHOICES)
    mode = models.CharField(max_length=32, choices=Mode.choices)
    rate = models.FloatField(default=1.0, help_text="Share of matching calls affected, 0..1")
    seconds = models.FloatField(default=0, help_text="Latency/timeout length, or outage duration")
    path_contains = models.CharField(max_length=200, blank=True, help_text="Only calls whose path contains this")
    method = models.CharField(max_length=10, blank=True, help_text="Only calls with this HTTP method")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Sandbox clock; empty = until cleared")
    hits = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.system} {self.mode}"


class Call(models.Model):
    """One request served by an emulator (for stats and for tests that count calls)."""

    at = models.DateTimeField(db_index=True)
    system = models.CharField(max_length=32, choices=SYSTEM_CHOICES, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField(null=True)
    fault = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-id"]


class Account(models.Model):
    """A credential the emulator accepts: a Walmart client id, an IFS IAM client, an .ionapi app,
    a PeopleSoft operator, an Exact app. `settings` holds system-specific values (realm, tenant,
    token lifetime, division, granted permissions...)."""

    system = models.CharField(max_length=32, choices=SYSTEM_CHOICES)
    key = models.CharField(max_length=200, help_text="Client id / user name")
    secret_hash = models.CharField(max_length=64)
    # A second secret where the vendor has one (Infor service-account secret key, PeopleSoft password).
    secret2_hash = models.CharField(max_length=64, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    # Secrets the vendor itself must use in clear, e.g. to sign webhooks (Exact's webhook secret): encrypted.
    signing_secret = EncryptedTextField(default="", blank=True)
    name = models.CharField(max_length=100, blank=True, help_text="Seller or tenant, for people")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "key"], name="uniq_sandbox_account")]

    def __str__(self):
        return f"{self.system}:{self.key}"


class IssuedToken(models.Model):
    class Kind(models.TextChoices):
        ACCESS = "access"
        REFRESH = "refresh"
        CODE = "code"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True, help_text="Single-use tokens (refresh, code)")
    revoked = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
