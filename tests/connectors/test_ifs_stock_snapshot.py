"""IFS stock_snapshot (inventory_out): the same numbers as stock_levels, many parts in few calls (the
site's whole InventoryPartInStockSet, paged), negatives passed on, non-numeric values kept as raw."""

from decimal import Decimal

import pytest

from connectors.contract import StockLevel
from connectors.ifs_cloud.records import number
from connectors.registry import adapter
from sandbox import catalog
from sandbox.ifs_cloud import levels
from sandbox.ifs_cloud.models import InventoryPartInStock
from sandbox.ifs_cloud.seed import DEMO_REALM, provision_connection, seed_demo
from sandbox.models import Call

SITE = "RNO1"


@pytest.fixture
def erp(sandbox):
    seed_demo()
    return adapter(provision_connection("ifs", sandbox))


def stock_calls():
    return Call.objects.filter(system="ifs_cloud", path__contains="InventoryPartInStockSet").count()


def test_the_snapshot_equals_stock_levels_for_the_catalog(erp):
    items = [i.item_code for i in catalog.items()]
    snapshot = {s.item: s for s in erp.stock_snapshot(items, SITE)}
    levels = erp.stock_levels(items, SITE)
    # Parts without a stock record are left out of the snapshot; stock_levels reads them as 0.
    assert {x.item: x.available for x in levels if x.available} == {k: v.available for k, v in snapshot.items() if v.available}
    assert all(x.item in snapshot or x.available == 0 for x in levels)
    assert all(s.warehouse == SITE and s.raw == "" for s in snapshot.values())


def test_a_few_parts_are_read_with_part_filters(erp):
    items = [i.item_code for i in catalog.items()[:10]]
    snapshot = erp.stock_snapshot(items, SITE)
    assert stock_calls() == 1
    assert {s.item: s.available for s in snapshot} == {
        i.item_code: Decimal(i.stock["RNO"]) for i in catalog.items()[:10] if i.stock["RNO"]}


def test_three_thousand_parts_are_read_in_a_few_pages_of_the_whole_site(erp):
    rows = [(f"BULK{n:06d}", SITE, n % 50) for n in range(3000)]
    levels.bulk_stock(rows)
    erp.config.snapshot_page_size = 1000
    snapshot = erp.stock_snapshot([item for item, _, _ in rows], SITE)
    assert {s.item: s.available for s in snapshot} == {item: Decimal(q) for item, _, q in rows}
    # 3,000 new records + the catalog's records at the site, 1,000 per page.
    records = InventoryPartInStock.objects.filter(realm=DEMO_REALM, contract=SITE).count()
    assert stock_calls() == records // 1000 + 1


def test_a_negative_quantity_is_passed_on(erp):
    levels.set_stock("ITM00002", SITE, Decimal("-4"))
    assert list(erp.stock_snapshot(["ITM00002"], SITE)) == [StockLevel("ITM00002", SITE, Decimal("-4"))]


def test_a_value_that_is_not_a_number_is_kept_as_raw():
    # The emulator, like IFS, serves AvailableQty as a JSON number, so no HTTP answer can carry text;
    # the parsing the snapshot uses is checked on its own.
    assert number(Decimal("-2.5")) == (Decimal("-2.5"), "")
    assert number(None) == (None, "") and number("n/a") == (None, "n/a") and number("NaN") == (None, "NaN")


def test_text_quantities_are_refused_by_the_emulator(db):
    with pytest.raises(ValueError, match="numbers"):
        levels.set_stock("ITM00001", SITE, "lots")
