"""The rate limiter shared by all workers of a connection (DESIGN §3).

A token bucket per (connection, bucket) lives in the database (RateLimitBucket) and is updated with
optimistic concurrency, so ten processes on three machines draw from one bucket. What the vendor
tells us (Walmart X-Current-Token-Count / X-Next-Replenishment-Time, Exact X-RateLimit-*,
Retry-After on 429) replaces our estimate.
"""

import random
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError

from connectors import clock
from connectors.errors import RecoverableError
from connectors.models import RateLimitBucket

# Used when neither the system nor the connection names a limit for a bucket.
FALLBACK_LIMIT = (60.0, 60.0)  # 60 calls a minute


def _limit_for(connection, key):
    overrides = (connection.config or {}).get("rate_limits") or {}
    defaults = connection.spec.rate_limits
    for source in (overrides, defaults):
        if key in source:
            return tuple(source[key])
    for source in (overrides, defaults):
        if "default" in source:
            return tuple(source["default"])
    return FALLBACK_LIMIT


def _bucket(connection, key):
    try:
        return RateLimitBucket.objects.get(connection=connection, key=key)
    except RateLimitBucket.DoesNotExist:
        capacity, per = _limit_for(connection, key)
        try:
            return RateLimitBucket.objects.create(
                connection=connection, key=key, capacity=capacity, refill_per_second=capacity / per,
                tokens=capacity, updated_at=clock.now(),
            )
        except IntegrityError:  # another worker created it first
            return RateLimitBucket.objects.get(connection=connection, key=key)


def _refilled(bucket, now):
    elapsed = max(0.0, (now - bucket.updated_at).total_seconds())
    return min(bucket.capacity, bucket.tokens + elapsed * bucket.refill_per_second)


def _swap(bucket, **changes):
    """Compare-and-swap on `version`; True if our write won."""
    won = RateLimitBucket.objects.filter(pk=bucket.pk, version=bucket.version).update(
        version=bucket.version + 1, **changes
    )
    return won == 1


def acquire(connection, key="default", *, max_wait=None):
    """Take one token from the shared bucket, waiting up to `max_wait` seconds.

    Raises RecoverableError(retry_after=...) when the wait would be longer: the caller's work stays
    queued and is retried later instead of holding a worker.
    """
    max_wait = settings.RATE_LIMIT_MAX_WAIT if max_wait is None else max_wait
    waited = 0.0
    while True:
        bucket = _bucket(connection, key)
        now = clock.now()
        if bucket.blocked_until and bucket.blocked_until > now:
            wait = (bucket.blocked_until - now).total_seconds()
        else:
            tokens = _refilled(bucket, now)
            if tokens >= 1:
                if _swap(bucket, tokens=tokens - 1, updated_at=now, blocked_until=None):
                    if waited:
                        RateLimitBucket.objects.filter(pk=bucket.pk).update(waited_seconds=bucket.waited_seconds + waited)
                    return
                continue  # lost the race; read again
            wait = (1 - tokens) / bucket.refill_per_second if bucket.refill_per_second else max_wait + 1
        if waited + wait > max_wait:
            raise RecoverableError(
                f"Rate limit for {connection.name} ({key}) reached; retry in {wait:.0f} s", retry_after=wait
            )
        # A little jitter so waiting workers do not wake together.
        pause = min(wait, max_wait - waited) + random.uniform(0, 0.05)
        time.sleep(pause)
        waited += pause


def configure(connection, key, capacity, per_seconds):
    """Set a bucket's size and refill rate from what the vendor says the account may do (Walmart's
    partner profile: N feeds per window); tokens already spent stay spent."""
    capacity, per_seconds = float(capacity), float(per_seconds)
    for _ in range(5):
        bucket = _bucket(connection, key)
        if bucket.capacity == capacity and abs(bucket.refill_per_second * per_seconds - capacity) < 1e-9:
            return
        tokens = min(capacity, _refilled(bucket, clock.now()))
        if _swap(bucket, capacity=capacity, refill_per_second=capacity / per_seconds, tokens=tokens, updated_at=clock.now()):
            return


def observe(connection, key="default", *, remaining=None, limit=None, reset_at=None, retry_after=None, throttled=False):
    """Feed the vendor's rate-limit headers back into the shared bucket.

    remaining: calls left in the vendor's window; limit: the window's size; reset_at: aware datetime
    when the window refills; retry_after: seconds to pause (429).
    """
    if remaining is None and retry_after is None and not throttled:
        return
    for _ in range(5):
        bucket = _bucket(connection, key)
        now = clock.now()
        changes = {"updated_at": now}
        if limit:
            changes["capacity"] = float(limit)
        if remaining is not None:
            changes["tokens"] = float(max(0, remaining))
            if remaining <= 0 and reset_at and reset_at > now:
                changes["blocked_until"] = reset_at
        if retry_after is not None or throttled:
            pause = retry_after if retry_after is not None else 1.0
            until = now + timedelta(seconds=pause)
            if reset_at and reset_at > until:
                until = reset_at
            changes["blocked_until"] = until
            changes["tokens"] = 0.0
            changes["throttled"] = bucket.throttled + 1
        if "tokens" not in changes:
            changes["tokens"] = _refilled(bucket, now)
        if _swap(bucket, **changes):
            return
