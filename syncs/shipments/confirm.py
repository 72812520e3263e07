"""Confirming on Walmart through the posting machine: a shipped package is POST
/v3/orders/{po}/shipping with one line and one status entry (quantity, carrier or otherCarrier +
tracking URL, methodCode, tracking number, ship date, sellerOrderId = the ERP order number); an ERP
cancellation is POST .../cancel. Before any retry the order is read back (GET /v3/orders/{po}): the
line shows that tracking (or that cancelled quantity) → done; it does not → send; unreadable →
retried, then review. Walmart's answer (the order) is stored, so the order page shows its line
statuses and tracking at once.
"""

from dataclasses import dataclass
from decimal import Decimal

from connectors.contract import ErpDocument
from connectors.errors import PermanentError
from connectors.walmart.client import WalmartClient
from connectors.walmart.shipping import ShipmentLine
from syncs import posting
from syncs.models import ShipmentConfirmation
from syncs.orders.normalise import store

K = ShipmentConfirmation.Kind


@dataclass(frozen=True)
class Confirmation:
    reference: str
    row: ShipmentConfirmation


class ConfirmJob(posting.Job):
    model = ShipmentConfirmation
    action = "shipment.confirm"
    S = ShipmentConfirmation.Status

    def build(self, row):
        if row.kind == K.SHIP:
            try:
                ShipmentLine(line_number=row.line_number, quantity=row.quantity, seller_order_id=row.seller_order_id or "-",
                             carrier=row.carrier, method_code=row.method_code or "Standard",
                             tracking_number=row.tracking_number, tracking_url=row.tracking_url, ship_time=row.shipped_at)
            except ValueError as exc:
                raise posting.Unbuildable("invalid_mapping", f"The confirmation would be refused: {exc}") from None
        return Confirmation(row.reference, row)

    def post(self, client, confirmation, existing):
        row = confirmation.row
        if row.kind == K.SHIP:
            line = ShipmentLine(line_number=row.line_number, quantity=row.quantity, seller_order_id=row.seller_order_id,
                                carrier=row.carrier, method_code=row.method_code or "Standard",
                                tracking_number=row.tracking_number, tracking_url=row.tracking_url,
                                ship_time=row.shipped_at)
            order = client.ship(row.purchase_order_id, [line])
        else:
            order = client.cancel(row.purchase_order_id, {row.line_number: row.quantity}, row.cancel_reason)
        store(row.integration, order)  # the order page shows Walmart's line statuses and tracking now
        return ErpDocument(row.reference, row.tracking_number or f"cancelled {row.quantity}", f"walmart_{row.kind}")

    def find(self, client, reference):
        po, line_number, kind, key = reference.split("/", 3)
        row = ShipmentConfirmation.objects.select_related("integration").get(
            walmart=client.connection, purchase_order_id=po, line_number=line_number, kind=kind, key=key)
        # What we knew before asking (our copy is only updated after a confirmation we saw succeed).
        cancelled_before = row.order.lines.filter(line_number=line_number).values_list(
            "cancelled_quantity", flat=True).first() or 0
        order = client.get_order(po)
        if order is None:
            raise PermanentError(f"Walmart does not know PO {po} any more")
        statuses = _statuses(order, line_number)
        store(row.integration, order)
        if kind == K.SHIP:
            found = any((s.get("trackingInfo") or {}).get("trackingNumber") == row.tracking_number for s in statuses)
            return ErpDocument(reference, row.tracking_number, "walmart_ship") if found else None
        cancelled = sum(Decimal(str((s.get("statusQuantity") or {}).get("amount") or 0))
                        for s in statuses if s.get("status") == "Cancelled")
        return ErpDocument(reference, f"cancelled {row.quantity}", "walmart_cancel") if (
            cancelled >= cancelled_before + row.quantity) else None


def _statuses(order, line_number):
    for line in ((order.get("orderLines") or {}).get("orderLine") or []):
        if str(line.get("lineNumber")) == str(line_number):
            return (line.get("orderLineStatuses") or {}).get("orderLineStatus") or []
    return []


def confirm_due(integration, *, retry_now=False, limit=500):
    queryset = ShipmentConfirmation.objects.filter(integration=integration).select_related("integration", "order")
    return posting.run(ConfirmJob(), queryset, WalmartClient(integration.walmart), retry_now=retry_now, limit=limit)
