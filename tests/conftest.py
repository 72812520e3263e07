"""Shared fixtures. External systems are the sandbox emulators, reached over real HTTP."""

import pytest
from django.core.servers import basehttp

from sandbox import clock as sandbox_clock

from wsgiref import simple_server


# The test server, like gunicorn with header_map="dangerous" (config/gunicorn.conf.py), must keep
# header names with underscores: Walmart's WM_SVC.NAME, WM_SEC.ACCESS_TOKEN... (Django's dev server
# drops them). And the sandbox's drop_after_commit fault needs the socket, as gunicorn exposes it.
def _get_environ(self):
    environ = simple_server.WSGIRequestHandler.get_environ(self)
    environ["sandbox.socket"] = self.connection
    return environ


basehttp.WSGIRequestHandler.get_environ = _get_environ


def _delete_flush(original):
    """PostgreSQL: empty tables with DELETE instead of TRUNCATE between transactional tests.

    TRUNCATE of ~100 tables costs ~1.3 s per test (new files per table); DELETE of the few rows a test
    wrote costs milliseconds. Django's PostgreSQL foreign keys are DEFERRABLE INITIALLY DEFERRED and
    the flush runs in one transaction, so the order of the DELETEs does not matter.
    """

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    return sql_flush


try:
    from django.db.backends.postgresql.operations import DatabaseOperations as _PgOperations
except ImportError:  # psycopg not installed: SQLite only
    _PgOperations = None
if _PgOperations is not None:
    _PgOperations.sql_flush = _delete_flush(_PgOperations.sql_flush)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache outlives a test's database (Redis in CI): start each test with an empty one."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception:  # the database cache table exists only once a test asked for the database
        pass
    yield


@pytest.fixture
def sandbox(live_server, transactional_db):
    """The live server's URL (emulators are under /sandbox/<system>/); the sandbox clock starts at zero."""
    sandbox_clock.reset()
    yield live_server.url
    sandbox_clock.reset()


@pytest.fixture
def advance():
    """Move the sandbox clock and the connector clock forward together: advance(seconds)."""
    from datetime import timedelta

    from connectors import clock as our_clock

    state = {"offset": 0.0}
    original = our_clock.now

    def _advance(seconds):
        state["offset"] += seconds
        sandbox_clock.advance(seconds)

    our_clock.now = lambda: original() + timedelta(seconds=state["offset"])
    yield _advance
    our_clock.now = original
