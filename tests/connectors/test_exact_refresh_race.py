"""The Exact refresh race (erp-apis.md §E.3): two worker processes find the token due at the same moment.

Without the shared lease both would present the same single-use refresh token, one would get "Old
refresh token used." and the connection would need a new interactive consent. With it, exactly one
refresh reaches Exact and both processes end with the same new token.
"""

import multiprocessing
import os
from datetime import timedelta

import pytest

# Nothing from Django at module level: the spawned workers import this module before django.setup().
WORKERS = 2


def _worker(db_name, connection_pk, clock_offset, barrier, results):
    """A separate OS process: its own Django, its own database connection, the test's clock offset."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = db_name  # the test database, not the development one
    import django

    django.setup()
    from connectors import clock
    from connectors.auth import ensure_token
    from connectors.models import Connection as Conn

    real_now = clock.now
    clock.now = lambda: real_now() + timedelta(seconds=clock_offset)  # the parent's advance(), in this process
    conn = Conn.objects.get(pk=connection_pk)
    barrier.wait(timeout=60)
    try:
        results.put(("ok", ensure_token(conn, conn.spec.auth)))
    except Exception as exc:  # reported to the parent, which fails the test with it
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        from django.db import connections

        connections.close_all()  # the parent drops the test database afterwards


@pytest.mark.postgres_only
@pytest.mark.slow
def test_two_processes_refresh_exactly_once(sandbox, advance):
    from django.db import connection as db_connection

    from connectors.models import Connection
    from sandbox.exact_online.seed import provision_connection
    from sandbox.models import Call

    if db_connection.vendor != "postgresql":
        pytest.skip("needs a database shared by several processes (PostgreSQL); the SQLite test DB is in memory")
    conn = provision_connection("exact-race", sandbox)
    before = Connection.objects.get(pk=conn.pk)
    advance(575)  # both workers will find the token due
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(WORKERS), context.Queue()
    processes = [
        context.Process(target=_worker, args=(db_connection.settings_dict["NAME"], conn.pk, 575, barrier, results))
        for _ in range(WORKERS)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert [kind for kind, _ in outcomes] == ["ok"] * WORKERS, outcomes
    tokens = {token for _, token in outcomes}
    after = Connection.objects.get(pk=conn.pk)
    assert tokens == {after.access_token} and after.access_token != before.access_token
    assert after.refresh_token != before.refresh_token and after.token_fetches == before.token_fetches + 1
    token_calls = Call.objects.filter(system="exact_online", path__endswith="/api/oauth2/token")
    assert token_calls.count() == 2 and token_calls.filter(status=200).count() == 2  # the consent and ONE refresh
