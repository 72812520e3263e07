"""Infor M3 items_by_gtin against the emulator: GTIN-14s found through the items' EAN aliases
(MMS025MI/LstItem) in ONE bulk read, whatever length the alias was keyed in with."""

import pytest

from connectors.errors import PermanentError, RecoverableError
from connectors.infor_m3.adapter import Adapter
from connectors.gtin import as_gtin14, gtin_forms
from connectors.infor_m3.client import M3Client
from sandbox import catalog, clock
from sandbox.infor_m3.seed import provision_connection
from sandbox.models import Call, Fault

ITEM_1, ITEM_2 = catalog.items()[0], catalog.items()[1]
UNKNOWN = "04006381333931"  # a valid GTIN-14 no catalog item carries


@pytest.fixture
def m3(sandbox):
    return provision_connection("m3", sandbox)


def alias_reads():
    return Call.objects.filter(system="infor_m3", method="POST", path__contains="/m3api-rest/")


def test_gtin_forms_and_normalisation():
    assert gtin_forms("00012345678905") == ["00012345678905", "0012345678905", "012345678905"]
    assert gtin_forms("04006381333931") == ["04006381333931", "4006381333931"]
    assert gtin_forms("00000096385074") == ["00000096385074", "0000096385074", "000096385074", "96385074"]
    assert as_gtin14(" 4006381333931 ") == "04006381333931" and as_gtin14("96385074") == "00000096385074"
    assert as_gtin14("ABC") == as_gtin14("12345") == as_gtin14(None) == ""


def test_items_are_found_by_their_ean_alias_in_one_bulk_read(m3):
    adapter = Adapter(m3)
    found = adapter.items_by_gtin([ITEM_1.gtin, ITEM_2.gtin, UNKNOWN])
    assert found == {ITEM_1.gtin: [(ITEM_1.item_code, "")], ITEM_2.gtin: [(ITEM_2.item_code, "")]}
    assert alias_reads().count() == 1
    assert adapter.items_by_gtin([]) == {} and adapter.items_by_gtin(["not a gtin"]) == {}
    assert alias_reads().count() == 1  # nothing to ask, no call


def test_an_alias_keyed_as_upc_a_or_shared_by_two_items_is_found(m3):
    client = M3Client(m3)
    added = client.bulk("MMS025MI", [
        ("AddAlias", {"ALWT": 2, "ALWQ": "UPCA", "ITNO": "ITM00007", "POPN": "012345678905"}),
        ("AddAlias", {"ALWT": 2, "ALWQ": "EA13", "ITNO": "ITM00008", "POPN": "0012345678905"}),
        ("AddAlias", {"ALWT": 3, "ALWQ": "SUPP", "ITNO": "ITM00009", "POPN": "012345678905"}),  # not an EAN
    ])
    assert added.ok, added.first_error()
    found = Adapter(m3).items_by_gtin(["00012345678905"])
    assert found == {"00012345678905": [("ITM00007", ""), ("ITM00008", "")]}


def test_the_alias_category_is_a_setting(sandbox):
    conn = provision_connection("m3", sandbox, gtin_alias_category=5)
    assert Adapter(conn).items_by_gtin([ITEM_1.gtin]) == {}


def test_gtins_beyond_one_bulk_request_are_read_in_chunks(m3, monkeypatch):
    monkeypatch.setattr("connectors.infor_m3.client.READS_PER_BULK", 2)
    found = Adapter(m3).items_by_gtin([item.gtin for item in catalog.items()[:3]])
    assert sorted(found) == sorted(item.gtin for item in catalog.items()[:3])
    assert alias_reads().count() == 3  # 3 GTINs x 2 forms (GTIN-14, EAN-13) = 6 reads, 2 per request


@pytest.mark.parametrize("mode", ["error", "outage"])
def test_an_outage_is_recoverable(m3, mode):
    Fault.objects.create(system="infor_m3", mode=mode, starts_at=clock.now())
    with pytest.raises(RecoverableError):
        Adapter(m3).items_by_gtin([ITEM_1.gtin])


def test_a_refused_read_raises_m3s_message(m3):
    # An unknown alias number is no item (an empty list); any other refusal is M3's error.
    assert M3Client(m3).items_by_alias(["4006381333931"], 2) == {"4006381333931": []}
    with pytest.raises(PermanentError, match="Alias category 0 is invalid"):
        M3Client(m3).items_by_alias(["4006381333931"], 0)


def test_the_emulators_other_alias_reads(m3):
    client = M3Client(m3)
    ean = ITEM_1.gtin[1:]
    got = client.call("MMS025MI", "GetItem", {"ALWT": 2, "POPN": ean}).record
    assert (got["ITNO"], got["ALWQ"], got["POPN"]) == (ITEM_1.item_code, "EA13", ean)
    with pytest.raises(PermanentError, match=f"Alias number {ITEM_1.gtin} does not exist"):
        client.call("MMS025MI", "GetItem", {"ALWT": 2, "POPN": ITEM_1.gtin})
    assert [r["POPN"] for r in client.execute("MMS025MI", "LstAlias", {"ITNO": ITEM_1.item_code})] == [ean]
    with pytest.raises(PermanentError, match="Alias number 1 already exists"):
        client.bulk("MMS025MI", [("AddAlias", {"ALWT": 2, "ALWQ": "X", "ITNO": "ITM00001", "POPN": "1"})] * 2
                    ).raise_for_errors()
    with pytest.raises(PermanentError, match="Item number ITM99999 does not exist"):
        client.bulk("MMS025MI", [("AddAlias", {"ALWT": 2, "ALWQ": "X", "ITNO": "ITM99999", "POPN": "2"})]
                    ).raise_for_errors()
