"""inventory_out from Exact Online over real HTTP against the emulator: available stock of many items at a
warehouse, by item code for a few items, a page a call of the warehouse's rows for many."""

import time
from decimal import Decimal

import pytest

from connectors.contract import StockLevel
from connectors.errors import PermanentError
from connectors.exact_online.adapter import Adapter
from sandbox.exact_online import data, levels
from sandbox.exact_online.seed import provision_connection
from sandbox.models import Call


def reads(fragment="inventory/ItemWarehouses"):
    return Call.objects.filter(system="exact_online", path__contains=fragment, method="GET").count()


def catalog_stock(warehouse):
    return {code: quantity for (code, wh), (quantity, _) in data.catalog_stock().items() if wh == warehouse}


@pytest.fixture
def exact(sandbox):
    return provision_connection("exact-stock-snapshot", sandbox, minutely_limit=1000)


def test_a_few_items_are_read_by_code_and_missing_ones_left_out(exact):
    levels.set_stock("ITM00003", "DAL", 42)
    snapshot = list(Adapter(exact).stock_snapshot(["ITM00001", "ITM00003", "NOSUCH"], "DAL"))
    stock = catalog_stock("DAL")
    assert sorted(snapshot, key=lambda level: level.item) == [
        StockLevel("ITM00001", "DAL", stock["ITM00001"]), StockLevel("ITM00003", "DAL", Decimal(42))]
    assert reads() == 1


def test_many_items_are_read_from_the_whole_warehouse_a_page_a_call(sandbox):
    conn = provision_connection("exact-stock-pages", sandbox, minutely_limit=1000, snapshot_filter_limit=10)
    stock = catalog_stock("DAL")
    wanted = sorted(stock)[:40]
    snapshot = {level.item: level.available for level in Adapter(conn).stock_snapshot(wanted, "DAL")}
    assert snapshot == {code: stock[code] for code in wanted}
    pages = -(-len(stock) // 60)  # every DAL row, 60 a page
    assert reads() == pages and reads("ITM0") == 0  # no item-code filter


def test_sales_orders_planned_out_are_not_available(exact):
    from tests.connectors.test_exact_post_order import one_line  # the order the order tests post

    before = {level.item: level.available for level in Adapter(exact).stock_snapshot(["ITM00001"], "DAL")}
    Adapter(exact).post_order(one_line())
    after = {level.item: level.available for level in Adapter(exact).stock_snapshot(["ITM00001"], "DAL")}
    assert after["ITM00001"] == before["ITM00001"] - 2


def test_a_warehouse_is_required(sandbox):
    conn = provision_connection("exact-stock-nowh", sandbox, default_warehouse="")
    with pytest.raises(PermanentError, match="no warehouse"):
        Adapter(conn).stock_snapshot(["ITM00001"], "")


@pytest.mark.slow
def test_ten_thousand_rows_are_served_fast_and_read_completely(exact):
    levels.bulk_stock((f"BULK{n:05d}", "DAL", n % 97) for n in range(10_000))
    wanted = [f"BULK{n:05d}" for n in range(0, 10_000, 2)]
    started = time.monotonic()
    snapshot = {level.item: level.available for level in Adapter(exact).stock_snapshot(wanted, "DAL")}
    elapsed = time.monotonic() - started
    assert len(snapshot) == 5_000 and snapshot["BULK00194"] == Decimal(0) and snapshot["BULK09998"] == Decimal(9998 % 97)
    assert reads() == -(-(10_000 + len(catalog_stock("DAL"))) // 60)
    assert elapsed < 60, f"{reads()} pages took {elapsed:.1f} s"
