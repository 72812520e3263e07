"""Walmart Orders API calls (walmart-api.md §2). Orders come back as Walmart sends them (plain
dicts); turning them into our records is the orders flow's job."""

from urllib.parse import quote

from connectors import http
from connectors.errors import PermanentError
from connectors.walmart.paging import iter_pages

LIST_FILTERS = (
    "createdStartDate", "createdEndDate", "lastModifiedStartDate", "lastModifiedEndDate", "status", "limit",
    "shipNodeType", "sku", "purchaseOrderId", "customerOrderId", "fromExpectedShipDate", "toExpectedShipDate",
    "productInfo", "shippingProgramType", "replacementInfo", "orderType",
)


def _po(purchase_order_id):
    return quote(str(purchase_order_id), safe="")


def _order(response):
    return response.json()["order"]


class OrdersCalls:
    """Mixed into WalmartClient; `self.connection` is the Walmart Connection."""

    def iter_orders(self, **filters):
        """Every order matching the filters, page after page (Walmart's names: createdStartDate,
        lastModifiedStartDate, status, limit, shipNodeType, sku, purchaseOrderId...).

        Follows `meta.nextCursor` verbatim, treats 404 as "no orders", stops on a repeated cursor.
        Dates may be given as aware datetimes. Yields order dicts.

        # Reference: https://developer.walmart.com/us-marketplace/reference/getallorders (GET /v3/orders)
        """
        unknown = set(filters) - set(LIST_FILTERS)
        if unknown:
            raise ValueError(f"unknown GET /v3/orders filters: {', '.join(sorted(unknown))}")
        for page in iter_pages(self.connection, "/v3/orders", filters, bucket="orders.list", what="list orders"):
            yield from ((page.get("list") or {}).get("elements") or {}).get("order") or []

    def get_order(self, purchase_order_id):
        """One purchase order, or None when Walmart does not know it.

        # Reference: https://developer.walmart.com/us-marketplace/reference/getanorder (GET /v3/orders/{purchaseOrderId})
        """
        try:
            response = http.send(self.connection, "GET", f"/v3/orders/{_po(purchase_order_id)}", bucket="orders.list",
                                 what=f"get order {purchase_order_id}")
        except PermanentError as exc:
            if exc.status == 404:
                return None
            raise
        return _order(response)

    def acknowledge(self, purchase_order_id):
        """Acknowledge every line of the PO (idempotent on Walmart's side). Returns the order.

        # Reference: https://developer.walmart.com/us-marketplace/reference/acknowledgeorders (POST /v3/orders/{purchaseOrderId}/acknowledge)
        """
        return _order(http.send(self.connection, "POST", f"/v3/orders/{_po(purchase_order_id)}/acknowledge",
                                bucket="orders.acknowledge", what=f"acknowledge order {purchase_order_id}"))

    def ship(self, purchase_order_id, lines, *, partial_update=False):
        """Confirm shipment of lines. `lines`: ShipmentLine objects (connectors.walmart.shipping).
        `partial_update` only updates tracking of lines already shipped. Returns the order.

        # Reference: https://developer.walmart.com/us-marketplace/reference/shippingupdates (POST /v3/orders/{purchaseOrderId}/shipping)
        """
        shipment = {"orderLines": {"orderLine": [line.as_walmart() for line in lines]}}
        if partial_update:
            shipment["processMode"] = "PARTIAL_UPDATE"
        return _order(http.send(self.connection, "POST", f"/v3/orders/{_po(purchase_order_id)}/shipping",
                                json={"orderShipment": shipment}, bucket="orders.ship",
                                what=f"ship order {purchase_order_id}"))

    def cancel(self, purchase_order_id, lines, reason):
        """Cancel quantities of lines: `lines` is {lineNumber: quantity}; `reason` one of Walmart's
        cancellation reasons (SELLER_CANCEL_OUT_OF_STOCK...). Returns the order.

        # Reference: https://developer.walmart.com/us-marketplace/reference/cancelorderlines (POST /v3/orders/{purchaseOrderId}/cancel)
        """
        body = {"orderCancellation": {"orderLines": {"orderLine": [
            {"lineNumber": str(number), "orderLineStatuses": {"orderLineStatus": [{
                "status": "Cancelled", "cancellationReason": reason,
                "statusQuantity": {"unitOfMeasurement": "EACH", "amount": str(quantity)}}]}}
            for number, quantity in lines.items()
        ]}}}
        return _order(http.send(self.connection, "POST", f"/v3/orders/{_po(purchase_order_id)}/cancel", json=body,
                                bucket="orders.cancel", what=f"cancel lines of order {purchase_order_id}"))

    def refund(self, purchase_order_id, refunds):
        """Refund shipped lines. `refunds`: RefundLine objects (connectors.walmart.shipping), amounts
        as positive Decimals (sent negative, as Walmart wants them). Returns the order.

        # Reference: https://developer.walmart.com/us-marketplace/reference/refundorderlines (POST /v3/orders/{purchaseOrderId}/refund)
        """
        body = {"orderRefund": {"purchaseOrderId": str(purchase_order_id),
                                "orderLines": {"orderLine": [r.as_walmart() for r in refunds]}}}
        return _order(http.send(self.connection, "POST", f"/v3/orders/{_po(purchase_order_id)}/refund", json=body,
                                bucket="orders.refund", what=f"refund lines of order {purchase_order_id}"))
