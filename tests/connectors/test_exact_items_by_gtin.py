"""Exact Online items_by_gtin against the emulator: logistics/Items found by Barcode in one filtered
read, whatever length the barcode was keyed in with, compared as GTIN-14."""

import pytest

from connectors.errors import RecoverableError
from connectors.exact_online.adapter import Adapter
from sandbox import catalog, clock
from sandbox.exact_online import data
from sandbox.exact_online.seed import provision_connection
from sandbox.models import Call, Fault

ITEM_1, ITEM_2 = catalog.items()[0], catalog.items()[1]
UNKNOWN = "04006381333931"  # a valid GTIN-14 no catalog item carries


@pytest.fixture
def exact(sandbox):
    return provision_connection("exact-gtin", sandbox)


def item_reads():
    return Call.objects.filter(system="exact_online", method="GET", path__contains="logistics/Items")


def test_items_are_found_by_barcode_in_one_read(exact):
    # The emulator keeps the catalog's GTINs as a user keys them in: EAN-13, not GTIN-14.
    assert {i["Code"]: i["Barcode"] for i in data.items()}[ITEM_1.item_code] == ITEM_1.gtin[1:]
    found = Adapter(exact).items_by_gtin([ITEM_1.gtin, ITEM_2.gtin, UNKNOWN])
    assert found == {ITEM_1.gtin: [(ITEM_1.item_code, ITEM_1.name)], ITEM_2.gtin: [(ITEM_2.item_code, ITEM_2.name)]}
    assert item_reads().count() == 1
    assert "Barcode" in item_reads().get().path
    assert Adapter(exact).items_by_gtin([]) == {} and Adapter(exact).items_by_gtin(["12345"]) == {}
    assert item_reads().count() == 1  # nothing to ask, no call


def test_a_upc_a_barcode_shared_by_two_items_is_found_on_both(exact, monkeypatch):
    extra = tuple({**row, "Barcode": "012345678905"} for row in data.items() if row["Code"] in ("ITM00007", "ITM00008"))
    real = data.items()
    monkeypatch.setattr(data, "items", lambda: real + extra)
    found = Adapter(exact).items_by_gtin(["00012345678905"])
    assert [code for code, _ in found["00012345678905"]] == ["ITM00007", "ITM00008"]


def test_many_gtins_are_chunked_to_keep_urls_short(exact):
    gtins = [item.gtin for item in catalog.items()[:20]]  # 2 forms each = 40 values, 25 per query
    assert sorted(Adapter(exact).items_by_gtin(gtins)) == sorted(gtins)
    assert item_reads().count() == 2


def test_an_outage_is_recoverable(exact):
    Fault.objects.create(system="exact_online", mode="outage", starts_at=clock.now())
    with pytest.raises(RecoverableError):
        Adapter(exact).items_by_gtin([ITEM_1.gtin])
