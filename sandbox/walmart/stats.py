"""Walmart emulator figures for `manage.py sandbox stats` (DESIGN §9 JSON shape, `documents`)."""

from django.db.models import Count

from sandbox.walmart.models import Action, Order, ReturnOrder

ACTION_DOCUMENTS = {
    Action.Kind.ACKNOWLEDGE: "acknowledgements",
    Action.Kind.SHIP: "shipments",
    Action.Kind.CANCEL: "cancellations",
    Action.Kind.REFUND: "refunds",
    Action.Kind.RETURN_REFUND: "refunds",
}


def documents():
    """Documents the emulator holds or received: orders, returns and the seller's actions on them."""
    counts = {"orders": Order.objects.count(), "returns": ReturnOrder.objects.count(), "acknowledgements": 0,
              "shipments": 0, "cancellations": 0, "refunds": 0}
    for row in Action.objects.values("kind").annotate(n=Count("id")):
        counts[ACTION_DOCUMENTS[row["kind"]]] += row["n"]
    return counts


def duplicate_references():
    """Walmart carries no reference of ours; what must stay unique is the purchaseOrderId (and the
    returnOrderId) within one seller account. The database enforces both, so a non-zero answer means
    the constraints were dropped or bypassed."""
    duplicates = 0
    for model, column in ((Order, "purchase_order_id"), (ReturnOrder, "return_order_id")):
        duplicates += (model.objects.values("account", column).annotate(n=Count("id")).filter(n__gt=1).count())
    return duplicates
