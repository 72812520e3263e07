"""The IFS demo data: drawn from the shared catalog, idempotent, and a connection that pings."""

from decimal import Decimal

from django.db.models import Sum

from connectors import ping
from connectors.models import Connection
from sandbox import catalog
from sandbox.ifs_cloud import stats
from sandbox.ifs_cloud.models import ChargeType, Customer, InventoryPartInStock, SalesPart, Site
from sandbox.ifs_cloud.seed import DEMO_REALM, provision_connection, seed_demo
from sandbox.models import Account


def test_seed_follows_the_catalog(db):
    counts = seed_demo()
    nodes, items = catalog.SHIP_NODES, catalog.items()
    assert counts["sites"] == len(nodes) and counts["sales_parts"] == len(nodes) * len(items)
    assert {(s.contract, s.company) for s in Site.objects.all()} == {(n.ifs_site, catalog.COMPANY) for n in nodes}
    for node in nodes:
        for item in items[:25]:
            rows = InventoryPartInStock.objects.filter(realm=DEMO_REALM, contract=node.ifs_site, part_no=item.item_code)
            assert (rows.aggregate(q=Sum("available_qty"))["q"] or Decimal(0)) == item.stock[node.warehouse]
            assert all(r.location_no.startswith(node.ifs_location[:-1]) for r in rows)
    part = SalesPart.objects.get(realm=DEMO_REALM, contract="DAL1", catalog_no=items[0].item_code)
    assert (part.part_no, part.list_price, part.catalog_desc) == (items[0].item_code, items[0].price, items[0].name)
    assert Customer.objects.get(realm=DEMO_REALM).customer_id == catalog.CUSTOMER_NO
    assert ChargeType.objects.filter(realm=DEMO_REALM, charge_type="FREIGHT").count() == len(nodes)


def test_seed_is_idempotent_and_keeps_changed_stock(db):
    first = seed_demo()
    row = InventoryPartInStock.objects.filter(realm=DEMO_REALM).first()
    row.qty_reserved = Decimal(1)
    row.save()
    assert seed_demo() == first
    row.refresh_from_db()
    assert row.qty_reserved == 1 and row.available_qty == row.qty_onhand - 1


def test_provisioning_is_idempotent_and_wires_the_first_node(db):
    first = provision_connection()
    again = provision_connection(token_lifetime=300)
    assert first.pk == again.pk and Connection.objects.filter(name="demo-ifs").count() == 1
    cfg = again.typed_config
    assert (cfg.company, cfg.site, cfg.realm) == (catalog.COMPANY, catalog.SHIP_NODES[0].ifs_site, DEMO_REALM)
    assert cfg.base_url.endswith("/sandbox/ifs_cloud")
    account = Account.objects.get(system="ifs_cloud", key=cfg.client_id)
    assert account.settings == {"realm": DEMO_REALM, "token_lifetime": 300}
    assert again.secret("client_secret") and account.secret_hash != again.secret("client_secret")


def test_stats_start_empty(db):
    seed_demo()
    assert stats.documents() == {"customer_orders": 0} and stats.duplicate_references() == 0


def test_the_demo_connection_pings(sandbox):
    seed_demo()
    result = ping.ping(provision_connection("demo-ifs", sandbox))
    assert result.ok, result.summary
