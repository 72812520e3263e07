"""The emulator's master-data queries (VENDOR, MASTER_ITEM_TBL, BUS_UNIT_TBL_IN) as mapping
verification reads them through Adapter.lookup, over HTTP."""

import pytest

from connectors.peoplesoft.adapter import Adapter
from connectors.peoplesoft.client import PER_ITEM_LOOKUPS
from sandbox import catalog
from sandbox.models import Call
from sandbox.peoplesoft import seed


@pytest.fixture
def conn(sandbox):
    return seed.provision_connection("ps", sandbox)


def test_suppliers_items_and_units_are_confirmed_or_named_missing(conn):
    adapter = Adapter(conn)
    supplier = catalog.SUPPLIERS[0]
    assert adapter.lookup("supplier", [supplier.vendor_id, "V9999"]) == {
        supplier.vendor_id: (True, supplier.name), "V9999": (False, "PeopleSoft has no supplier (VENDOR) V9999")}
    it = catalog.items()[0]
    assert adapter.lookup("item", [it.item_code, "ITM0000_"]) == {
        it.item_code: (True, it.name), "ITM0000_": (False, "PeopleSoft has no item (MASTER_ITEM_TBL) ITM0000_")}
    found = adapter.lookup("warehouse", ["DAL", "XYZ"])
    assert found["DAL"] == (True, "Dallas DC") and found["XYZ"][0] is False


def test_many_codes_are_one_read_and_other_kinds_answer_nothing(conn):
    adapter = Adapter(conn)
    codes = [it.item_code for it in catalog.items()[:PER_ITEM_LOOKUPS + 5]] + ["NOPE"]
    before = Call.objects.count()
    found = adapter.lookup("item", codes)
    assert Call.objects.count() - before == 1
    assert sum(ok for ok, _ in found.values()) == len(codes) - 1 and found["NOPE"][0] is False
    assert adapter.lookup("gl_account", ["4000"]) == {} and adapter.lookup("customer", ["C1"]) == {}
    assert Call.objects.count() - before == 1


def test_a_kind_whose_query_is_not_set_up_answers_nothing(sandbox):
    conn = seed.provision_connection("ps", sandbox, supplier_query={"name": ""})
    assert Adapter(conn).lookup("supplier", ["V1001"]) == {}
