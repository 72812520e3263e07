"""Fixtures for stock and price flows: the demo (every emulator seeded, one integration per ERP on
the one demo Walmart account) with roomy feed limits unless a test says otherwise."""

import pytest
from django.core.management import call_command

from sandbox import credentials
from syncs.models import Integration

ROOMY = {"count": 30, "window": 3600, "file_size": 5_000_000}


def walmart_account(integration):
    return credentials.find_account("walmart", integration.walmart.typed_config.client_id)


def set_throttle(account, feed_type, **values):
    throttles = dict(account.settings.get("feed_throttles") or {})
    throttles[feed_type] = {**ROOMY, **values}
    account.settings = {**account.settings, "feed_throttles": throttles}
    account.save(update_fields=["settings"])


@pytest.fixture
def demo(sandbox, settings):
    settings.SITE_URL = sandbox
    call_command("demo", stdout=open("/dev/null", "w"))
    return sandbox


def enable(slug, *flows):
    integration = Integration.objects.select_related("walmart", "erp").get(slug=slug)
    integration.enabled_flows = sorted(set(integration.enabled_flows) | set(flows))
    integration.save()
    account = walmart_account(integration)
    for feed_type in ("MP_INVENTORY", "PRICE_AND_PROMOTION"):
        set_throttle(account, feed_type)
    return integration
