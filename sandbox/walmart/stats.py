"""Walmart emulator figures for `manage.py sandbox stats` (DESIGN §9 JSON shape, `documents`)."""

from collections import defaultdict

from django.db.models import Count

from sandbox.walmart import shipping
from sandbox.walmart.models import Action, Order, ReturnOrder

ACTION_DOCUMENTS = {
    Action.Kind.ACKNOWLEDGE: "acknowledgements",
    Action.Kind.CANCEL: "cancellations",
    Action.Kind.REFUND: "refunds",
    Action.Kind.RETURN_REFUND: "refunds",
}


def documents():
    """Documents the emulator holds or received: orders, returns and the seller's actions on them.
    `shipments` are packages (see _packages), not calls: one call may confirm several."""
    counts = {"orders": Order.objects.count(), "returns": ReturnOrder.objects.count(), "acknowledgements": 0,
              "shipments": _packages(), "cancellations": 0, "refunds": 0}
    for row in Action.objects.exclude(kind=Action.Kind.SHIP).values("kind").annotate(n=Count("id")):
        counts[ACTION_DOCUMENTS[row["kind"]]] += row["n"]
    return counts


def _shipped_orders():
    """Orders the seller shipped through the API (loaded or demo-seeded shipments are not ours)."""
    shipped = set(Action.objects.filter(kind=Action.Kind.SHIP).values_list("account_id", "reference"))
    rows = Order.objects.filter(purchase_order_id__in=Action.objects.filter(kind=Action.Kind.SHIP).values("reference"))
    for account_id, po, data in rows.values_list("account_id", "purchase_order_id", "data").iterator():
        if (account_id, po) in shipped:
            yield data


def _packages():
    """Confirmed packages: distinct tracking numbers per purchase order on its shipped parts."""
    return sum(len(shipping.packages(data)) for data in _shipped_orders())


def _tracking_confirmed_twice():
    """(account, PO, line, trackingNumber) confirmed by more than one shipping call that added
    quantity (PARTIAL_UPDATE calls only correct tracking, so they do not count)."""
    calls = defaultdict(set)
    for pk, account_id, po, body in Action.objects.filter(kind=Action.Kind.SHIP).values_list(
            "pk", "account_id", "reference", "request").iterator():
        shipment = (body or {}).get("orderShipment") or {}
        if shipment.get("processMode") == "PARTIAL_UPDATE":
            continue
        for line in ((shipment.get("orderLines") or {}).get("orderLine")) or []:
            for status in ((line.get("orderLineStatuses") or {}).get("orderLineStatus")) or []:
                number = (status.get("trackingInfo") or {}).get("trackingNumber")
                if number:
                    calls[(account_id, po, str(line.get("lineNumber")), number)].add(pk)
    return sum(1 for actions in calls.values() if len(actions) > 1)


def duplicate_references():
    """Walmart carries no reference of ours; what must stay unique is the purchaseOrderId (and the
    returnOrderId) within one seller account, which the database enforces, and a package: a tracking
    number confirmed twice for one line means the connector shipped it twice."""
    duplicates = _tracking_confirmed_twice()
    for model, column in ((Order, "purchase_order_id"), (ReturnOrder, "return_order_id")):
        duplicates += (model.objects.values("account", column).annotate(n=Count("id")).filter(n__gt=1).count())
    return duplicates
