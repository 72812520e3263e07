"""IFS Cloud sandbox: an IAM client and a Connection for it, and the demo company's data.

The data comes from sandbox.catalog, so IFS agrees with Walmart and the other emulators.
seed_company: one site per ship node (Contract = ifs_site) in catalog.COMPANY, the FREIGHT charge
type, the Walmart marketplace customer. seed_demo adds the catalog: a sales part per item and site
priced at the catalog price, and stock records at the node's location (larger quantities split over
a second location, as IFS keeps one record per location).
"""

from decimal import Decimal

from connectors.ifs_cloud.config import IfsCloudConfig
from sandbox import catalog, credentials, provision
from sandbox.ifs_cloud.models import ChargeType, Customer, InventoryPartInStock, SalesPart, Site

SYSTEM = "ifs_cloud"
DEMO_REALM = "mlconnector"


def provision_connection(name="demo-ifs", site_url=None, *, client_id=None, client_secret=None, realm=DEMO_REALM,
                         **overrides):
    """An IAM client in `realm` and a Connection using it (company catalog.COMPANY, the first node's site).

    `overrides` that are IfsCloudConfig fields (site, read_timeout, token_url...) go to the connection's
    config; the rest are settings of the emulator account: token_lifetime (seconds, default 180),
    max_page_size (server-driven paging with @odata.nextLink), stale_metadata_calls (that many calls
    answer 500 MI_MODIFIED_ERROR), denied_projections (projection names answered with 403).
    """
    client_id = client_id or f"sandbox-{name}"
    client_secret = client_secret or f"sandbox-secret-for-{name}-do-not-use-in-production"
    config_overrides = {k: v for k, v in overrides.items() if k in IfsCloudConfig.model_fields}
    account_settings = {k: v for k, v in overrides.items() if k not in config_overrides}
    credentials.create_account(SYSTEM, client_id, client_secret, name=name, realm=realm, **account_settings)
    seed_company(realm)  # a tenant always has its company and sites: ping works before the catalog is loaded
    config = {
        "base_url": provision.sandbox_base(SYSTEM, site_url), "realm": realm, "client_id": client_id,
        "company": catalog.COMPANY, "site": catalog.SHIP_NODES[0].ifs_site, "coordinator": "WALMART",
        **config_overrides,
    }
    return provision.connection(name, SYSTEM, config=config, secrets={"client_secret": client_secret})


def _stock_records(realm, item, node):
    quantity = item.stock.get(node.warehouse, 0)
    if not quantity:
        return []
    # Above 10 units a third sits in an overflow location: clients must sum records per part and site.
    overflow = quantity // 3 if quantity > 10 else 0
    split = [(node.ifs_location, quantity - overflow)] + ([(node.ifs_location[:-1] + "9", overflow)] if overflow else [])
    return [
        InventoryPartInStock(
            realm=realm, contract=node.ifs_site, part_no=item.item_code, location_no=location,
            warehouse=node.warehouse, qty_onhand=Decimal(qty), qty_reserved=Decimal(0), available_qty=Decimal(qty),
        )
        for location, qty in split
    ]


def seed_company(realm=DEMO_REALM):
    """The company's sites (one per ship node), the FREIGHT charge type and the marketplace customer."""
    nodes = catalog.SHIP_NODES
    Site.objects.bulk_create([
        Site(realm=realm, company=catalog.COMPANY, contract=n.ifs_site, description=n.name) for n in nodes
    ], ignore_conflicts=True)
    ChargeType.objects.bulk_create([
        ChargeType(realm=realm, contract=n.ifs_site, charge_type="FREIGHT", description="Freight") for n in nodes
    ], ignore_conflicts=True)
    Customer.objects.bulk_create([
        Customer(realm=realm, customer_id=catalog.CUSTOMER_NO, name=catalog.CUSTOMER_NAME)
    ], ignore_conflicts=True)


def keyed_gtin(gtin):
    """A catalog GTIN-14 as an IFS user keys it in: EAN-13 when it starts with 0."""
    return gtin[1:] if gtin.startswith("0") else gtin


def master_data(item):
    """items_out fields of a catalog item, derived from its number (the catalog keeps none): a note,
    weight in LB, dimensions in IN, two https image URLs."""
    n = int(item.item_code[3:])
    return {
        "note_text": f"{item.name} ({item.category}). Demo catalog item {item.item_code}.",
        "net_weight": Decimal("0.5") + Decimal(n % 10) / 4, "length": Decimal(6 + n % 7),
        "width": Decimal(4 + n % 5), "height": Decimal(2 + n % 3),
        "image_urls": f"https://images.example.com/{item.item_code}/main.jpg "
                      f"https://images.example.com/{item.item_code}/side.jpg",
    }


def seed_demo(realm=DEMO_REALM):
    """Idempotent: rows that exist are left as they are (stock an order consumed stays consumed)."""
    seed_company(realm)
    nodes, items = catalog.SHIP_NODES, catalog.items()
    SalesPart.objects.bulk_create([
        SalesPart(realm=realm, contract=n.ifs_site, catalog_no=i.item_code, catalog_desc=i.name, part_no=i.item_code,
                  list_price=i.price, gtin_no=keyed_gtin(i.gtin), **master_data(i))
        for i in items for n in nodes
    ], ignore_conflicts=True, batch_size=500)
    InventoryPartInStock.objects.bulk_create(
        [record for i in items for n in nodes for record in _stock_records(realm, i, n)],
        ignore_conflicts=True, batch_size=500,
    )
    return {
        "sites": Site.objects.filter(realm=realm).count(),
        "sales_parts": SalesPart.objects.filter(realm=realm).count(),
        "stock_records": InventoryPartInStock.objects.filter(realm=realm).count(),
    }
