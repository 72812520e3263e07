"""PeopleSoft stock_snapshot (inventory_out): QTY_AVAILABLE of a whole business unit in windows of
snapshot_page_size rows, the same numbers as stock_levels; negatives passed on."""

from decimal import Decimal

import pytest

from connectors.contract import StockLevel
from connectors.registry import adapter
from sandbox import catalog
from sandbox.models import Call
from sandbox.peoplesoft import levels
from sandbox.peoplesoft.seed import provision_connection, seed_demo


@pytest.fixture
def erp(sandbox):
    seed_demo()
    return adapter(provision_connection("ps", sandbox))


def query_calls():
    return Call.objects.filter(system="peoplesoft", path__contains="ExecuteQuery").count()


def test_the_snapshot_equals_stock_levels_for_the_catalog(erp):
    items = [i.item_code for i in catalog.items()]
    snapshot = {s.item: s.available for s in erp.stock_snapshot(items, "DAL")}
    assert snapshot == {x.item: x.available for x in erp.stock_levels(items, "DAL") if x.item in snapshot}
    assert len(snapshot) > 250 and "inventory_out" in erp.capabilities and "prices_out" not in erp.capabilities


def test_three_thousand_items_are_read_in_a_few_windows(erp):
    rows = [(f"BULK{n:05d}", "RNO", Decimal(n % 30)) for n in range(3000)]
    levels.bulk_stock(rows)
    erp.config.snapshot_page_size = 1000
    Call.objects.all().delete()
    snapshot = list(erp.stock_snapshot([item for item, _, _ in rows], "RNO"))
    assert snapshot == [StockLevel(item, "RNO", q) for item, _, q in rows]
    assert query_calls() == 4  # 3,000 + the catalog's RNO rows, in windows of 1,000 (the last key's rows re-read)


def test_a_negative_quantity_is_passed_on(erp):
    levels.set_stock("ITM00007", "DAL", Decimal("-2"))
    assert list(erp.stock_snapshot(["ITM00007"], "DAL")) == [StockLevel("ITM00007", "DAL", Decimal("-2"))]


def test_text_is_refused_and_prices_are_not_kept(db):
    with pytest.raises(ValueError, match="numbers"):
        levels.set_stock("ITM00001", "DAL", "lots")
    with pytest.raises(ValueError, match="no prices"):
        levels.set_price("ITM00001", "1")
