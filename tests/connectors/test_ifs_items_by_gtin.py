"""IFS Cloud items_by_gtin against the emulator: the configured site's sales parts found by their
GTIN property (GtinNo by default, a setting) in one filtered read, compared as GTIN-14."""

import pytest

from connectors.errors import PermanentError, RecoverableError
from connectors.ifs_cloud.adapter import Adapter
from sandbox import catalog, clock
from sandbox.ifs_cloud.models import SalesPart
from sandbox.ifs_cloud.seed import DEMO_REALM, provision_connection, seed_demo
from sandbox.models import Call, Fault

ITEM_1, ITEM_2 = catalog.items()[0], catalog.items()[1]
UNKNOWN = "04006381333931"  # a valid GTIN-14 no catalog item carries


@pytest.fixture
def conn(sandbox):
    seed_demo()
    return provision_connection("ifs", sandbox)


def gtin_reads():
    return Call.objects.filter(system="ifs_cloud", method="GET", path__contains="SalesPartSet")


def test_sales_parts_are_found_by_gtin_in_one_read(conn):
    # The emulator keeps the catalog's GTINs as a user keys them in: EAN-13, not GTIN-14.
    assert SalesPart.objects.get(realm=DEMO_REALM, contract="DAL1", catalog_no=ITEM_1.item_code).gtin_no == ITEM_1.gtin[1:]
    found = Adapter(conn).items_by_gtin([ITEM_1.gtin, ITEM_2.gtin, UNKNOWN])
    assert found == {ITEM_1.gtin: [(ITEM_1.item_code, ITEM_1.name)], ITEM_2.gtin: [(ITEM_2.item_code, ITEM_2.name)]}
    assert gtin_reads().count() == 1
    path = gtin_reads().get().path
    assert "Contract%20eq%20'DAL1'" in path and f"GtinNo%20eq%20'{ITEM_1.gtin[1:]}'" in path
    assert "$select=Contract,CatalogNo,CatalogDesc,GtinNo" in path


def test_a_upc_a_gtin_shared_by_two_parts_is_found_on_both(conn):
    SalesPart.objects.filter(realm=DEMO_REALM, catalog_no__in=["ITM00007", "ITM00008"]).update(gtin_no="012345678905")
    SalesPart.objects.filter(realm=DEMO_REALM, contract="RNO1", catalog_no="ITM00009").update(gtin_no="012345678905")
    found = Adapter(conn).items_by_gtin(["00012345678905"])
    # ITM00009 carries it at another site only: the connection's site is DAL1.
    assert [code for code, _ in found["00012345678905"]] == ["ITM00007", "ITM00008"]


def test_many_gtins_are_chunked_to_keep_urls_short(conn):
    gtins = [item.gtin for item in catalog.items()[:30]]  # 2 forms each = 60 values, 40 per query
    found = Adapter(conn).items_by_gtin(gtins)
    assert sorted(found) == sorted(gtins)
    assert gtin_reads().count() == 2


def test_the_gtin_property_is_a_setting(sandbox):
    seed_demo()
    wrong = provision_connection("ifs-wrong", sandbox, gtin_field="PartGtin")
    with pytest.raises(PermanentError):  # IFS refuses a filter on a property the projection lacks
        Adapter(wrong).items_by_gtin([ITEM_1.gtin])
    off = provision_connection("ifs-off", sandbox, gtin_field="")
    assert Adapter(off).items_by_gtin([ITEM_1.gtin]) == {}
    assert Adapter(off).items_by_gtin([]) == {} and Adapter(off).items_by_gtin(["junk"]) == {}


def test_an_outage_is_recoverable(conn):
    Fault.objects.create(system="ifs_cloud", mode="outage", starts_at=clock.now())
    with pytest.raises(RecoverableError):
        Adapter(conn).items_by_gtin([ITEM_1.gtin])
