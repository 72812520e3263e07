"""State of the Walmart emulator (orders, returns, webhooks...). Rate-limit buckets are here from the start."""

from django.db import models

from sandbox.models import Account


class RateBucket(models.Model):
    """Walmart's per-seller, per-endpoint token bucket (answers 429 when empty)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="walmart_rate_buckets")
    key = models.CharField(max_length=100)
    tokens = models.FloatField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="uniq_walmart_rate_bucket")]
