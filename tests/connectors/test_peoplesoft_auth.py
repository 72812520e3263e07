"""PeopleSoft auth and ping: HTTP Basic (OPRID) and OAuth2 client credentials (PeopleTools 8.59+),
token cache and refresh, and a ping that says what is wrong in words a PeopleSoft admin acts on."""

import pytest
from pydantic import ValidationError

from connectors import ping
from connectors.auth import forget_token
from connectors.errors import ConfigError
from connectors.models import Connection
from connectors.peoplesoft.client import PeopleSoftClient
from sandbox import credentials
from sandbox.models import Call
from sandbox.peoplesoft.seed import provision_connection


def token_calls():
    return Call.objects.filter(system="peoplesoft", path__startswith="/sandbox/peoplesoft/oauth2/", method="POST").count()


def query_once(conn):
    return PeopleSoftClient(conn).execute_query(
        "ML_INV_BALANCES", {"BUSINESS_UNIT": "DAL", "INV_ITEM_ID": "%", "AFTER_ITEM_ID": ""}, maxrows=1)


def test_basic_auth_pings(sandbox):
    conn = provision_connection("ps-basic", sandbox)
    result = ping.ping(conn)
    assert result.ok, result.summary
    assert "signed in as ML_PS_BASIC" in result.summary and "PSFT_EP" in result.summary
    sent = Call.objects.get(system="peoplesoft")
    assert "/PSIGW/RESTListeningConnector/PSFT_EP/ExecuteQuery.v1/PUBLIC/ML_OPEN_PO_LINES/JSON/NONFILE" in sent.path
    assert "maxrows=1" in sent.path and "json_resp=true" in sent.path
    assert token_calls() == 0


def test_oauth2_pings(sandbox):
    conn = provision_connection("ps-oauth", sandbox, auth_type="oauth2")
    result = ping.ping(conn)
    assert result.ok, result.summary
    assert "OAuth2 token obtained" in result.summary
    conn.refresh_from_db()
    assert conn.access_token and conn.auth_state == Connection.AuthState.OK


@pytest.mark.parametrize("client_auth", ["basic", "form"])
def test_oauth2_token_is_obtained_once_and_cached(sandbox, client_auth):
    conn = provision_connection("ps-oauth", sandbox, auth_type="oauth2", client_auth=client_auth)
    query_once(conn)
    query_once(conn)
    query_once(Connection.objects.get(pk=conn.pk))  # another worker's copy of the row uses the same token
    assert token_calls() == 1
    assert Connection.objects.get(pk=conn.pk).token_fetches == 1


def test_oauth2_token_is_refreshed_ahead_of_expiry(sandbox, advance):
    conn = provision_connection("ps-oauth", sandbox, auth_type="oauth2")
    query_once(conn)
    advance(3600 - 61)  # still outside the 60-second margin
    query_once(conn)
    assert token_calls() == 1
    advance(2)  # now inside it
    query_once(conn)
    assert token_calls() == 2
    assert not Call.objects.filter(system="peoplesoft", status=401).exists()


def test_oauth2_token_lifetime_comes_from_the_server(sandbox, advance):
    conn = provision_connection("ps-oauth", sandbox, auth_type="oauth2", token_lifetime=300)
    query_once(conn)
    advance(300 - 59)
    query_once(conn)
    assert token_calls() == 2


def test_oauth2_recovers_once_from_a_401(sandbox):
    conn = provision_connection("ps-oauth", sandbox, auth_type="oauth2")
    query_once(conn)
    credentials.revoke_access(credentials.find_account("peoplesoft", conn.typed_config.client_id))
    query_once(conn)
    assert token_calls() == 2
    assert Call.objects.filter(system="peoplesoft", status=401).count() == 1


def test_a_wrong_password_is_refused_once_and_named(sandbox):
    conn = provision_connection("ps-basic", sandbox)
    conn.set_secrets(password="not-the-password-42")
    conn.save()
    result = ping.ping(conn)
    assert not result.ok
    assert result.summary.startswith("credentials refused for OPRID ML_PS_BASIC")
    assert "not-the-password-42" not in result.summary
    # One try only: repeating a wrong password brings PeopleSoft's OPRID lockout closer.
    assert Call.objects.filter(system="peoplesoft", status=401).count() == 1


def test_a_wrong_client_secret_is_refused(sandbox):
    conn = provision_connection("ps-oauth", sandbox, auth_type="oauth2")
    conn.set_secrets(client_secret="not-the-secret-42")
    conn.save()
    result = ping.ping(conn)
    assert not result.ok and result.summary.startswith("credentials refused for client sandbox-ps-oauth")
    conn.refresh_from_db()
    assert conn.auth_state == Connection.AuthState.BROKEN


def test_a_wrong_node_is_named(sandbox):
    conn = provision_connection("ps-basic", sandbox, node="PSFT_HR")
    result = ping.ping(conn)
    assert not result.ok
    assert result.summary.startswith("node PSFT_HR or query ML_OPEN_PO_LINES not found: check that the service "
                                     "operation is active and routed")


def test_an_inactive_query_operation_is_named(sandbox):
    conn = provision_connection("ps-basic", sandbox, inactive_operations=["ExecuteQuery.v1"])
    result = ping.ping(conn)
    assert not result.ok
    assert "check that the service operation is active and routed" in result.summary
    assert "QAS_EXECUTEQRY_REST_GET is inactive" in result.summary


def test_an_unknown_query_is_named(sandbox):
    conn = provision_connection("ps-basic", sandbox, po_query={"name": "ZZ_NO_SUCH_QUERY"})
    result = ping.ping(conn)
    assert not result.ok and "query ZZ_NO_SUCH_QUERY not found" in result.summary


def test_a_missing_permission_list_is_named(sandbox):
    conn = provision_connection("ps-basic", sandbox, denied_operations=["ExecuteQuery.v1"])
    result = ping.ping(conn)
    assert not result.ok
    assert result.summary.startswith("missing permission list for QAS")


def test_a_missing_secret_is_a_config_error(sandbox):
    conn = provision_connection("ps-oauth", sandbox, auth_type="oauth2")
    conn.set_secrets(client_secret=None)
    conn.save()
    with pytest.raises(ConfigError, match="client secret is missing"):
        query_once(conn)
    assert not Call.objects.exists()  # refused before any call


@pytest.mark.parametrize("config, message", [
    ({"base_url": "https://erp.example.com:8443", "node": "PSFT_EP"}, "username"),
    ({"base_url": "https://erp.example.com:8443", "node": "PSFT_EP", "auth_type": "oauth2"}, "client_id and token_url"),
    ({"base_url": "https://erp.example.com:8443", "node": "PSFT_EP", "auth_type": "oauth2", "client_id": "c"},
     "token_url required"),
    ({"base_url": "https://erp.example.com:8443", "node": "PSFT_EP", "username": "VP1", "auth_type": "ntlm"},
     "auth_type"),
])
def test_config_requires_what_the_auth_type_needs(config, message):
    from connectors.peoplesoft.config import PeopleSoftConfig

    with pytest.raises(ValidationError, match=message):
        PeopleSoftConfig.model_validate(config)


def test_config_builds_the_rest_listening_connector_base():
    from connectors.peoplesoft.config import PeopleSoftConfig

    cfg = PeopleSoftConfig.model_validate({"base_url": "https://erp.example.com:8443/", "node": "PSFT_EP", "username": "VP1"})
    assert cfg.api_base() == "https://erp.example.com:8443/PSIGW/RESTListeningConnector/PSFT_EP"
    assert cfg.po_query.name == "ML_OPEN_PO_LINES" and cfg.inventory_query.name == "ML_INV_BALANCES"


@pytest.mark.parametrize("auth_type", ["basic", "oauth2"])
def test_no_password_secret_or_token_reaches_the_audit_trail(sandbox, auth_type):
    import json

    from audit.models import AuditEvent

    conn = provision_connection("ps-audit", sandbox, auth_type=auth_type)
    assert ping.ping(conn).ok
    conn.refresh_from_db()
    secrets = list(conn.get_secrets().values()) + ([conn.access_token] if auth_type == "oauth2" else [])
    assert all(secrets) and len(secrets) == (2 if auth_type == "oauth2" else 1)
    field = "password" if auth_type == "basic" else "client_secret"
    conn.set_secrets(**{field: "wrong-but-secret-9"})
    conn.save()
    forget_token(conn)  # as after any change of credentials: the cached token was granted to the old ones
    assert not ping.ping(conn).ok  # a refusal is audited too, with the vendor's answer
    trail = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert AuditEvent.objects.filter(connection=conn).count() >= 3
    for secret in secrets + ["wrong-but-secret-9"]:
        assert secret not in trail
