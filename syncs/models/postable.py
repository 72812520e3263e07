"""The columns the posting machine (syncs.posting) keeps on every row it posts: state, claim lease,
attempts and backoff, review reason, and what the other side answered. Stock counts and shipment
confirmations take them from here (orders and returns predate it and spell them out)."""

from django.db import models


class PostableRow(models.Model):
    class Status(models.TextChoices):
        READY = "ready"
        POSTING = "posting"
        RETRY_WAIT = "retry_wait"
        POSTED = "posted"
        NEEDS_REVIEW = "needs_review"

    status = models.CharField(max_length=15, choices=Status.choices, default=Status.READY, db_index=True)
    review_reason = models.CharField(max_length=30, blank=True)
    review_message = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_owner = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    erp_document_number = models.CharField(max_length=100, blank=True, help_text="What the other side recorded")
    erp_document_kind = models.CharField(max_length=30, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
