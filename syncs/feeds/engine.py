"""Queue, submit and track feeds (DESIGN §5).

    queued ──claim──▶ submitting ──▶ submitted ──track──▶ processed (per-item results applied)
       ▲                  │  no token / 429 / 5xx: back to queued, next_attempt_at from the throttle
       └──────────────────┤  answer lost: find the file by its reference on Walmart; found → submitted,
                          │  not there → queued again (feeds carry absolute values: a resend is safe)
                          └▶ failed (refused: 4xx); the lines are released and say why
    submitted ──▶ error (the file was refused whole) / timed_out (INPROGRESS past the limit): lines resent

A claim is a conditional UPDATE committed before the upload, with a lease, so two workers never
upload one chunk and a killed worker's chunk is reconciled (looked up first) by the next.
"""

import logging
import uuid
from datetime import timedelta

from django.db.models import F, Q

from audit import log as audit_log
from connectors import clock
from connectors.errors import AmbiguousOutcome, ConnectorError, PermanentError, RecoverableError
from connectors.walmart.listings import FEED_BUCKETS, WalmartListings
from syncs.feeds import files, limits, results
from syncs.models import Feed

logger = logging.getLogger(__name__)
S = Feed.State

SUBMIT_LEASE_SECONDS = 300
CHECK_SECONDS = 60  # between status reads of a submitted feed
SUBMIT_BACKOFF_SECONDS = 60
MAX_SUBMIT_ATTEMPTS = 8


def new_run_token(flow):
    return f"{flow}-{uuid.uuid4().hex[:16]}"


def queue(integration, flow, feed_type, records, *, on_chunk):
    """Cut `records` into files under the account's limits and queue one Feed per file.
    `on_chunk(feed)` ties the lines of the file to its Feed (one UPDATE), once all files are cut:
    SQLite gives no isolation between a cursor still reading the lines and an UPDATE of them."""
    limit = limits.limit(integration.walmart, feed_type)
    queued = []
    base = new_run_token(flow)
    for n, chunk in enumerate(files.chunks(feed_type, records, max_bytes=limit.file_size), 1):
        feed = Feed.objects.create(
            integration=integration, flow=flow, feed_type=feed_type, reference=f"{base}-{n}", lines=chunk.lines,
            first_sku=chunk.first_sku, last_sku=chunk.last_sku, size=len(chunk.payload), payload=chunk.payload,
        )
        queued.append(feed)
    for feed in queued:
        on_chunk(feed)
    return queued


def _audit(feed, outcome, message="", ok=True, **data):
    audit_log.record(f"feed.{outcome}", obj=feed, object_id=feed.reference, ok=ok, message=message[:2000],
                     data={"integration": feed.integration.slug, "feed_type": feed.feed_type, "lines": feed.lines, **data})


def _claim(feed):
    now = clock.now()
    return Feed.objects.filter(pk=feed.pk).filter(
        Q(state=S.QUEUED) | Q(state=S.SUBMITTING, claimed_until__lt=now)
    ).update(state=S.SUBMITTING, claimed_until=now + timedelta(seconds=SUBMIT_LEASE_SECONDS),
             submit_attempts=F("submit_attempts") + 1)


def _set(feed, **values):
    Feed.objects.filter(pk=feed.pk).update(**values)
    for key, value in values.items():
        setattr(feed, key, value)


def _submitted(feed, walmart_feed_id, how):
    now = clock.now()
    _set(feed, state=S.SUBMITTED, walmart_feed_id=walmart_feed_id, submitted_at=now, claimed_until=None,
         next_attempt_at=now + timedelta(seconds=CHECK_SECONDS), last_error="")
    _audit(feed, how, walmart_feed_id, walmart_feed_id=walmart_feed_id)
    return "submitted"


def _requeue(feed, exc, delay):
    _set(feed, state=S.QUEUED, claimed_until=None, last_error=str(exc)[:5000],
         next_attempt_at=clock.now() + timedelta(seconds=delay))
    return "waiting"


def _find(client, feed):
    return client.find_feed(feed.reference, since=feed.created_at - timedelta(minutes=5))


def submit(feed, client=None):
    """Submit one queued feed (or reconcile one whose earlier upload went unanswered)."""
    if not _claim(feed):
        return "skipped"
    feed.refresh_from_db()
    client = client or WalmartListings(feed.integration.walmart)
    if feed.submit_attempts > 1:
        # An earlier attempt may have reached Walmart (a lost answer, a killed worker): look first.
        try:
            found = _find(client, feed)
        except ConnectorError as exc:
            return _requeue(feed, f"could not tell whether the earlier upload arrived: {exc}", SUBMIT_BACKOFF_SECONDS)
        if found is not None:
            return _submitted(feed, found.feed_id, "reconciled")
    limit = limits.limit(feed.integration.walmart, feed.feed_type)
    try:
        feed_id = client.submit_feed(feed.feed_type, bytes(feed.payload), reference=feed.reference,
                                     max_bytes=limit.file_size, rate_wait=0)
    except AmbiguousOutcome as exc:
        _audit(feed, "ambiguous", str(exc), ok=False)
        try:
            found = _find(client, feed)
        except ConnectorError:
            return _requeue(feed, exc, 0)  # the next attempt looks again before uploading
        if found is not None:
            return _submitted(feed, found.feed_id, "reconciled")
        _set(feed, submit_attempts=0)  # known not to be on Walmart: the next upload needs no look-up
        return _requeue(feed, exc, 0)
    except RecoverableError as exc:
        if feed.submit_attempts >= MAX_SUBMIT_ATTEMPTS and exc.status not in (429, None):
            return _failed(feed, f"gave up after {feed.submit_attempts} attempts: {exc}")
        # No token (ours or Walmart's 429): wait until the bucket refills; other errors back off.
        delay = exc.retry_after if exc.retry_after is not None else SUBMIT_BACKOFF_SECONDS
        _set(feed, submit_attempts=0 if exc.status in (429, None) else feed.submit_attempts)
        return _requeue(feed, exc, delay)
    except PermanentError as exc:
        return _failed(feed, str(exc))
    return _submitted(feed, feed_id, "submitted")


def _failed(feed, message):
    _set(feed, state=S.FAILED, claimed_until=None, last_error=message[:5000], done_at=clock.now())
    results.release(feed, f"The feed was refused: {message}", system=False)
    _audit(feed, "failed", message, ok=False)
    return "failed"


def submit_due(integration, flow=None):
    """Submit the integration's queued feeds that are due, oldest first; stop at the first that
    finds no throttle token (the rest of that bucket would not find one either)."""
    counts, blocked = {}, set()
    now = clock.now()
    feeds = Feed.objects.filter(integration=integration).filter(
        Q(state=S.QUEUED, next_attempt_at__isnull=True) | Q(state=S.QUEUED, next_attempt_at__lte=now)
        | Q(state=S.SUBMITTING, claimed_until__lt=now))
    if flow:
        feeds = feeds.filter(flow=flow)
    client = WalmartListings(integration.walmart)
    for feed in feeds.select_related("integration__walmart").order_by("id"):
        bucket = FEED_BUCKETS[feed.feed_type]
        if bucket in blocked:
            counts["waiting"] = counts.get("waiting", 0) + 1
            continue
        outcome = submit(feed, client)
        if outcome == "waiting":
            blocked.add(bucket)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def track(feed, client=None):
    """Read a submitted feed's status; apply its per-item results when Walmart is done with it."""
    client = client or WalmartListings(feed.integration.walmart)
    now = clock.now()
    try:
        status = client.feed_status(feed.walmart_feed_id, include_details=True)
    except ConnectorError as exc:
        _set(feed, last_error=str(exc)[:5000], next_attempt_at=now + timedelta(seconds=CHECK_SECONDS))
        return "unreadable"
    values = {"walmart_status": status.status, "items_received": status.received, "items_succeeded": status.succeeded,
              "items_failed": status.failed, "last_error": ""}
    if status.status == "INPROGRESS" and feed.inprogress_since is None:
        values["inprogress_since"] = now
    if status.done:
        return results.apply(feed, status, values)
    timeout = timedelta(minutes=feed.integration.feed_timeout_minutes)
    if feed.submitted_at and now - feed.submitted_at > timeout:
        _set(feed, state=S.TIMED_OUT, done_at=now, **values)
        results.release(feed, f"Walmart kept feed {feed.walmart_feed_id} {status.status} for more than "
                              f"{feed.integration.feed_timeout_minutes} minutes; the lines are sent again", system=True)
        _audit(feed, "timed_out", status.status, ok=False)
        return "timed_out"
    _set(feed, next_attempt_at=now + timedelta(seconds=CHECK_SECONDS), **values)
    return "in_progress"


def track_due(integration, flow=None, *, all_now=False):
    counts = {}
    feeds = Feed.objects.filter(integration=integration, state=S.SUBMITTED)
    if not all_now:
        feeds = feeds.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=clock.now()))
    if flow:
        feeds = feeds.filter(flow=flow)
    client = WalmartListings(integration.walmart)
    for feed in feeds.select_related("integration__walmart").order_by("id"):
        outcome = track(feed, client)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def in_flight(integration, flow=None):
    feeds = Feed.objects.filter(integration=integration, state__in=Feed.OPEN_STATES)
    return feeds.filter(flow=flow).count() if flow else feeds.count()
