"""Exact Online tokens over real HTTP: cached, refreshed at 9.5 minutes and never before, rotated refresh
tokens stored, one recovery from a revoked token, consent loss, keep-alive of idle connections."""

import pytest
import requests

from connectors import ping, tasks
from connectors.errors import ConfigError, ConsentLost
from connectors.exact_online.client import ExactClient
from connectors.models import Connection
from sandbox import clock as sandbox_clock
from sandbox import credentials
from sandbox.exact_online.seed import provision_connection
from sandbox.models import Call

DAY = 86400


def token_calls(status=None):
    calls = Call.objects.filter(system="exact_online", path__endswith="/api/oauth2/token", method="POST")
    return calls.filter(status=status).count() if status else calls.count()


def fresh(conn):
    """The connection as another worker process would load it."""
    return Connection.objects.get(pk=conn.pk)


def refresh_directly(conn, refresh_token):
    """Present a refresh token to the sandbox ourselves (as a second installation holding a copy would)."""
    return requests.post(f"{conn.typed_config.api_base()}/oauth2/token", timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": conn.typed_config.client_id,
        "client_secret": conn.secret("client_secret"),
    })


def test_token_is_cached_and_shared(sandbox):
    conn = provision_connection("exact-cache", sandbox)  # consents: one authorization_code call
    ExactClient(conn).me()
    ExactClient(conn).me()
    ExactClient(fresh(conn)).me()
    assert token_calls() == 1
    assert fresh(conn).token_fetches == 1


def test_refresh_at_nine_and_a_half_minutes_and_not_before(sandbox, advance):
    conn = provision_connection("exact-refresh", sandbox)
    first_refresh_token = fresh(conn).refresh_token
    advance(560)
    ExactClient(fresh(conn)).me()
    assert token_calls() == 1  # 9 min 20 s: still the first token
    advance(15)
    ExactClient(fresh(conn)).me()
    assert token_calls() == 2 and token_calls(200) == 2
    stored = fresh(conn)
    assert stored.refresh_token and stored.refresh_token != first_refresh_token  # the rotated one was stored
    assert stored.token_fetches == 2
    refused = refresh_directly(conn, first_refresh_token)
    assert refused.status_code == 401 and refused.json()["error_description"] == "Old refresh token used."


def test_recovers_once_from_a_revoked_token(sandbox):
    conn = provision_connection("exact-revoked", sandbox)
    client = ExactClient(conn)
    client.me()
    credentials.revoke_access(credentials.find_account("exact_online", conn.typed_config.client_id))
    assert client.me().current_division == conn.typed_config.division
    assert Call.objects.filter(system="exact_online", path__contains="current/Me", status=401).count() == 1
    assert token_calls(200) == 2  # Exact allows an early refresh of a revoked token


def test_a_young_token_refused_for_another_reason_keeps_the_refresh_token(sandbox, advance):
    conn = provision_connection("exact-wrong-division", sandbox)
    refresh_token = fresh(conn).refresh_token
    conn.config = {**conn.config, "division": 999}  # a division the consenting user cannot see
    conn.save()
    with pytest.raises(ConfigError) as raised:
        ExactClient(fresh(conn)).items(["ITM00001"])
    assert "refused an access token that is still valid" in str(raised.value)
    assert "Access to division 999 is not allowed" in str(raised.value)  # Exact's own words
    assert token_calls() == 1  # the 401 did not call the token invalid: no refresh attempted
    stored = fresh(conn)
    assert stored.refresh_token == refresh_token and stored.auth_state == Connection.AuthState.BROKEN
    # Fixed division: the same tokens work, and the refresh token was never burnt.
    conn.config = {**conn.config, "division": 3050123}
    conn.save()
    assert ExactClient(fresh(conn)).items(["ITM00001"])[0]["Code"] == "ITM00001"
    advance(575)
    ExactClient(fresh(conn)).me()
    assert fresh(conn).auth_state == Connection.AuthState.OK and token_calls(200) == 2


def test_old_refresh_token_used_means_consent_lost(sandbox, advance):
    conn = provision_connection("exact-stolen", sandbox)
    advance(575)
    assert refresh_directly(conn, fresh(conn).refresh_token).status_code == 200  # someone else rotated it
    result = ping.ping(fresh(conn))
    assert not result.ok and result.summary.startswith("consent lost, reconnect")
    stored = fresh(conn)
    assert stored.auth_state == Connection.AuthState.CONSENT_LOST
    assert stored.refresh_token == "" and stored.access_token == ""
    calls = token_calls()
    with pytest.raises(ConsentLost, match="connect to Exact Online first"):
        ExactClient(stored).me()
    assert token_calls() == calls  # no refresh token left to present


def test_refresh_token_unused_for_30_days_has_expired(sandbox, advance):
    conn = provision_connection("exact-idle", sandbox)
    advance(31 * DAY)
    with pytest.raises(ConsentLost, match="refresh token expired"):
        ExactClient(fresh(conn)).me()
    assert fresh(conn).auth_state == Connection.AuthState.CONSENT_LOST


def test_keep_alive_refreshes_idle_connections_only(sandbox, advance):
    conn = provision_connection("exact-keepalive", sandbox)
    advance(3 * DAY)
    assert tasks.keep_tokens_alive() == 0 and token_calls() == 1
    advance(5 * DAY)  # 8 days idle: past the default 7
    old_refresh_token = fresh(conn).refresh_token
    assert tasks.keep_tokens_alive() == 1
    stored = fresh(conn)
    assert stored.refresh_token != old_refresh_token and token_calls(200) == 2
    advance(25 * DAY)  # 25 days after the keep-alive, 33 after consent: still alive
    assert ExactClient(fresh(conn)).me().full_name == "Demo Accountant"


def test_too_early_answer_keeps_the_current_token(sandbox, advance):
    conn = provision_connection("exact-skew", sandbox)
    token = fresh(conn).access_token
    advance(575)
    sandbox_clock.advance(-10)  # Exact's clock is 10 s behind ours: to Exact the token is 565 s old
    ExactClient(fresh(conn)).me()
    stored = fresh(conn)
    assert token_calls(400) == 1 and stored.access_token == token  # kept, and the call went through
    ExactClient(fresh(conn)).me()
    assert token_calls() == 2  # no second refresh attempt right away
    advance(11)
    ExactClient(fresh(conn)).me()
    assert token_calls(200) == 2 and fresh(conn).access_token != token


def test_exact_clock_ahead_expired_token_is_refreshed_once(sandbox, advance):
    conn = provision_connection("exact-ahead", sandbox)
    advance(560)
    sandbox_clock.advance(45)  # to Exact the token is 605 s old and expired; to us it is still fresh
    ExactClient(fresh(conn)).me()
    assert token_calls(200) == 2
    assert Call.objects.filter(system="exact_online", path__contains="current/Me", status=401).count() == 1


def test_invalid_token_that_exact_will_not_refresh_yet_is_a_config_error(sandbox):
    conn = provision_connection("exact-foreign-token", sandbox)
    refresh_token = fresh(conn).refresh_token
    Connection.objects.filter(pk=conn.pk).update(access_token="a-token-exact-never-issued")
    with pytest.raises(ConfigError, match="token server says it has not expired"):
        ExactClient(fresh(conn)).me()
    assert token_calls(400) == 1 and fresh(conn).refresh_token == refresh_token
