"""Verify against the ERP emulators through the real adapters: a present item becomes verified, a
missing one invalid with the ERP's message, and an outage leaves rows unverified."""

from importlib import import_module

import pytest

from connectors.models import Connection
from mappings.models import CustomerMap, SkuMap
from mappings.verify import verify_rows
from sandbox import clock
from sandbox.models import Fault
from syncs.models import Integration

# system -> (demo seed needed for the catalog, the ERP's word for a missing item)
SYSTEMS = {"exact_online": "no item with code ITM99999", "ifs_cloud": "no sales part ITM99999",
           "infor_m3": "ITM99999"}


def integration_for(system, sandbox):
    seed = import_module(f"sandbox.{system}.seed")
    erp = seed.provision_connection(f"erp-{system.replace('_', '-')}", sandbox)
    if "site_url" in seed.seed_demo.__code__.co_varnames:
        seed.seed_demo(site_url=sandbox)
    else:
        seed.seed_demo()
    walmart = Connection.objects.create(name="wm", system="walmart", config={"client_id": "x"})
    return Integration.objects.create(slug="acme", name="Acme", walmart=walmart, erp=erp)


@pytest.mark.parametrize("system", SYSTEMS)
def test_items_are_verified_or_invalid_with_the_erps_message(system, sandbox):
    integration = integration_for(system, sandbox)
    present = SkuMap.objects.create(integration=integration, walmart_sku="WM-KITC-0001", erp_item="ITM00001")
    missing = SkuMap.objects.create(integration=integration, walmart_sku="WM-X", erp_item="ITM99999")
    summary = verify_rows([present, missing])
    present.refresh_from_db()
    missing.refresh_from_db()
    assert present.verify_state == "verified", present.verify_message
    assert missing.verify_state == "invalid" and SYSTEMS[system] in missing.verify_message
    assert summary["verified"] == 1 and summary["invalid"] == 1


@pytest.mark.parametrize("system", SYSTEMS)
def test_an_outage_leaves_rows_unverified(system, sandbox):
    integration = integration_for(system, sandbox)
    row = SkuMap.objects.create(integration=integration, walmart_sku="WM-KITC-0001", erp_item="ITM00001")
    Fault.objects.create(system=system, mode="outage", starts_at=clock.now())
    summary = verify_rows([row])
    row.refresh_from_db()
    assert row.verify_state == "unverified" and summary["unverified"] == 1


def test_customers_too(sandbox):
    integration = integration_for("exact_online", sandbox)
    from sandbox.catalog import CUSTOMER_NO

    good = CustomerMap.objects.create(integration=integration, erp_customer=CUSTOMER_NO)
    bad = CustomerMap.objects.create(integration=integration, channel="x", erp_customer="NOBODY")
    verify_rows([good, bad])
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.verify_state == "verified" and bad.verify_state == "invalid"
