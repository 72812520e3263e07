"""Figures of the PeopleSoft emulator for `sandbox stats` (DESIGN §8)."""

import re
from collections import Counter

from sandbox.peoplesoft.models import Receipt

# A part of an order split over several receivers: "<reference>-k/n" (connectors/peoplesoft/posting.py).
PART = re.compile(r"(.+)-(\d+)/(\d+)")


def _order(reference):
    """The order a reference belongs to, and its shape: (order reference, n), n = 1 for a whole order."""
    part = PART.fullmatch(reference)
    return (part[1], int(part[3])) if part else (reference, 1)


def documents():
    """Receipts, and the orders they received: an order split over n receivers is n receipts but one
    order, so po_receipts can exceed the orders posted while received_orders cannot."""
    references = set(Receipt.objects.values_list("bill_of_lading", flat=True))
    return {"po_receipts": Receipt.objects.count(), "received_orders": len({_order(r)[0] for r in references})}


def duplicated(limit=None):
    """Our references (BILL_OF_LADING) received twice, sorted.

    A reference carried by more than one receipt is named. The parts "<reference>-k/n" of a split order
    are references of their own ("-1/2" and "-2/2" are one order's two receipts, a second "-1/2" is a
    double receipt). An order received in two shapes, whole ("<reference>") and split, or split with two
    counts ("-1/2" and "-1/3"), is a double post too, named by the order's reference.
    """
    counts = Counter(Receipt.objects.values_list("bill_of_lading", flat=True))
    found = {reference for reference, n in counts.items() if n > 1}
    shapes = {}
    for reference in counts:
        order, shape = _order(reference)
        shapes.setdefault(order, set()).add(shape)
    found |= {order for order, seen in shapes.items() if len(seen) > 1}
    rows = sorted(found)
    return rows[:limit] if limit else rows


def duplicate_references():
    """How many references are carried by more than one receipt: a double post; must stay 0."""
    return len(duplicated())
