"""Walmart client-credentials tokens: obtained, cached, refreshed ahead of expiry, recovered once from 401."""

import pytest

from audit.models import AuditEvent
from connectors import http, ping
from connectors.models import Connection
from sandbox import credentials
from sandbox.models import Call
from sandbox.walmart.seed import provision_connection


def token_calls():
    return Call.objects.filter(system="walmart", path__startswith="/sandbox/walmart/v3/token", method="POST").count()


def test_it_obtains_and_caches_a_token(sandbox):
    conn = provision_connection("wm", sandbox)
    http.send(conn, "GET", "/v3/token/detail")
    http.send(conn, "GET", "/v3/token/detail")
    conn.refresh_from_db()
    assert token_calls() == 1
    assert conn.token_fetches == 1
    assert conn.auth_state == Connection.AuthState.OK
    # Another process (a fresh instance of the row) reuses the cached token.
    http.send(Connection.objects.get(pk=conn.pk), "GET", "/v3/token/detail")
    assert token_calls() == 1


def test_it_sends_walmart_headers_on_every_call(sandbox):
    conn = provision_connection("wm", sandbox)
    response = http.send(conn, "GET", "/v3/token/detail")
    sent = response.request.headers
    assert sent["WM_SVC.NAME"] == "Walmart Marketplace"
    assert sent["WM_SEC.ACCESS_TOKEN"] == Connection.objects.get(pk=conn.pk).access_token
    assert "Authorization" not in sent
    second = http.send(conn, "GET", "/v3/token/detail").request.headers
    assert second["WM_QOS.CORRELATION_ID"] != sent["WM_QOS.CORRELATION_ID"]


def test_it_refreshes_ahead_of_expiry(sandbox, advance):
    conn = provision_connection("wm", sandbox)
    http.send(conn, "GET", "/v3/token/detail")
    advance(900 - 119)  # inside the default 2-minute margin
    http.send(conn, "GET", "/v3/token/detail")
    assert token_calls() == 2
    assert not Call.objects.filter(system="walmart", status=401).exists()


def test_it_recovers_once_from_a_401(sandbox):
    conn = provision_connection("wm", sandbox)
    http.send(conn, "GET", "/v3/token/detail")
    credentials.revoke_access(credentials.find_account("walmart", conn.typed_config.client_id))
    http.send(conn, "GET", "/v3/token/detail")
    assert token_calls() == 2
    assert Call.objects.filter(system="walmart", status=401).count() == 1


def test_it_recovers_from_400_invalid_token(sandbox, advance):
    conn = provision_connection("wm", sandbox, expired_token_status=400)
    http.send(conn, "GET", "/v3/token/detail")
    # Walmart's clock says the token expired, ours does not (clock skew): the 400 INVALID_TOKEN triggers a refresh.
    from sandbox import clock

    clock.advance(901)
    http.send(conn, "GET", "/v3/token/detail")
    assert token_calls() == 2
    assert Call.objects.filter(system="walmart", status=400).count() == 1


def test_a_wrong_secret_is_a_clear_error(sandbox):
    conn = provision_connection("wm", sandbox)
    conn.set_secrets(client_secret="not-the-right-secret-123")
    conn.save()
    result = ping.ping(conn)
    assert not result.ok
    assert "credentials refused" in result.summary
    assert "not-the-right-secret-123" not in result.summary
    conn.refresh_from_db()
    assert conn.auth_state == Connection.AuthState.BROKEN
    assert conn.last_ping_ok is False


def test_ping_reports_missing_permissions(sandbox):
    conn = provision_connection("wm", sandbox, scopes={"orders": "no_access"})
    result = ping.ping(conn)
    assert not result.ok and "orders" in result.summary


def test_ping_ok(sandbox):
    conn = provision_connection("wm", sandbox)
    result = ping.ping(conn)
    assert result.ok, result.summary
    assert AuditEvent.objects.filter(action="connection.ping.succeeded", connection=conn).exists()


def test_unreachable_host_is_named(transactional_db):
    conn = provision_connection("wm", "http://127.0.0.1:9")
    result = ping.ping(conn)
    assert not result.ok and "unreachable host" in result.summary


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_recoverable(sandbox, status):
    from connectors.errors import RecoverableError
    from sandbox.models import Fault
    from sandbox import clock

    conn = provision_connection("wm", sandbox)
    http.send(conn, "GET", "/v3/token/detail")
    Fault.objects.create(system="walmart", mode="error" if status == 500 else "outage", starts_at=clock.now())
    with pytest.raises(RecoverableError):
        http.send(conn, "GET", "/v3/token/detail")
