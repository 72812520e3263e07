"""PeopleSoft reads through Query Access Services: typed rows, paging by prompt windows to the last
page, open-PO matching (exactly one / none / ambiguous) and inventory balances."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.errors import ConfigError, PermanentError
from connectors.peoplesoft.adapter import Adapter
from connectors.peoplesoft.client import PeopleSoftClient
from sandbox import catalog
from sandbox.models import Call
from sandbox.peoplesoft import seed
from sandbox.peoplesoft.models import ItemBalance, PoSchedule


@pytest.fixture
def conn(sandbox):
    seed.seed_demo()
    return seed.provision_connection("ps", sandbox)


def item(index):
    return catalog.items()[index - 1]


def query_calls():
    return Call.objects.filter(system="peoplesoft", path__contains="/ExecuteQuery.v1/").count()


def add_vendor_pos(vendor, count, lines_every=3):
    """`count` schedules for one vendor; every `lines_every`-th PO has a second line, so pages cut POs in two."""
    rows, po, line = [], 90002, 1
    for n in range(count):
        rows.append(PoSchedule(business_unit="US009", po_id=f"{po:010d}", line_nbr=line, inv_item_id=f"ITX{n:05d}",
                               vendor_id=vendor, po_dt=date(2026, 10, 1), qty_po=10, shipto_id="DAL",
                               business_unit_in="DAL"))
        if line == 1 and po % lines_every == 0:
            line = 2
        else:
            po, line = po + 1, 1
    PoSchedule.objects.bulk_create(rows)


def po_prompts(vendor="%", item_id="%"):
    return {"BUSINESS_UNIT": "%", "INV_ITEM_ID": item_id, "VENDOR_ID": vendor, "FROM_DATE": "1900-01-01"}


def test_rows_are_typed_with_raw_keys_kept(conn):
    result = PeopleSoftClient(conn).execute_query("ML_OPEN_PO_LINES", {**po_prompts(), "AFTER_PO_ID": ""}, maxrows=2)
    assert [row.number for row in result.rows] == [1, 2]
    first = result.rows[0]
    assert first["PO_ID"] == first.raw["A.PO_ID"] == "0000080001"
    assert first["INV_ITEM_ID"] == first.raw["B.INV_ITEM_ID"]
    assert "attr:rownumber" not in first.fields and first.raw["attr:rownumber"] == 1


def test_iter_query_pages_to_the_last_page(conn):
    add_vendor_pos("V9001", 130)
    stored = list(PoSchedule.objects.filter(vendor_id="V9001").order_by("po_id", "line_nbr"))
    assert stored[49].po_id == stored[50].po_id  # the first page of 50 cuts a PO in two
    client = PeopleSoftClient(conn)
    rows = list(client.iter_query("ML_OPEN_PO_LINES", po_prompts("V9001"), window_prompt="AFTER_PO_ID",
                                  window_column="PO_ID", maxrows=50))
    keys = [(r["PO_ID"], r["LINE_NBR"]) for r in rows]
    assert len(keys) == 130 and len(set(keys)) == 130  # no row lost or repeated where a page cut a PO
    assert keys == sorted(keys)
    assert query_calls() == 3
    # The windows really advanced by prompt.
    paths = list(Call.objects.filter(system="peoplesoft").order_by("id").values_list("path", flat=True))
    assert "prompt_fieldvalue=%25,%25,V9001,1900-01-01," in paths[0]
    assert "prompt_fieldvalue=%25,%25,V9001,1900-01-01,00000900" in paths[1]


def test_a_page_of_one_key_only_asks_for_a_larger_page(conn):
    add_vendor_pos("V9002", 6, lines_every=1)  # every PO has two lines
    with pytest.raises(ConfigError, match="raise page_size"):
        list(PeopleSoftClient(conn).iter_query("ML_OPEN_PO_LINES", po_prompts("V9002"), window_prompt="AFTER_PO_ID",
                                               window_column="PO_ID", maxrows=2))


def test_a_comma_in_a_prompt_value_is_refused_before_sending(conn):
    with pytest.raises(PermanentError, match="comma"):
        PeopleSoftClient(conn).open_po_lines("ITM,00001", "V1001")
    assert query_calls() == 0


def test_exactly_one_open_po_matches(conn):
    it = item(1)
    match = Adapter(conn).match_purchase_order(it.item_code, it.supplier, 2)
    assert match.matched and match.reason is None
    line = match.line
    schedule = PoSchedule.objects.get(inv_item_id=it.item_code, po_status="Dispatched")
    assert (line.business_unit, line.po_id, line.line_nbr, line.sched_nbr) == (
        schedule.business_unit, schedule.po_id, schedule.line_nbr, schedule.sched_nbr)
    assert line.vendor_id == it.supplier and line.qty_po == schedule.qty_po
    assert isinstance(line.open_qty, Decimal) and line.open_qty == schedule.qty_po - schedule.qty_received


def test_no_open_po_is_no_match(conn):
    it = item(10)
    assert PoSchedule.objects.filter(inv_item_id=it.item_code, po_status="Complete").exists()  # only a closed PO
    match = Adapter(conn).match_purchase_order(it.item_code, it.supplier, 1)
    assert not match.matched and match.reason == "no_po_match" and match.candidates == ()
    assert match.message == f"no open PO of {it.supplier} for {it.item_code}"


def test_another_suppliers_po_is_no_match(conn):
    it = item(1)
    other = next(s.vendor_id for s in catalog.SUPPLIERS if s.vendor_id != it.supplier)
    assert Adapter(conn).match_purchase_order(it.item_code, other, 1).reason == "no_po_match"


def test_two_open_pos_are_ambiguous(conn):
    it = item(5)
    match = Adapter(conn).match_purchase_order(it.item_code, it.supplier, 1)
    assert not match.matched and match.reason == "ambiguous_po_match"
    assert len(match.candidates) == 2 and len({c.po_id for c in match.candidates}) == 2
    assert "2 open POs" in match.message


def test_too_little_open_quantity_is_no_match(conn):
    it = item(1)
    open_qty = Adapter(conn).match_purchase_order(it.item_code, it.supplier, 1).line.open_qty
    match = Adapter(conn).match_purchase_order(it.item_code, it.supplier, open_qty + 1)
    assert match.reason == "no_po_match" and len(match.candidates) == 1
    assert f"at most {open_qty} open" in match.message


def test_the_configured_business_unit_limits_matching(sandbox):
    seed.seed_demo()
    it = item(1)
    home = next(s.business_unit for s in catalog.SUPPLIERS if s.vendor_id == it.supplier)
    other = "US002" if home == "US001" else "US001"
    assert Adapter(seed.provision_connection("ps", sandbox, business_unit=home)).match_purchase_order(
        it.item_code, it.supplier, 1).matched
    assert Adapter(seed.provision_connection("ps", sandbox, business_unit=other)).match_purchase_order(
        it.item_code, it.supplier, 1).reason == "no_po_match"


def test_inventory_balances_of_a_business_unit(conn):
    balances = PeopleSoftClient(conn).inventory_balances("DAL")
    assert len(balances) == len(catalog.items())
    by_item = {b.item: b for b in balances}
    it = item(4)  # every fourth item has units reserved
    stored = ItemBalance.objects.get(business_unit="DAL", inv_item_id=it.item_code)
    got = by_item[it.item_code]
    assert got.qty_onhand == Decimal(it.stock["DAL"]) == stored.qty_onhand
    assert got.qty_reserved == stored.qty_reserved
    assert got.qty_available == max(stored.qty_onhand - stored.qty_reserved, 0)


def test_inventory_balances_of_a_few_items_ask_per_item(conn):
    wanted = [item(1).item_code, item(2).item_code]
    balances = PeopleSoftClient(conn).inventory_balances("RNO", wanted)
    assert sorted(b.item for b in balances) == sorted(wanted)
    assert query_calls() == 2


def test_inventory_balances_page_through_many_items(sandbox):
    seed.seed_demo()
    conn = seed.provision_connection("ps", sandbox, page_size=120)
    wanted = {it.item_code for it in catalog.items()[:150]}
    balances = PeopleSoftClient(conn).inventory_balances("ATL", wanted)
    assert {b.item for b in balances} == wanted
    assert query_calls() == 3  # 300 items in windows of 119 complete rows


def test_a_query_without_a_needed_column_is_a_setup_error(conn):
    # The inventory query has no PO_ID: reading it as the PO query must say what is missing.
    conn.config = {**conn.config, "business_unit": "DAL", "po_query": {"name": "ML_INV_BALANCES", "business_unit_prompt": "BUSINESS_UNIT",
                                               "item_prompt": "INV_ITEM_ID", "vendor_prompt": "VENDOR_ID",
                                               "date_from_prompt": "FROM_DATE", "after_prompt": "AFTER_ITEM_ID"}}
    conn.save()
    with pytest.raises(ConfigError, match="no column PO_ID"):
        PeopleSoftClient(conn).open_po_lines("%", "%")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines_per_po=st.lists(st.integers(min_value=1, max_value=3), max_size=25),
       page=st.integers(min_value=4, max_value=9))
def test_paging_returns_every_row_once_whatever_the_cuts(conn, lines_per_po, page):
    PoSchedule.objects.filter(vendor_id="V9003").delete()
    PoSchedule.objects.bulk_create([
        PoSchedule(business_unit="US009", po_id=f"{91000 + n:010d}", line_nbr=line, inv_item_id=f"ITY{n:03d}{line}",
                   vendor_id="V9003", po_dt=date(2026, 10, 1), qty_po=5, shipto_id="DAL", business_unit_in="DAL")
        for n, count in enumerate(lines_per_po) for line in range(1, count + 1)
    ])
    rows = PeopleSoftClient(conn).iter_query("ML_OPEN_PO_LINES", po_prompts("V9003"), window_prompt="AFTER_PO_ID",
                                             window_column="PO_ID", maxrows=page)
    got = [(r["PO_ID"], r["LINE_NBR"]) for r in rows]
    assert got == [(f"{91000 + n:010d}", line) for n, count in enumerate(lines_per_po) for line in range(1, count + 1)]
