"""M3 price_snapshot (prices_out): the configured OIS017 base price list in one LstBasePrice call,
items not on the list left out; set-price (and OIS017MI/UpdBasePrice) change what it reads."""

from decimal import Decimal

import pytest

from connectors.contract import ItemPrice
from connectors.errors import ConfigError
from connectors.registry import adapter
from sandbox import catalog
from sandbox.infor_m3 import data, levels
from sandbox.infor_m3.seed import provision_connection
from sandbox.models import Call


@pytest.fixture
def erp(sandbox):
    return adapter(provision_connection("m3", sandbox, price_list=data.PRICE_LIST,
                                        price_list_from=data.PRICE_LIST_FROM))


def test_prices_come_from_the_base_price_list_in_one_call(erp):
    items = catalog.items()[:4]
    assert erp.price_snapshot([i.item_code for i in items] + ["NOPE"]) == [
        ItemPrice(i.item_code, i.price, "USD") for i in items]
    assert Call.objects.filter(system="infor_m3", path__contains="LstBasePrice").count() == 1


def test_three_thousand_prices_are_one_call(erp):
    rows = [(f"BULK{n:05d}", Decimal(n + 1) / 4) for n in range(3000)]
    levels.bulk_prices(rows)
    assert {p.item: p.price for p in erp.price_snapshot([r[0] for r in rows])} == dict(rows)
    assert Call.objects.filter(system="infor_m3", path__contains="LstBasePrice").count() == 1


def test_set_price_changes_what_the_client_reads(erp):
    item = catalog.items()[1]
    erp.client.bulk("OIS017MI", [("UpdBasePrice", {"PRRF": data.PRICE_LIST, "CUCD": "USD", "FVDT": data.PRICE_LIST_FROM,
                                                   "ITNO": item.item_code, "SAPR": Decimal("5")})]).raise_for_errors()
    old, new = levels.set_price(item.item_code, change_percent=-10)
    assert (old, new) == (item.price, (item.price * Decimal("0.9")).quantize(Decimal("0.01")))
    # The tenant's own UpdBasePrice row is changed too, so the client reads the new price.
    assert [p.price for p in erp.price_snapshot([item.item_code])] == [new]


def test_without_a_price_list_prices_out_is_a_setup_error(sandbox):
    with pytest.raises(ConfigError, match="price_list"):
        adapter(provision_connection("m3", sandbox, price_list="")).price_snapshot(["ITM00001"])
