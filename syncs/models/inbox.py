"""The inbox of everything Walmart told us, and the bearer tokens of our webhook token endpoint."""

from django.db import models

from syncs.models.integration import Integration


class InboxEvent(models.Model):
    """One thing Walmart told us, once: a webhook delivery or a polled order/return.

    The inbox belongs to the Walmart account (the `account` connection), not to an integration:
    a delivery to any integration's URL on that account lands here once, and every integration on
    the account takes it from here. `dedup_key` is UNIQUE per account (DESIGN §4): the order's
    creation is keyed by purchaseOrderId so a webhook, its retries and a poll collapse into one row.
    """

    class Source(models.TextChoices):
        WEBHOOK = "webhook"
        POLL = "poll"

    class Status(models.TextChoices):
        PENDING = "pending"
        PROCESSING = "processing"
        PROCESSED = "processed"
        IGNORED = "ignored"
        FAILED = "failed"

    account = models.ForeignKey("connectors.Connection", on_delete=models.PROTECT, related_name="inbox_events")
    dedup_key = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)  # order | return
    event_type = models.CharField(max_length=50)
    sub_event_type = models.CharField(max_length=50, blank=True)
    event_id = models.CharField(max_length=100, blank=True)
    event_time = models.DateTimeField(null=True, blank=True)
    purchase_order_id = models.CharField(max_length=50, blank=True, db_index=True)
    return_order_id = models.CharField(max_length=50, blank=True, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    received_via = models.ForeignKey(Integration, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Work bookkeeping: a claim expires (a killed worker's row goes back to the pool); failures back off.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["account", "dedup_key"], name="uniq_inbox_dedup")]
        indexes = [models.Index(fields=["account", "status", "id"], name="inbox_pending_idx")]

    def __str__(self):
        return f"{self.event_type} {self.purchase_order_id or self.return_order_id}"


class PollState(models.Model):
    """Where polling of a Walmart account stands: survives restarts, and a lease stops two pollers overlapping."""

    account = models.OneToOneField("connectors.Connection", on_delete=models.CASCADE, related_name="poll_state")
    high_water = models.DateTimeField(null=True, blank=True, help_text="Orders modified before this were seen")
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(null=True)
    last_error = models.TextField(blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=64, blank=True)
    # Returns are polled on their own (GET /v3/returns), with their own mark and lease.
    returns_high_water = models.DateTimeField(null=True, blank=True)
    returns_last_run_at = models.DateTimeField(null=True, blank=True)
    returns_last_ok = models.BooleanField(null=True)
    returns_lease_until = models.DateTimeField(null=True, blank=True)
    returns_lease_owner = models.CharField(max_length=64, blank=True)


class WebhookToken(models.Model):
    """Bearer tokens our own token endpoint issued to Walmart (OAUTH webhook auth). Hashes only."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="webhook_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
