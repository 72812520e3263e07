"""prices_out from Exact Online over real HTTP against the emulator: each item's StandardSalesPrice (the
division's currency) and CostPriceStandard from logistics/Items, changed prices read back."""

from decimal import Decimal

import pytest

from connectors.contract import ItemPrice
from connectors.exact_online.adapter import Adapter
from sandbox.exact_online import data, levels
from sandbox.exact_online.seed import provision_connection
from sandbox.models import Call


def reads():
    return Call.objects.filter(system="exact_online", path__contains="logistics/Items", method="GET").count()


def catalog(code):
    return next(item for item in data.items() if item["Code"] == code)


@pytest.fixture
def exact(sandbox):
    return provision_connection("exact-prices", sandbox, minutely_limit=1000)


def test_prices_and_costs_of_a_few_items_in_one_read(exact):
    prices = sorted(Adapter(exact).price_snapshot(["ITM00002", "ITM00001", "NOSUCH", "ITM00001"]),
                    key=lambda price: price.item)
    assert prices == [ItemPrice(code, catalog(code)["StandardSalesPrice"], "USD", catalog(code)["CostPriceStandard"])
                      for code in ("ITM00001", "ITM00002")]
    assert reads() == 1


def test_a_changed_price_is_what_the_next_snapshot_reads(exact):
    old, new = levels.set_price("ITM00001", change_percent=10)
    assert new == (old * Decimal("1.1")).quantize(Decimal("0.01"))
    levels.set_price("ITM00002", price="12.34")
    prices = {price.item: price for price in Adapter(exact).price_snapshot(["ITM00001", "ITM00002"])}
    assert prices["ITM00001"].price == new and prices["ITM00002"].price == Decimal("12.34")
    assert prices["ITM00002"].cost == catalog("ITM00002")["CostPriceStandard"]  # a price change keeps the cost


def test_many_items_are_read_a_page_a_call_and_the_currency_comes_from_the_connection(sandbox):
    conn = provision_connection("exact-prices-pages", sandbox, minutely_limit=1000, snapshot_filter_limit=5,
                               price_currency="CAD")
    levels.bulk_prices((f"PRICE{n:03d}", Decimal(n) + Decimal("0.99"), Decimal(n)) for n in range(200))
    wanted = [f"PRICE{n:03d}" for n in range(0, 200, 3)] + ["ITM00001"]
    prices = {price.item: price for price in Adapter(conn).price_snapshot(wanted)}
    assert len(prices) == len(wanted) and prices["PRICE198"] == ItemPrice("PRICE198", Decimal("198.99"), "CAD",
                                                                          Decimal(198))
    assert reads() == -(-(len(data.items()) + 200) // 60)  # every item, 60 a page, no item-code filter
    assert Call.objects.filter(path__contains="%27PRICE").count() == 0  # no item-code filter
