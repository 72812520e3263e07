"""From a Walmart order to PeopleSoft PO receipts: which lines share a PO schedule, what goes to
review, and the receipts themselves. Pure functions; the adapter makes the calls.

Lines of the same ERP item, supplier and business unit are matched together, on their combined
quantity: they can only be received against the same schedule, so the schedule must have room for
all of them (matching them one by one would let each fit while together they over-receive).

A receiver (RECV_HDR) has one business unit and one vendor, so an order whose lines match POs of
several is split: one receipt per (business unit, vendor), sorted by them, carrying
"<reference>-k/n". An order that fits one receiver keeps the plain reference, as before splitting
existed. The split is a function of the matches, so a retry that rematches builds the same parts.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from connectors.errors import PermanentError
from connectors.peoplesoft.client import REFERENCE_LENGTH, PoReceipt, ReceiptLine


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


def review_error(failures, found=()):
    """One PermanentError for every unmatched group; its vendor_code is the first group's reason.
    `found`: parts of a half-done split post, named so that the reviewer knows what already exists."""
    parts = []
    for group, match in failures:
        candidates = "; ".join(schedule_name(c) for c in match.candidates) or "none"
        parts.append(f"{group.label}: {match.reason}: {match.message}; candidates: {candidates}")
    done = f"no further receipt created (already in PeopleSoft: {describe(found)})" if found else "no receipt created"
    return PermanentError(f"PO match failed, {done}. " + " | ".join(parts), vendor_code=failures[0][1].reason)


def part_reference(reference, k, n):
    """The reference of part k of n of a split order: names the order, the part and how many there are,
    so that find_document can tell a complete order from one whose post stopped half-way."""
    return f"{reference}-{k}/{n}"


_PART = re.compile(r"-(\d+)/(\d+)")


def parse_part(reference, candidate):
    """(k, n) when `candidate` is part k of n of `reference` (exactly as part_reference writes it), else None."""
    if not candidate.startswith(reference):
        return None
    found = _PART.fullmatch(candidate[len(reference):])
    if found is None:
        return None
    k, n = int(found[1]), int(found[2])
    # Only the canonical spelling (no leading zeros, 1 <= k <= n, n >= 2): anything else is not ours.
    if n < 2 or not 1 <= k <= n or part_reference(reference, k, n) != candidate:
        return None
    return k, n


def receiver_key(po_line):
    """What one receipt can hold: one business unit, one vendor. Parts are numbered in this order."""
    return po_line.business_unit, po_line.vendor_id


def covering_part(group, found, default_unit):
    """The receipt already in PeopleSoft (a dict of ErpDocument.data["receipts"]) that received `group`,
    or None. Received groups are not matched again: their schedule may have no open quantity left.

    A part covers a group of its vendor whose item it received, in the group's business unit when the
    group names one (its own, else the connection's); a group matched in any business unit takes the part
    of its vendor that has its item (one item and vendor form one group, so there is one such part).
    """
    unit = group.business_unit or default_unit
    known = unit if unit and not set(unit) & set("%_") else None
    for part in found:
        if (part["vendor_id"] == group.vendor_id and (known is None or part["business_unit"] == known)
                and any(line["item"] == group.item for line in part["lines"])):
            return part
    return None


def describe(parts):
    return ", ".join(f"{p['reference']} ({p['business_unit']}/{p['vendor_id']}, receiver {p['receiver_id']})"
                     for p in parts) or "none"


def build_receipts(posting, matched, found=(), parts=None, covered=()):
    """The receipts still to create for the order: [(k, n, PoReceipt)], in part order.

    `matched`: (group, match) of every group to receive now, all matched. `found`: the parts already in
    PeopleSoft (ErpDocument.data["receipts"] of a half-done post), `parts` their n, `covered` the
    (group, part) pairs of covering_part, whose groups are left out of `matched`. The (business unit,
    vendor) of found and matched, sorted, gives each part its number; a found part that does not sit
    where this numbering puts it, or that received none of the order's groups, means the order or the POs
    no longer give the split that was started: nothing more is created (PermanentError, for staff).
    """
    found_keys = {}
    for part in found:
        found_keys.setdefault((part["business_unit"], part["vendor_id"]), []).append(part)
    new_keys = {receiver_key(match.line) for _, match in matched}
    keys = sorted(set(found_keys) | new_keys)
    used = {id(part) for _, part in covered}
    misfits = [p for key, ps in found_keys.items() for p in ps
               if len(ps) > 1 or key in new_keys or keys.index(key) + 1 != p["part"] or id(p) not in used]
    if found and (misfits or len(keys) != parts):
        wanted = ", ".join(f"{k}/{len(keys)} {unit}/{vendor}" for k, (unit, vendor) in enumerate(keys, start=1))
        raise PermanentError(
            f"order {posting.reference} was split over {parts} PeopleSoft receipts of which {describe(found)} "
            f"exist, but its lines now call for {wanted}: nothing more created; check the existing receipts")
    # By identity: PostingLine holds a dict (gl), so it is not hashable, and line numbers need not be unique.
    schedule_of = {id(line): match.line for group, match in matched for line in group.lines}
    n = len(keys)
    receipts = []
    for k, key in enumerate(keys, start=1):
        if key in found_keys:
            continue
        reference = posting.reference if n == 1 else part_reference(posting.reference, k, n)
        # One receipt line per order line of this receiver, in order-line order, each on its group's schedule.
        lines = tuple(ReceiptLine(schedule_of[id(line)], line.quantity) for line in posting.lines
                      if id(line) in schedule_of and receiver_key(schedule_of[id(line)]) == key)
        receipts.append((k, n, PoReceipt(reference=reference, lines=lines)))
    return receipts


def check_reference_lengths(receipts):
    """Refuse, before the first call, an order whose longest reference would not fit: a split order must
    not stop after its first parts because the last one is refused."""
    too_long = [r.reference for _, _, r in receipts if len(r.reference) > REFERENCE_LENGTH]
    if too_long:
        raise PermanentError(f"PeopleSoft receipt reference {too_long[-1]} is longer than the {REFERENCE_LENGTH} "
                             "characters of BILL_OF_LADING / EIP_TRANS_SRC_REF: no receipt created")


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
