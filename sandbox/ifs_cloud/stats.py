"""Figures of the IFS Cloud emulator for `sandbox stats` (DESIGN §9)."""

from django.db.models import Count

from sandbox.ifs_cloud.models import CustomerOrder


def documents():
    """Customer orders created, whatever became of them."""
    return {"customer_orders": CustomerOrder.objects.count()}


def duplicate_references():
    """Our references (CustomerPoNo) carried by more than one live (not cancelled) order of one IFS instance.

    It must stay 0: a second live order with the same reference is a double post.
    """
    return (
        CustomerOrder.objects.exclude(objstate="Cancelled").exclude(customer_po_no="")
        .values("realm", "customer_po_no").annotate(n=Count("id")).filter(n__gt=1).count()
    )
