"""From a Walmart order to one PeopleSoft PO receipt: which lines share a PO schedule, what goes to
review, and the receipt itself. Pure functions; the adapter makes the calls.

Lines of the same ERP item, supplier and business unit are matched together, on their combined
quantity: they can only be received against the same schedule, so the schedule must have room for
all of them (matching them one by one would let each fit while together they over-receive).
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from connectors.errors import PermanentError
from connectors.peoplesoft.client import PoReceipt, ReceiptLine


@dataclass(frozen=True)
class LineGroup:
    """Order lines that must land on one PO schedule: same item, supplier and business unit."""

    item: str
    vendor_id: str
    business_unit: str  # from the supplier mapping; "" = the connection's business unit, or any
    lines: tuple

    @property
    def quantity(self):
        return sum((line.quantity for line in self.lines), Decimal("0"))

    @property
    def label(self):
        numbers = ", ".join(line.line_number for line in self.lines)
        if len(self.lines) == 1:
            only = self.lines[0]
            return f"line {numbers} (SKU {only.sku}, item {self.item}, qty {self.quantity})"
        return f"lines {numbers} (item {self.item}, qty {self.quantity} together)"


def group_lines(posting):
    """LineGroups in the order their first line appears; refuses lines that cannot be matched at all."""
    groups = {}
    for line in posting.lines:
        if not line.erp_item or not line.vendor_id:
            missing = "ERP item" if not line.erp_item else "supplier (vendor_id)"
            raise PermanentError(f"line {line.line_number} (SKU {line.sku}) has no {missing}: PO matching needs "
                                 "the item and its supplier mapped")
        if line.quantity <= 0:
            raise PermanentError(f"line {line.line_number} (SKU {line.sku}): quantity {line.quantity} "
                                 "cannot be received")
        key = (line.erp_item, line.vendor_id, line.business_unit)
        groups.setdefault(key, []).append(line)
    return [LineGroup(item, vendor, unit, tuple(lines)) for (item, vendor, unit), lines in groups.items()]


def date_from(posting, lookback_days):
    """The oldest PO date that may receive the order (None = any): old open POs are usually leftovers."""
    if not lookback_days or posting.order_date is None:
        return None
    return posting.order_date.date() - timedelta(days=lookback_days)


def schedule_name(po_line):
    return (f"{po_line.business_unit}/{po_line.po_id} line {po_line.line_nbr} sched {po_line.sched_nbr} "
            f"(open {po_line.open_qty})")


def review_error(failures):
    """One PermanentError for every unmatched group; its vendor_code is the first group's reason."""
    parts = []
    for group, match in failures:
        candidates = "; ".join(schedule_name(c) for c in match.candidates) or "none"
        parts.append(f"{group.label}: {match.reason}: {match.message}; candidates: {candidates}")
    return PermanentError("PO match failed, no receipt created. " + " | ".join(parts),
                          vendor_code=failures[0][1].reason)


def check_one_receiver(matched):
    """A receiver (RECV_HDR) has one business unit and one vendor: an order spread over several
    cannot be one receipt, and splitting it would make two documents for one reference."""
    keys = {(match.line.business_unit, match.line.vendor_id) for _, match in matched}
    if len(keys) > 1:
        named = "; ".join(f"{group.label} -> {schedule_name(match.line)} of {match.line.vendor_id}"
                          for group, match in matched)
        raise PermanentError("the order's lines match POs of more than one business unit or supplier, which one "
                             f"PeopleSoft receipt cannot hold: {named}")


def build_receipt(posting, matched):
    """One receipt line per order line, in order-line order, each on its group's schedule."""
    # By identity: PostingLine holds a dict (gl), so it is not hashable, and line numbers need not be unique.
    schedule_of = {id(line): match.line for group, match in matched for line in group.lines}
    return PoReceipt(reference=posting.reference,
                     lines=tuple(ReceiptLine(schedule_of[id(line)], line.quantity) for line in posting.lines))


def match_summary(group, match):
    """A JSON-friendly account of one group's match, for previews."""
    return {
        "lines": [line.line_number for line in group.lines], "item": group.item, "vendor_id": group.vendor_id,
        "business_unit": group.business_unit, "quantity": str(group.quantity), "reason": match.reason,
        "message": match.message,
        "po": None if match.line is None else {
            "business_unit": match.line.business_unit, "po_id": match.line.po_id, "line_nbr": match.line.line_nbr,
            "sched_nbr": match.line.sched_nbr, "open_qty": str(match.line.open_qty),
            "business_unit_in": match.line.business_unit_in},
        "candidates": [schedule_name(c) for c in match.candidates],
    }
