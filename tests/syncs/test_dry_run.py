"""`sync INTEGRATION orders_in --dry-run` prints the decisions and the exact ERP payload per order,
and writes nothing: no row of ours, no emulator document, no acknowledgement."""

import io

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from mappings import demo as mapping_demo
from sandbox import catalog, stats
from sandbox.ifs_cloud.seed import provision_connection, seed_demo
from sandbox.walmart import loader
from syncs.models import InboxEvent, Integration, MarketplaceOrder, PollState, StockReservation, SyncRun
from syncs.orders.normalise import store
from tests.contract.sellers import seller
from tests.syncs.orderkit import walmart_order

OURS = [MarketplaceOrder, InboxEvent, StockReservation, AuditEvent, SyncRun, PollState]


def snapshot():
    return {model.__name__: model.objects.count() for model in OURS}, stats.collect()


@pytest.fixture
def shop(sandbox):
    client, account = seller(sandbox)
    erp = provision_connection("ifs", sandbox)
    seed_demo()
    integration = Integration.objects.create(slug="acme", name="Acme", walmart=client.connection, erp=erp,
                                             enabled_flows=["orders_in"])
    mapping_demo.seed(integration)
    in_stock = next(i for i in catalog.items() if i.stock.get(catalog.SHIP_NODES[0].warehouse))
    loader.load_orders({"order": walmart_order("8800000000001", [(in_stock.sku, 1, "12.00", "0.99", "5.00")])},
                       account, deliver=False)
    loader.load_orders({"order": walmart_order("8800000000002", [("NOT-MAPPED-1", 1, "3.00", "0.25", 0)])},
                       account, deliver=False)
    store(integration, walmart_order("8800000000003", [(in_stock.sku, 2, "12.00", "1.98", 0)]))
    return integration, in_stock


def test_dry_run_prints_payloads_and_decisions_and_writes_nothing(shop):
    integration, item = shop
    before = snapshot()
    out = io.StringIO()
    call_command("sync", "acme", "orders_in", "--dry-run", stdout=out)
    text = out.getvalue()
    rows, emulators = snapshot()
    assert rows == before[0]
    # Reads were served (calls), but no emulator holds a new document.
    assert {s: e["documents"] for s, e in emulators.items()} == {s: e["documents"] for s, e in before[1].items()}
    assert "PO 8800000000001 (new on Walmart): would post as 8800000000001" in text
    assert "PO 8800000000003 (pending): would post as 8800000000003" in text
    assert "PO 8800000000002 (new on Walmart): needs_review: unmapped_sku" in text
    assert '"CustomerPoNo": "8800000000001"' in text and f'"erp_item": "{item.item_code}"' in text
    assert '"would": 2' in text and '"needs_review": 1' in text and "nothing written" in text


def test_dry_run_of_a_flow_without_one_is_refused(shop):
    with pytest.raises(Exception, match="--dry-run is available for orders_in"):
        call_command("sync", "acme", "returns_in", "--dry-run", stdout=io.StringIO())
