"""manage.py sandbox ship / cancel-line / touch-items against the M3 emulator: dispatched to
sandbox.infor_m3.fulfil, what was done printed, and what the connector then reads is what the command
said; unknown orders, lines, carriers, too much and systems without fulfil refused in one line."""

from datetime import datetime, timezone
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from connectors.contract import Address, OrderPosting, PostingCharge, PostingLine
from connectors.infor_m3.adapter import Adapter
from sandbox.infor_m3.models import ItemChange
from sandbox.infor_m3.seed import provision_connection

PO = "1600000000001"


def run(*args):
    out = StringIO()
    call_command("sandbox", *args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def erp(sandbox):
    erp = Adapter(provision_connection("m3", sandbox))
    lines = tuple(PostingLine(line_number=str(n), sku=f"WM-{item}", erp_item=item, quantity=Decimal(qty),
                              walmart_quantity=Decimal(qty), warehouse="DAL",
                              charges=(PostingCharge("PRODUCT", Decimal(amount)),))
                  for n, item, qty, amount in ((1, "ITM00001", "3", "59.97"), (2, "ITM00002", "2", "20.00")))
    erp.post_order(OrderPosting(reference=PO, purchase_order_id=PO, customer_order_id="C1", currency="USD",
                                order_date=datetime(2026, 11, 29, tzinfo=timezone.utc), customer="",
                                ship_to=Address(name="Jane Doe", address1="1 Main St"), lines=lines))
    return erp


def test_ship_prints_each_package_and_the_connector_reads_it(erp):
    out = run("ship", "infor_m3", PO, "--lines", "1", "--quantity", "2", "--packages", "2", "--carrier", "fedx")
    assert out.count("Shipped line 1 (ITM00001) x 1 by FEDX EXP, tracking ") == 2
    assert out.endswith(f"infor_m3: 2 package line(s) shipped for {PO}.")
    page = erp.shipments("")
    assert sorted((p.line_number, p.quantity, p.carrier) for p in page.packages) == [
        ("1", Decimal("1"), "FEDX"), ("1", Decimal("1"), "FEDX")]
    assert all(p.tracking_number in out for p in page.packages)
    rest = run("ship", "infor_m3", PO)  # every open line: 1 left of line 1, all of line 2, default carrier
    assert "Shipped line 1 (ITM00001) x 1 by UPSG" in rest and "Shipped line 2 (ITM00002) x 2 by UPSG" in rest


def test_cancel_line_prints_what_was_cancelled_and_the_connector_reads_it(erp):
    out = run("cancel-line", "infor_m3", PO, "2", "--quantity", "1")
    # Still open (allocated 33, or reserved 22 when the demo stock cannot cover it): the status stays.
    assert out.startswith(f"infor_m3: cancelled 1 of line 2 (ITM00002) of {PO} (order {erp.find_document(PO).number}, "
                          "line status ") and out[-4:-2] in ("22", "33")
    assert run("cancel-line", "infor_m3", PO, "2").endswith("line status 99).")
    [cancelled] = erp.shipments("").cancellations
    assert (cancelled.line_number, cancelled.quantity) == ("2", Decimal("2"))


def test_touch_items_prints_the_items_changed(sandbox):
    out = run("touch-items", "infor_m3", "3")
    assert out == "infor_m3: changed 3 item(s): ITM00001, ITM00002, ITM00003"
    assert ItemChange.objects.count() == 3


@pytest.mark.parametrize("args, message", [
    (("ship", "infor_m3", "999"), "Infor M3 has no customer order with reference (CUOR) 999"),
    (("ship", "infor_m3", PO, "--lines", "7"), "has no line 7 (lines: 1, 2)"),
    (("ship", "infor_m3", PO, "--lines", "2", "--quantity", "5"), f"line 2 of {PO} has 2 open; cannot ship 5"),
    (("ship", "infor_m3", PO, "--carrier", "PIGEON"), "Infor M3 has no forwarding agent PIGEON"),
    (("ship", "infor_m3", PO, "--quantity", "x"), "'x' is not a quantity"),
    (("cancel-line", "infor_m3", PO, "1", "--quantity", "4"), f"line 1 of {PO} has 3 open; cannot cancel 4"),
    (("touch-items", "infor_m3", "0"), "give 1 or more items to touch"),
    (("ship", "peoplesoft", PO), "peoplesoft has no shipments or item changes in the sandbox"),
])
def test_mistakes_are_one_line_errors(erp, args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_nothing_left_to_ship_is_said_so(erp):
    run("ship", "infor_m3", PO)
    with pytest.raises(CommandError, match="has nothing open to ship"):
        run("ship", "infor_m3", PO)
