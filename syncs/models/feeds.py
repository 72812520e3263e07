"""Bulk feeds to Walmart (DESIGN §5): one row per submitted file, and the seller's feed limits.

A Feed carries the exact bytes it uploads (so a chunk that waits for a throttle token, or whose
answer was lost, is sent again byte for byte), our deterministic `reference` (the file name Walmart
lists back, so an unanswered submit can be found), Walmart's feedId and the outcome per item. The
lines themselves live in the state tables (syncs.models.outbound), which point at the feed carrying
their value.
"""

from django.db import models

from syncs.models.integration import Integration


class Feed(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued (waiting for a feed token)"
        SUBMITTING = "submitting", "Submitting"
        SUBMITTED = "submitted", "Submitted (Walmart is processing it)"
        PROCESSED = "processed", "Processed"
        ERROR = "error", "Walmart refused the file"
        TIMED_OUT = "timed_out", "Timed out (lines resent)"
        FAILED = "failed", "Refused at submit"

    OPEN_STATES = (State.QUEUED, State.SUBMITTING, State.SUBMITTED)

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="feeds")
    flow = models.CharField(max_length=20, help_text="inventory_out, prices_out, items_out")
    feed_type = models.CharField(max_length=30)
    reference = models.CharField(max_length=80, unique=True, help_text="Our file name: finds an unanswered submit")
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED, db_index=True)
    walmart_feed_id = models.CharField(max_length=100, blank=True)
    lines = models.PositiveIntegerField(default=0, help_text="SKU × node lines (inventory) or items in the file")
    first_sku = models.CharField(max_length=100, blank=True)
    last_sku = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    payload = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="Submit or check again at")
    submit_attempts = models.PositiveIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    walmart_status = models.CharField(max_length=20, blank=True, help_text="RECEIVED, INPROGRESS, PROCESSED, ERROR")
    inprogress_since = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    items_received = models.PositiveIntegerField(default=0)
    items_succeeded = models.PositiveIntegerField(default=0)
    items_failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[{sku, type, code, description}] and file errors")
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="feed_due_idx")]

    def __str__(self):
        return f"{self.feed_type} {self.reference}"


class FeedLimit(models.Model):
    """A Walmart account's limits for one feed type, from GET /v3/settings/partnerprofile (re-read
    daily); `count` feeds per `window_seconds`, files up to `file_size` bytes."""

    walmart = models.ForeignKey("connectors.Connection", on_delete=models.CASCADE, related_name="+")
    feed_type = models.CharField(max_length=30)
    count = models.PositiveIntegerField()
    window_seconds = models.PositiveIntegerField()
    file_size = models.PositiveBigIntegerField()
    from_profile = models.BooleanField(default=True, help_text="False: the documented fallback, the profile said nothing")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["walmart", "feed_type"], name="uniq_feed_limit")]
