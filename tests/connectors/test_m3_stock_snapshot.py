"""M3 stock_snapshot (inventory_out): AV01 of MMS200MI/GetItmWhsBal, stock_reads_per_bulk reads per
bulk call; the same numbers as stock_levels; negatives passed on, text M3 answers kept as raw."""

from decimal import Decimal

import pytest

from connectors.contract import StockLevel
from connectors.registry import adapter
from sandbox import catalog
from sandbox.infor_m3 import levels
from sandbox.infor_m3.seed import provision_connection
from sandbox.models import Call


@pytest.fixture
def erp(sandbox):
    return adapter(provision_connection("m3", sandbox))


def bulk_calls():
    return Call.objects.filter(system="infor_m3", method="POST", path__endswith="/execute").count()


def test_the_snapshot_equals_stock_levels_for_the_catalog(erp):
    items = [i.item_code for i in catalog.items()]
    assert list(erp.stock_snapshot(items, "ATL")) == erp.stock_levels(items, "ATL")
    assert bulk_calls() == 2  # one bulk for stock_levels, one for the snapshot (300 <= 1,000 reads per call)


def test_three_thousand_items_are_read_in_three_calls(erp):
    rows = [(f"BULK{n:05d}", "DAL", Decimal(n % 40)) for n in range(3000)]
    levels.bulk_stock(rows)
    snapshot = list(erp.stock_snapshot([item for item, _, _ in rows] + ["NOT-AN-ITEM"], "DAL"))
    assert snapshot == [StockLevel(item, "DAL", q) for item, _, q in rows]  # the unknown item is left out
    assert bulk_calls() == 4  # 3,001 reads, 1,000 per call


def test_a_negative_balance_is_passed_on_and_stock_levels_reads_it_as_zero(erp):
    levels.set_stock("ITM00004", "RNO", Decimal("-3"))
    assert list(erp.stock_snapshot(["ITM00004"], "RNO")) == [StockLevel("ITM00004", "RNO", Decimal("-3"))]
    assert erp.stock_levels(["ITM00004"], "RNO")[0].available == 0


def test_text_that_is_not_a_number_comes_back_raw(erp):
    levels.set_stock("ITM00005", "RNO", "N/A")
    assert list(erp.stock_snapshot(["ITM00005", "ITM00006"], "RNO"))[0] == StockLevel("ITM00005", "RNO", None, raw="N/A")
    assert erp.stock_levels(["ITM00005"], "RNO")[0].available == 0
