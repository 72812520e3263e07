"""The shared rate limiter: one bucket per connection and key, shared by every worker, corrected by vendor headers."""

import threading
from datetime import timedelta

import pytest
from django.db import connection as db, connections

from connectors import clock, http, ratelimit
from connectors.errors import RecoverableError
from connectors.models import Connection, RateLimitBucket
from sandbox.walmart.seed import provision_connection


@pytest.fixture
def conn(transactional_db):
    c = Connection(name="wm", system="walmart", config={"client_id": "x", "rate_limits": {"tiny": [3, 60]}})
    c.save()
    return c


def test_it_allows_the_capacity_then_asks_to_retry_later(conn):
    for _ in range(3):
        ratelimit.acquire(conn, "tiny", max_wait=0)
    with pytest.raises(RecoverableError) as exc:
        ratelimit.acquire(conn, "tiny", max_wait=0)
    assert 15 <= exc.value.retry_after <= 21  # one token every 20 s


def test_it_refills_over_time(conn, monkeypatch):
    for _ in range(3):
        ratelimit.acquire(conn, "tiny", max_wait=0)
    later = clock.now() + timedelta(seconds=21)
    monkeypatch.setattr(clock, "now", lambda: later)
    ratelimit.acquire(conn, "tiny", max_wait=0)


def test_concurrent_workers_share_one_bucket(conn):
    if db.vendor == "sqlite" and db.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("threads cannot share the in-memory SQLite test database")
    granted, refused = [], []

    def worker():
        try:
            for _ in range(3):
                try:
                    ratelimit.acquire(Connection.objects.get(pk=conn.pk), "tiny", max_wait=0)
                    granted.append(1)
                except RecoverableError:
                    refused.append(1)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted) == 3 and len(refused) == 9


def test_vendor_headers_replace_our_estimate(conn):
    reset = clock.now() + timedelta(seconds=30)
    ratelimit.observe(conn, "tiny", remaining=0, reset_at=reset)
    bucket = RateLimitBucket.objects.get(connection=conn, key="tiny")
    assert bucket.tokens == 0 and bucket.blocked_until == reset
    with pytest.raises(RecoverableError):
        ratelimit.acquire(conn, "tiny", max_wait=0)


def test_a_429_from_walmart_blocks_the_bucket_with_its_replenishment_time(sandbox):
    from sandbox import clock as sandbox_clock
    from sandbox.models import Fault

    wm = provision_connection("wm-throttled", sandbox)
    Fault.objects.create(system="walmart", mode="throttle", seconds=40, starts_at=sandbox_clock.now(),
                         path_contains="token/detail")
    with pytest.raises(RecoverableError) as exc:
        http.send(wm, "GET", "/v3/token/detail")
    assert exc.value.status == 429
    bucket = RateLimitBucket.objects.get(connection=wm, key="default")
    assert bucket.throttled == 1 and bucket.blocked_until > clock.now() + timedelta(seconds=30)
    # The next call does not even reach Walmart: the shared bucket says wait.
    calls_before = sandbox_calls()
    with pytest.raises(RecoverableError) as exc:
        http.send(wm, "GET", "/v3/token/detail")
    assert sandbox_calls() == calls_before
    assert exc.value.retry_after > 30


def sandbox_calls():
    from sandbox.models import Call

    return Call.objects.filter(system="walmart").count()
