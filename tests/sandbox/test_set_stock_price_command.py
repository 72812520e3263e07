"""manage.py sandbox set-stock / set-price: dispatched to the ERP emulator's levels module, old -> new
printed, what the connector then reads changes; unknown items, warehouses and systems refused clearly."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from connectors.registry import adapter
from sandbox import catalog
from sandbox.ifs_cloud.seed import provision_connection as ifs_connection, seed_demo as ifs_seed
from sandbox.infor_m3 import data as m3_data
from sandbox.infor_m3.seed import provision_connection as m3_connection
from sandbox.peoplesoft.seed import provision_connection as ps_connection, seed_demo as ps_seed

ITEM = catalog.items()[0]


def run(*args):
    out = StringIO()
    call_command("sandbox", *args, stdout=out)
    return out.getvalue().strip()


def test_set_stock_changes_what_each_erp_client_reads(sandbox):
    ifs_seed()
    ps_seed()
    assert run("set-stock", "ifs_cloud", ITEM.item_code, "DAL1", "17").endswith(f": {ITEM.stock['DAL']} -> 17")
    assert [s.available for s in adapter(ifs_connection("ifs", sandbox)).stock_snapshot([ITEM.item_code], "DAL1")] == [17]
    assert run("set-stock", "infor_m3", ITEM.item_code, "DAL", "N/A").endswith("-> N/A")
    [level] = adapter(m3_connection("m3", sandbox)).stock_snapshot([ITEM.item_code], "DAL")
    assert (level.available, level.raw) == (None, "N/A")
    run("set-stock", "peoplesoft", ITEM.item_code, "DAL", "-1")
    assert [s.available for s in adapter(ps_connection("ps", sandbox)).stock_snapshot([ITEM.item_code], "DAL")] == [-1]


def test_set_price_by_value_and_by_percent(sandbox):
    ifs_seed()
    assert run("set-price", "ifs_cloud", ITEM.item_code, "20.00") == f"ifs_cloud price of {ITEM.item_code}: {ITEM.price} -> 20"
    run("set-price", "ifs_cloud", ITEM.item_code, "--change", "-50")
    assert [p.price for p in adapter(ifs_connection("ifs", sandbox)).price_snapshot([ITEM.item_code])] == [Decimal("10.00")]
    run("set-price", "infor_m3", ITEM.item_code, "--change", "10")
    m3 = adapter(m3_connection("m3", sandbox, price_list=m3_data.PRICE_LIST, price_list_from=m3_data.PRICE_LIST_FROM))
    assert [p.price for p in m3.price_snapshot([ITEM.item_code])] == [(ITEM.price * Decimal("1.1")).quantize(Decimal("0.01"))]
    assert run("set-price", "infor_m3", ITEM.item_code, "3", "--currency", "EUR").endswith("(none) -> 3")


@pytest.mark.parametrize("args, message", [
    (("set-stock", "infor_m3", "NOPE", "DAL", "1"), "no item NOPE"),
    (("set-stock", "infor_m3", ITEM.item_code, "XXX", "1"), "no warehouse XXX"),
    (("set-stock", "ifs_cloud", ITEM.item_code, "ZZZ9", "1"), "no site ZZZ9"),
    (("set-stock", "ifs_cloud", ITEM.item_code, "DAL1", "many"), "numbers"),
    (("set-stock", "infor_cloudsuite", ITEM.item_code, "DAL", "1"), "infor_cloudsuite keeps no stock/prices"),
    (("set-price", "peoplesoft", ITEM.item_code, "1"), "no prices"),
    (("set-price", "infor_m3", ITEM.item_code), "PRICE or --change"),
])
def test_mistakes_are_explained(db, args, message):
    ifs_seed()
    with pytest.raises(CommandError, match=message):
        run(*args)
