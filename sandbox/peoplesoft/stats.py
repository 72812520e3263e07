"""Figures of the PeopleSoft emulator for `sandbox stats` (DESIGN §8)."""

from django.db.models import Count

from sandbox.peoplesoft.models import Receipt


def documents():
    return {"po_receipts": Receipt.objects.count()}


def duplicated(limit=None):
    """References (BILL_OF_LADING, where our reference goes) carried by more than one receipt."""
    rows = (Receipt.objects.values("bill_of_lading").annotate(n=Count("id")).filter(n__gt=1)
            .order_by("bill_of_lading").values_list("bill_of_lading", flat=True))
    return list(rows[:limit] if limit else rows)


def duplicate_references():
    """How many references are carried by more than one receipt: a double post; must stay 0."""
    return len(duplicated())
