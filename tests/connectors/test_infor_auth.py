"""ION API tokens for Infor M3 and CloudSuite FSM: obtained, cached, refreshed ahead of expiry,
recovered once from a 401, one login for concurrent workers, login quota, clear ping messages."""

import threading

import pytest
from django.db import connection as db_connection

from connectors import auth, ping
from connectors.errors import RecoverableError
from connectors.infor_cloudsuite.client import FsmClient
from connectors.infor_m3.client import M3Client
from connectors.models import Connection
from sandbox import credentials
from sandbox.infor_cloudsuite.seed import provision_connection as provision_fsm
from sandbox.infor_m3.seed import provision_connection as provision_m3
from sandbox.models import Call, IssuedToken

SYSTEMS = {
    "infor_m3": (provision_m3, lambda conn: M3Client(conn).execute("MNS150MI", "GetUserData", company=False)),
    "infor_cloudsuite": (provision_fsm, lambda conn: FsmClient(conn).accounting_entity()),
}


@pytest.fixture(params=list(SYSTEMS))
def infor(request, sandbox):
    provision, cheap_call = SYSTEMS[request.param]

    def make(name="infor", site=sandbox, **overrides):
        return provision(name, site, **overrides)

    make.system = request.param
    make.call = cheap_call
    return make


def token_calls(system):
    return Call.objects.filter(system=system, path__endswith="/as/token.oauth2", method="POST").count()


def logins(conn, grant="password"):
    account = credentials.find_account(conn.system, conn.typed_config.ionapi.ci)
    return IssuedToken.objects.filter(account=account, kind="access", data__grant=grant).count()


def test_it_obtains_and_caches_a_token(infor):
    conn = infor()
    infor.call(conn)
    infor.call(conn)
    infor.call(Connection.objects.get(pk=conn.pk))  # another worker's copy of the row
    conn.refresh_from_db()
    assert token_calls(infor.system) == 1
    assert conn.token_fetches == 1 and conn.auth_state == Connection.AuthState.OK
    # The default ION lifetime (2 hours) is what we cache.
    assert 7190 < (conn.token_expires_at - conn.token_obtained_at).total_seconds() <= 7200


def test_it_refreshes_ahead_of_expiry(infor, advance):
    conn = infor()
    infor.call(conn)
    advance(7200 - 299)  # inside the 5-minute margin
    infor.call(conn)
    assert token_calls(infor.system) == 2
    assert not Call.objects.filter(system=infor.system, status=401).exists()


def test_a_refresh_token_saves_a_service_account_login(infor, advance):
    conn = infor(issue_refresh_tokens=True)
    infor.call(conn)
    advance(7200 - 200)
    infor.call(conn)
    assert logins(conn, "password") == 1
    assert logins(conn, "refresh_token") == 1


def test_it_recovers_once_from_a_401(infor):
    conn = infor()
    infor.call(conn)
    credentials.revoke_access(credentials.find_account(infor.system, conn.typed_config.ionapi.ci))
    infor.call(conn)
    assert token_calls(infor.system) == 2
    assert Call.objects.filter(system=infor.system, status=401).count() == 1


def test_concurrent_workers_log_in_once(infor):
    if db_connection.vendor == "sqlite" and db_connection.is_in_memory_db():
        # Shared-cache in-memory SQLite answers a concurrent write with "table is locked" at once
        # instead of waiting (busy_timeout does not apply); file SQLite and PostgreSQL wait as designed.
        pytest.skip("needs a file-based SQLite test database or PostgreSQL")
    conn = infor()
    barrier = threading.Barrier(4)
    tokens, failures = [], []

    def worker():
        try:
            copy = Connection.objects.get(pk=conn.pk)  # each thread: its own row copy and DB connection
            barrier.wait(timeout=10)
            infor.call(copy)
            tokens.append(copy.access_token)
        except Exception as exc:  # reported below; a thread must not die silently
            failures.append(exc)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures, failures
    assert len(tokens) == 4 and len(set(tokens)) == 1
    assert token_calls(infor.system) == 1


def test_the_login_quota_is_a_recoverable_error(infor):
    conn = infor(login_quota={"per_minute": 1})
    infor.call(conn)
    auth.forget_token(conn)  # e.g. the token was lost: a second login within the minute
    with pytest.raises(RecoverableError) as caught:
        infor.call(conn)
    assert caught.value.status == 429
    assert 0 < caught.value.retry_after <= 60
    assert "quota" in str(caught.value)


def test_a_wrong_secret_is_a_clear_ping_message(infor):
    conn = infor()
    conn.set_secrets(sask="not-the-right-service-secret")
    conn.save()
    result = ping.ping(conn)
    assert not result.ok
    assert "credentials refused" in result.summary and "saak/sask" in result.summary
    assert "not-the-right-service-secret" not in result.summary
    conn.refresh_from_db()
    assert conn.auth_state == Connection.AuthState.BROKEN


def test_a_wrong_client_secret_is_a_clear_ping_message(infor):
    conn = infor()
    conn.set_secrets(cs="not-the-right-client-secret")
    conn.save()
    result = ping.ping(conn)
    assert not result.ok and "credentials refused" in result.summary and "401" in result.summary


def test_a_broken_ionapi_config_is_named(infor):
    conn = infor()
    del conn.config["ionapi"]["pu"]
    conn.save()
    result = ping.ping(conn)
    assert not result.ok and "ionapi.pu" in result.summary


def test_missing_secrets_ask_for_the_file_again(infor):
    conn = infor()
    conn.set_secrets(sask=None)
    conn.save()
    result = ping.ping(conn)
    assert not result.ok and "upload the file again" in result.summary


def test_ping_ok(infor):
    result = ping.ping(infor())
    assert result.ok, result.summary
    assert result.summary.startswith("token obtained")


def test_the_token_request_is_redacted_in_the_audit_trail(infor):
    from audit.models import AuditEvent

    conn = infor()
    infor.call(conn)
    event = AuditEvent.objects.get(action="http.token", connection=conn)
    secrets = conn.get_secrets()
    conn.refresh_from_db()
    for value in (secrets["cs"], secrets["sask"], conn.typed_config.ionapi.saak, conn.access_token):
        assert value not in event.request_excerpt + event.response_excerpt + event.url
    assert "grant_type=password" in event.request_excerpt  # the excerpt is there, only redacted


def test_an_unreachable_gateway_is_named(infor):
    conn = infor(site="http://127.0.0.1:9")
    result = ping.ping(conn)
    assert not result.ok and "unreachable host" in result.summary
