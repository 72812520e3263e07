"""One contract, six systems: every registered system provisions against its emulator, pings,
caches its token, and explains a wrong secret, an outage and an unreachable host in one line.

Per-system details (401 recovery, expiry, vendor quirks) are in the test_<system>_*.py files.
"""

import json
from importlib import import_module

import pytest

from connectors import auth, ping, registry
from connectors.models import Connection
from sandbox import clock
from sandbox.models import Fault

SYSTEMS = list(registry.SYSTEMS)
# The secret each system's emulator checks first (changing it must break authentication).
PRIMARY_SECRET = {
    "walmart": "client_secret", "ifs_cloud": "client_secret", "infor_cloudsuite": "cs", "infor_m3": "cs",
    "peoplesoft": "password", "exact_online": "client_secret",
}


def provision(system, base, name=None):
    return import_module(f"sandbox.{system}.seed").provision_connection(name or f"t-{system.replace('_', '-')}", base)


def test_every_system_has_an_emulator_provisioner_and_typed_config():
    for system in SYSTEMS:
        spec = registry.config_spec(system)
        assert spec.system == system
        assert hasattr(import_module(f"sandbox.{system}.seed"), "provision_connection"), system
        assert registry.adapter_class(system).ping is not None


@pytest.mark.parametrize("system", SYSTEMS)
def test_ping_works_and_the_token_is_cached(system, sandbox):
    conn = provision(system, sandbox)
    first = ping.ping(conn)
    assert first.ok, first.summary
    again = ping.ping(Connection.objects.get(pk=conn.pk))
    assert again.ok, again.summary
    conn.refresh_from_db()
    if isinstance(conn.spec.auth, auth.TokenAuth):
        # Exact's first token comes from consent (provisioning), the others from one grant.
        assert conn.token_fetches <= 1
        assert conn.auth_state == Connection.AuthState.OK


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_wrong_secret_is_explained_without_revealing_it(system, sandbox):
    conn = provision(system, sandbox)
    wrong = "definitely-not-the-secret-4711"
    conn.set_secrets(**{PRIMARY_SECRET[system]: wrong})
    conn.access_token, conn.token_expires_at, conn.refresh_token = "", None, ""
    conn.save()
    result = ping.ping(conn)
    assert not result.ok
    assert wrong not in result.summary
    assert any(word in result.summary.lower() for word in ("refused", "consent", "credentials", "unauthor")), result.summary


@pytest.mark.parametrize("system", SYSTEMS)
def test_an_outage_is_explained(system, sandbox):
    conn = provision(system, sandbox)
    Fault.objects.create(system=system, mode="outage", starts_at=clock.now())
    result = ping.ping(conn)
    assert not result.ok and "temporarily failing" in result.summary, result.summary


@pytest.mark.parametrize("system", SYSTEMS)
def test_an_unreachable_host_is_explained(system, sandbox):
    conn = provision(system, sandbox)
    # Point every URL of the config at a port where nothing listens.
    conn.config = json.loads(json.dumps(conn.config).replace(sandbox, "http://127.0.0.1:9"))
    conn.access_token, conn.token_expires_at = "", None
    conn.save()
    result = ping.ping(conn)
    assert not result.ok and "unreachable host" in result.summary, result.summary
