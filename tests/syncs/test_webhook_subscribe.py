"""`webhooks subscribe`: subscriptions created then updated on the Walmart emulator, and its test
delivery reaches our own endpoint over HTTP with each auth method."""

import io

import pytest
from django.core.management import call_command

from connectors.models import Connection
from sandbox.walmart.seed import provision_connection
from syncs.models import Integration


@pytest.fixture
def integ(sandbox, settings):
    settings.SITE_URL = sandbox  # Walmart (the emulator) must reach our webhook URL
    walmart = provision_connection("wm", sandbox)
    erp = Connection.objects.create(name="erp", system="ifs_cloud", config={})
    integration = Integration(slug="acme", name="Acme", walmart=walmart, erp=erp, webhook_auth="hmac",
                              webhook_header="X-Walmart-Signature")
    integration.set_webhook_secret("subscribe-secret")
    integration.save()
    return integration


def run(slug):
    out = io.StringIO()
    call_command("webhooks", "subscribe", slug, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("method,user,header", [("hmac", "", "X-Walmart-Signature"), ("basic_auth", "wm", "Authorization"),
                                                 ("oauth", "wm-client", "Authorization")])
def test_subscribe_then_test_delivery_reaches_us(integ, method, user, header):
    integ.webhook_auth, integ.webhook_username, integ.webhook_header = method, user, header
    integ.save()
    output = run("acme")
    assert "ORDER_UPDATES: created" in output or "PO_CREATED: created" in output
    assert "RETURN_CREATED: created" in output
    assert "test delivery: Eventurl successfully validated" in output
    again = run("acme")
    assert "created" not in again.replace("test delivery", "") and "updated" in again
