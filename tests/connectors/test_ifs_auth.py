"""IFS Cloud (Keycloak) client-credentials tokens and ping, against the emulator over real HTTP."""

import pytest
from pydantic import ValidationError

from connectors import ping
from connectors.ifs_cloud.client import IfsClient
from connectors.ifs_cloud.config import IfsCloudConfig
from connectors.models import Connection
from sandbox import clock, credentials
from sandbox.ifs_cloud.seed import provision_connection
from sandbox.models import Call, IssuedToken


@pytest.fixture
def ifs(sandbox):
    return provision_connection("ifs", sandbox)  # provisioning creates the company's sites


def token_calls():
    return Call.objects.filter(system="ifs_cloud", path__contains="/protocol/openid-connect/token", method="POST").count()


def read(conn):
    return IfsClient(conn).company_site("10", "DAL1")


def test_it_obtains_and_caches_a_token(ifs):
    assert read(ifs).description == "Dallas DC"
    read(ifs)
    ifs.refresh_from_db()
    assert token_calls() == 1 and ifs.token_fetches == 1
    assert ifs.auth_state == Connection.AuthState.OK
    # Another worker (a fresh copy of the row) uses the cached token.
    read(Connection.objects.get(pk=ifs.pk))
    assert token_calls() == 1


def test_it_refreshes_ahead_of_the_180_second_expiry(ifs, advance):
    read(ifs)
    advance(140)  # 40 s left: more than the 30-second margin
    read(ifs)
    assert token_calls() == 1
    advance(20)  # 20 s left: inside the margin
    read(ifs)
    assert token_calls() == 2
    assert not Call.objects.filter(system="ifs_cloud", status=401).exists()


def test_it_honours_expires_in_from_the_token_response(sandbox, advance):
    conn = provision_connection("ifs", sandbox, token_lifetime=600)
    read(conn)
    advance(500)
    read(conn)
    assert token_calls() == 1
    advance(80)
    read(conn)
    assert token_calls() == 2


def test_it_recovers_once_from_a_401(ifs):
    read(ifs)
    credentials.revoke_access(credentials.find_account("ifs_cloud", ifs.typed_config.client_id))
    assert read(ifs) is not None
    assert token_calls() == 2
    assert Call.objects.filter(system="ifs_cloud", status=401).count() == 1


def test_a_token_the_server_considers_expired_is_replaced(ifs):
    read(ifs)
    clock.advance(181)  # the emulator's clock only: our cache still believes the token is fresh
    assert read(ifs) is not None
    assert token_calls() == 2
    assert Call.objects.filter(system="ifs_cloud", status=401).count() == 1


def test_ping_ok_names_company_and_site(ifs):
    result = ping.ping(ifs)
    assert result.ok, result.summary
    assert "company 10, site DAL1 (Dallas DC)" in result.summary
    assert Call.objects.filter(system="ifs_cloud", path__contains="CompanySiteSet").count() == 1  # one cheap read


def test_a_wrong_secret_is_a_clear_error(ifs):
    ifs.set_secrets(client_secret="not-the-right-secret-123")
    ifs.save()
    result = ping.ping(ifs)
    assert not result.ok
    assert "credentials refused" in result.summary and "Invalid client secret" in result.summary
    assert "not-the-right-secret-123" not in result.summary
    ifs.refresh_from_db()
    assert ifs.auth_state == Connection.AuthState.BROKEN


def test_a_wrong_realm_is_named(sandbox):
    conn = provision_connection("ifs", sandbox)
    conn.config = {**conn.config, "realm": "acme-prod"}
    conn.save()
    result = ping.ping(conn)
    assert not result.ok
    assert "wrong realm" in result.summary and "Realm does not exist" in result.summary


def test_an_unknown_site_is_named(sandbox):
    conn = provision_connection("ifs", sandbox, site="DAL9")
    result = ping.ping(conn)
    assert not result.ok
    assert "site DAL9 not found in company 10" in result.summary


def test_a_site_of_another_company_is_not_accepted(sandbox):
    conn = provision_connection("ifs", sandbox, company="20")
    result = ping.ping(conn)
    assert not result.ok and "site DAL1 not found in company 20" in result.summary


def test_a_projection_the_service_user_may_not_use_is_named(sandbox):
    conn = provision_connection("ifs", sandbox, denied_projections=["CompanySiteHandling"])
    result = ping.ping(conn)
    assert not result.ok
    assert "missing permission" in result.summary and "CompanySiteHandling" in result.summary


def test_an_explicit_token_url_wins_over_the_realm(sandbox):
    conn = provision_connection(
        "ifs", sandbox, realm="tenant-a",
        token_url=f"{sandbox}/sandbox/ifs_cloud/auth/realms/tenant-a/protocol/openid-connect/token",
    )
    conn.config = {**conn.config, "realm": "host-label-is-not-the-realm"}
    conn.save()
    assert conn.typed_config.resolved_token_url().endswith("/realms/tenant-a/protocol/openid-connect/token")
    IfsClient(conn).stock(["ITM00001"], "DAL1")
    assert token_calls() == 1


def test_the_configured_scope_is_requested(sandbox):
    conn = provision_connection("ifs", sandbox, scope="openid microprofile-jwt")
    read(conn)
    issued = IssuedToken.objects.get(account__key=conn.typed_config.client_id, kind=IssuedToken.Kind.ACCESS)
    assert issued.data["scope"] == "openid microprofile-jwt"


def test_config_needs_a_realm_or_a_token_url():
    with pytest.raises(ValidationError, match="realm"):
        IfsCloudConfig(base_url="https://acme.ifs.cloud", client_id="c", company="10", site="S1")
    cfg = IfsCloudConfig(base_url="https://acme.ifs.cloud/", realm="acme", client_id="c", company="10", site="S1")
    assert cfg.resolved_token_url() == "https://acme.ifs.cloud/auth/realms/acme/protocol/openid-connect/token"
    assert cfg.api_base() == "https://acme.ifs.cloud/main/ifsapplications/projection/v1"
    assert cfg.token_refresh_margin == 30 and cfg.release_orders is False
