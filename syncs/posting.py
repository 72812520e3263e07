"""The posting state machine (DESIGN §4.6), one place for every document we post into an ERP.

    ready ──claim──▶ posting ──▶ posted (ERP document number stored)
                        │──▶ retry_wait (RecoverableError: exponential backoff with jitter, capped)
                        │──▶ needs_review (PermanentError with the ERP's text, ConfigError, attempts_exceeded)
                        └──▶ AmbiguousOutcome: find_document now; found → posted, not found → retry_wait,
                             the ERP cannot tell → needs_review(ambiguous_outcome)

A claim is a conditional UPDATE committed before any ERP call, and a lease: a heartbeat thread
renews it while the call runs, so a claim whose worker was killed expires and the next worker
takes it over. Any attempt after the first (a retry, a replay, a stale claim) asks
`find_document(reference)` first, so an ERP that committed before the answer was lost is never
posted to twice. A `Job` says how one kind of row (orders now, returns later) is built and posted.
"""

import logging
import os
import random
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q

from audit import log as audit_log
from connectors import clock
from connectors.errors import AmbiguousOutcome, ConfigError, PermanentError, RecoverableError
from connectors.redact import redact_text

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
# Reason codes an adapter may name in PermanentError.vendor_code; anything else is erp_rejected.
REVIEW_CODES = {"no_po_match", "ambiguous_po_match", "out_of_stock", "invalid_mapping", "unmapped_sku",
                "unmapped_node", "unmapped_gl", "unmapped_customer"}


class Unbuildable(Exception):
    """The row cannot be turned into a posting (a mapping went missing since validation)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


class Job:
    """How one kind of row is posted. Subclasses set `model`, `action` (audit prefix) and implement
    build(row) -> posting (or raise Unbuildable), post(adapter, posting, existing), posted(row, doc)."""

    model = None
    action = ""
    S = None  # the model's Status choices

    def build(self, row):
        raise Unbuildable("invalid_mapping", f"{type(self).__name__} does not build postings")

    def post(self, adapter, posting, existing):
        return adapter.post_order(posting, existing)

    def find(self, adapter, reference):
        """Look the row's document up in the ERP by our reference (before any retry)."""
        return adapter.find_document(reference)

    def posted(self, row, document):
        """Side effects of success inside the transaction that marks the row posted."""


def due(job, queryset, *, retry_now=False):
    S, now = job.S, clock.now()
    waiting = Q(status=S.RETRY_WAIT) if retry_now else Q(status=S.RETRY_WAIT, next_attempt_at__lte=now)
    return queryset.filter(Q(status=S.READY) | waiting | Q(status=S.POSTING, claimed_until__lt=now)).order_by("id")


def lease_seconds():
    return settings.POSTING_LEASE_SECONDS


class _Heartbeat(threading.Thread):
    """Renews a claim while the ERP call runs; stops when told or when the claim was lost."""

    def __init__(self, job, pk, owner):
        super().__init__(daemon=True)
        self.job, self.pk, self.owner, self.stop = job, pk, owner, threading.Event()

    def run(self):
        try:
            while not self.stop.wait(max(lease_seconds() / 4, 0.2)):
                if not self.job.model.objects.filter(pk=self.pk, claim_owner=self.owner).update(
                        claimed_until=clock.now() + timedelta(seconds=lease_seconds())):
                    return
        finally:
            connection.close()


def _claim(job, row):
    """Take the row if it is still due; returns (owner, reconcile_first) or (None, False)."""
    # The owner names the worker process, so staff (and the kill-loop test) can tell who holds a claim.
    S, now, owner = job.S, clock.now(), f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    won = job.model.objects.filter(pk=row.pk).filter(
        Q(status__in=[S.READY, S.RETRY_WAIT]) | Q(status=S.POSTING, claimed_until__lt=now)
    ).filter(status=row.status).update(
        status=S.POSTING, claim_owner=owner, claimed_until=now + timedelta(seconds=lease_seconds()),
        attempts=F("attempts") + 1,
    )
    # A stale claim (a killed worker), a retry or a replay may have reached the ERP: look first.
    return (owner, row.status == S.POSTING or row.attempts > 0) if won else (None, False)


def _finish(job, row, owner, **values):
    """Leave `posting` for the given state, only if we still hold the claim."""
    values.setdefault("claimed_until", None)
    values.setdefault("claim_owner", "")
    return job.model.objects.filter(pk=row.pk, status=job.S.POSTING, claim_owner=owner).update(**values)


def _audit(job, row, outcome, message="", ok=True, **data):
    audit_log.record(f"{job.action}.{outcome}", obj=row, object_id=row.reference, ok=ok,
                     message=redact_text(message)[:2000], data={"integration": row.integration.slug, **data})


def _to_review(job, row, owner, code, message, outcome="failed"):
    if _finish(job, row, owner, status=job.S.NEEDS_REVIEW, review_reason=code, review_message=message[:5000],
               last_error=message[:5000], next_attempt_at=None):
        _audit(job, row, outcome, message, ok=False, reason=code)
    return "needs_review"


def _retry(job, row, owner, exc, *, attempts):
    integ = row.integration
    if attempts >= integ.post_max_attempts:
        return _to_review(job, row, owner, "attempts_exceeded", f"Gave up after {attempts} attempts: {exc}")
    delay = min(integ.post_backoff_cap_seconds, BACKOFF_BASE_SECONDS * 2 ** (attempts - 1))
    delay = max(delay * random.uniform(0.5, 1.0), getattr(exc, "retry_after", None) or 0)
    when = clock.now() + timedelta(seconds=delay)
    if _finish(job, row, owner, status=job.S.RETRY_WAIT, next_attempt_at=when, last_error=str(exc)[:5000]):
        _audit(job, row, "failed", str(exc), ok=False, retry_in_seconds=round(delay), attempt=attempts)
    return "retry_wait"


def _posted(job, row, owner, document, outcome):
    with transaction.atomic():
        if not _finish(job, row, owner, status=job.S.POSTED, erp_document_number=document.number[:100],
                       erp_document_kind=document.kind[:30], posted_at=clock.now(), last_error="",
                       review_reason="", review_message="", next_attempt_at=None):
            return "lost_claim"  # our lease expired and another worker took over: it reconciles
        job.posted(row, document)
    _audit(job, row, outcome, f"{document.kind} {document.number}", document=document.number, kind=document.kind)
    return "posted"


def attempt(job, row, adapter, *, force_lookup=False):
    """One pass of the machine over one row: claim, (reconcile,) post, record. Returns the outcome."""
    owner, reconcile = _claim(job, row)
    if owner is None:
        return "skipped"
    row.refresh_from_db()
    heartbeat = _Heartbeat(job, row.pk, owner)
    heartbeat.start()
    try:
        return _attempt(job, row, adapter, owner, reconcile or force_lookup)
    finally:
        heartbeat.stop.set()
        heartbeat.join()


def _attempt(job, row, adapter, owner, reconcile):
    attempts = row.attempts
    try:
        posting = job.build(row)
    except Unbuildable as exc:
        return _to_review(job, row, owner, exc.code, exc.message)
    existing = None
    if reconcile:
        try:
            existing = job.find(adapter, posting.reference)
        except RecoverableError as exc:
            return _retry(job, row, owner, exc, attempts=attempts)
        except (PermanentError, AmbiguousOutcome) as exc:
            return _to_review(job, row, owner, "ambiguous_outcome",
                              f"Could not tell whether an earlier attempt reached the ERP: {exc}", "ambiguous")
        if existing is not None and existing.complete:
            return _posted(job, row, owner, existing, "reconciled")
    _audit(job, row, "requested", f"attempt {attempts}" + (" (completing a half-done post)" if existing else ""),
           attempt=attempts)
    try:
        document = job.post(adapter, posting, existing)
    except AmbiguousOutcome as exc:
        _audit(job, row, "ambiguous", str(exc), ok=False)
        return _after_ambiguous(job, row, adapter, owner, posting, exc, attempts)
    except ConfigError as exc:
        return _to_review(job, row, owner, "erp_config", f"ERP connection problem: {exc}")
    except PermanentError as exc:
        code = exc.vendor_code if exc.vendor_code in REVIEW_CODES else "erp_rejected"
        return _to_review(job, row, owner, code, str(exc))
    except RecoverableError as exc:
        return _retry(job, row, owner, exc, attempts=attempts)
    return _posted(job, row, owner, document, "succeeded")


def _after_ambiguous(job, row, adapter, owner, posting, exc, attempts):
    try:
        found = job.find(adapter, posting.reference)
    except RecoverableError:
        return _retry(job, row, owner, exc, attempts=attempts)  # the next attempt looks again first
    except (PermanentError, AmbiguousOutcome) as lookup_exc:
        return _to_review(job, row, owner, "ambiguous_outcome",
                          f"{exc}; and the ERP could not say whether the document exists: {lookup_exc}", "ambiguous")
    if found is not None and found.complete:
        return _posted(job, row, owner, found, "reconciled")
    return _retry(job, row, owner, exc, attempts=attempts)


def run(job, queryset, adapter, *, retry_now=False, limit=200):
    """Post every due row of `queryset`; returns counts by outcome."""
    counts = {}
    for row in due(job, queryset, retry_now=retry_now)[:limit]:
        outcome = attempt(job, row, adapter)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
