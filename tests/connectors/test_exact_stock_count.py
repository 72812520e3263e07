"""Walmart's stock into Exact Online (inventory_in) over real HTTP against the emulator: a stock count carrying
our reference, created as a draft and processed, found by reference after a lost answer, never created twice."""

from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

import pytest

from connectors.contract import StockCountLine, StockCountPosting
from connectors.errors import AmbiguousOutcome, PermanentError, RecoverableError
from connectors.exact_online.adapter import Adapter
from sandbox import clock
from sandbox.exact_online import stats
from sandbox.exact_online.models import StockCount
from sandbox.exact_online.seed import provision_connection
from sandbox.models import Call, Fault

COUNTED = datetime(2026, 11, 20, 6, 0, tzinfo=dt_timezone.utc)


def calls(fragment, method="POST"):
    return Call.objects.filter(system="exact_online", path__contains=fragment, method=method).count()


def count(reference="WMSTOCK-DAL-20261120", *, process=True, **quantities):
    lines = quantities or {"ITM00001": 11, "ITM00002": 0}
    return StockCountPosting(reference=reference, warehouse="DAL", count_date=COUNTED, process=process,
                             lines=tuple(StockCountLine(item, Decimal(q)) for item, q in lines.items()))


def on_hand(conn, *items):
    return {level.item: level.available for level in Adapter(conn).stock_levels(list(items), "DAL")}


@pytest.fixture
def exact(sandbox):
    return provision_connection("exact-stock-count", sandbox)


def test_a_count_is_created_then_processed_and_the_stock_reads_back(exact):
    document = Adapter(exact).post_stock_count(count())
    assert document.kind == "stock_count" and document.complete and document.reference == "WMSTOCK-DAL-20261120"
    assert document.data["status"] == 21 and document.number == "1"
    # One create (lines embedded) and one ProcessStockCount; reads: items and the warehouse, once each.
    assert calls("inventory/StockCounts") == 1 and calls("inventory/ProcessStockCount") == 1
    assert calls("logistics/Items", "GET") == 1 and calls("inventory/Warehouses", "GET") == 1
    stored = StockCount.objects.get()
    assert stored.description == "WMSTOCK-DAL-20261120" and stored.status == 21
    assert [(line["ItemCode"], line["QuantityNew"]) for line in stored.data["StockCountLines"]] == [
        ("ITM00001", 11), ("ITM00002", 0)]
    assert on_hand(exact, "ITM00001", "ITM00002") == {"ITM00001": Decimal(11), "ITM00002": Decimal(0)}
    assert stats.documents()["stock_counts"] == 1 and stats.duplicate_references() == 0


def test_a_draft_only_count_is_not_processed_and_leaves_stock_alone(exact):
    before = on_hand(exact, "ITM00001")
    document = Adapter(exact).post_stock_count(count(process=False, ITM00001=99))
    assert document.complete and document.data["status"] == 12
    assert calls("inventory/ProcessStockCount") == 0
    assert on_hand(exact, "ITM00001") == before
    # Found later, it is a draft; posting it again as draft-only changes nothing and creates nothing.
    found = Adapter(exact).find_stock_count("WMSTOCK-DAL-20261120")
    assert not found.complete and found.number == document.number
    again = Adapter(exact).post_stock_count(count(process=False, ITM00001=99), existing=found)
    assert again.complete and calls("inventory/StockCounts") == 1 and calls("inventory/ProcessStockCount") == 0


def test_a_lost_create_answer_is_found_by_reference_and_processed_without_a_second_count(exact):
    Fault.objects.create(system="exact_online", mode="drop_after_commit", method="POST",
                         path_contains="inventory/StockCounts", starts_at=clock.now())
    with pytest.raises(AmbiguousOutcome):
        Adapter(exact).post_stock_count(count(ITM00001=5))
    Fault.objects.all().delete()
    assert calls("inventory/ProcessStockCount") == 0
    found = Adapter(exact).find_stock_count("WMSTOCK-DAL-20261120")
    assert found is not None and not found.complete and found.data["status"] == 12
    done = Adapter(exact).post_stock_count(count(ITM00001=5), existing=found)
    assert done.complete and done.number == found.number and done.data["status"] == 21
    assert calls("inventory/StockCounts") == 1 and stats.documents()["stock_counts"] == 1
    assert stats.duplicate_references() == 0
    assert on_hand(exact, "ITM00001") == {"ITM00001": Decimal(5)}
    assert Adapter(exact).find_stock_count("WMSTOCK-DAL-20261120").complete


def test_a_count_whose_processing_failed_is_completed_by_processing_it(exact):
    Fault.objects.create(system="exact_online", mode="error", method="POST", path_contains="ProcessStockCount",
                         starts_at=clock.now())
    with pytest.raises(RecoverableError):
        Adapter(exact).post_stock_count(count(ITM00001=3))
    Fault.objects.all().delete()
    half = Adapter(exact).find_stock_count("WMSTOCK-DAL-20261120")
    assert not half.complete
    done = Adapter(exact).post_stock_count(count(ITM00001=3), existing=half)
    assert done.complete and done.number == half.number
    assert calls("inventory/StockCounts") == 1 and on_hand(exact, "ITM00001") == {"ITM00001": Decimal(3)}
    # A processed count handed back as `existing` is returned as it is: no call at all.
    before = Call.objects.count()
    assert Adapter(exact).post_stock_count(count(ITM00001=3), existing=done).complete
    assert Call.objects.count() == before


def test_a_lost_processing_answer_reads_back_as_complete(exact):
    Fault.objects.create(system="exact_online", mode="drop_after_commit", method="POST",
                         path_contains="ProcessStockCount", starts_at=clock.now())
    with pytest.raises(AmbiguousOutcome):
        Adapter(exact).post_stock_count(count(ITM00001=4))
    Fault.objects.all().delete()
    found = Adapter(exact).find_stock_count("WMSTOCK-DAL-20261120")
    assert found.complete and found.data["status"] == 21
    assert on_hand(exact, "ITM00001") == {"ITM00001": Decimal(4)}


def test_unknown_references_find_nothing_and_duplicates_are_reported(exact):
    assert Adapter(exact).find_stock_count("WMSTOCK-NOPE") is None
    Adapter(exact).post_stock_count(count(process=False))
    Adapter(exact).post_stock_count(count(process=False))  # a caller that ignored the rules
    assert stats.duplicate_references() == 1
    with pytest.raises(PermanentError, match="2 stock counts carry reference"):
        Adapter(exact).find_stock_count("WMSTOCK-DAL-20261120")


def test_counts_exact_cannot_take_are_refused_before_any_write(exact):
    with pytest.raises(PermanentError, match="no item with code NOSUCH"):
        Adapter(exact).post_stock_count(count(NOSUCH=1))
    with pytest.raises(PermanentError, match="negative count"):
        Adapter(exact).post_stock_count(count(ITM00001=-1))
    twice = StockCountPosting(reference="R", warehouse="DAL", count_date=COUNTED,
                              lines=(StockCountLine("ITM00001", Decimal(1)), StockCountLine("ITM00001", Decimal(2))))
    with pytest.raises(PermanentError, match="occurs twice"):
        Adapter(exact).post_stock_count(twice)
    assert calls("inventory/StockCounts") == 0


def test_the_reference_field_and_process_function_come_from_the_connection(sandbox):
    conn = provision_connection("exact-stock-count-config", sandbox, process_stock_count_path="inventory/NoSuchFunction")
    with pytest.raises(PermanentError):
        Adapter(conn).post_stock_count(count())
    assert calls("inventory/NoSuchFunction") == 1
    assert not Adapter(conn).find_stock_count("WMSTOCK-DAL-20261120").complete
