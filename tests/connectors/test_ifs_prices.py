"""IFS price_snapshot (prices_out): the configured site's sales part list prices, many parts in a few
pages of the site's SalesPartSet, parts without a sales part left out; set-price changes what it reads."""

from decimal import Decimal

import pytest

from connectors.contract import ItemPrice
from connectors.registry import adapter
from sandbox import catalog
from sandbox.ifs_cloud import levels
from sandbox.ifs_cloud.seed import provision_connection, seed_demo
from sandbox.models import Call


@pytest.fixture
def erp(sandbox):
    seed_demo()
    return adapter(provision_connection("ifs", sandbox))


def price_calls():
    return Call.objects.filter(system="ifs_cloud", path__contains="SalesPartSet").count()


def test_prices_are_the_sales_parts_list_prices(erp):
    items = catalog.items()[:5]
    prices = list(erp.price_snapshot([i.item_code for i in items] + ["NOPE"]))
    assert prices == [ItemPrice(i.item_code, i.price, "USD") for i in items]
    assert price_calls() == 1
    assert {"inventory_out", "prices_out"} <= erp.capabilities


def test_many_parts_are_read_in_pages_of_the_whole_site(erp):
    rows = [(f"BULK{n:05d}", Decimal(n) / 4) for n in range(3000)]
    levels.bulk_prices(rows)
    erp.config.snapshot_page_size = 1000
    prices = {p.item: p.price for p in erp.price_snapshot([item for item, _ in rows])}
    assert prices == dict(rows)
    assert price_calls() == 4  # 3,300 sales parts at the site, 1,000 per page


def test_set_price_changes_what_the_client_reads(erp):
    item = catalog.items()[0]
    assert levels.set_price(item.item_code, change_percent="10") == (item.price, (item.price * Decimal("1.1")).quantize(Decimal("0.01")))
    levels.set_price(item.item_code, "12.50")
    assert [p.price for p in erp.price_snapshot([item.item_code])] == [Decimal("12.50")]
    with pytest.raises(ValueError, match="currency"):
        levels.set_price(item.item_code, "1", currency="EUR")
    with pytest.raises(LookupError):
        levels.set_price("NOPE", "1")
