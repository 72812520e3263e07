"""Walmart order JSON -> plain dataclasses (no database): every shape the API and webhooks use.

Handles the GET /v3/orders element, the single-order body ({"order": {...}}), lines as
`orderLines.orderLine[]` or a bare list (webhook payloads), epoch-ms or ISO dates, amounts as JSON
numbers or strings (turned into Decimal through their text, never through binary floats).
"""

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

TWO = Decimal("0.01")


class OrderShapeError(ValueError):
    """The JSON is not a Walmart order we can read; the message says what is missing."""


def money(value):
    if value in (None, ""):
        return Decimal("0")
    try:
        return Decimal(str(value)).quantize(TWO)
    except InvalidOperation:
        raise OrderShapeError(f"amount {value!r} is not a number") from None


def quantity(value):
    try:
        return Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        raise OrderShapeError(f"quantity {value!r} is not a number") from None


def when(value):
    """Epoch milliseconds (number or digits) or ISO 8601 -> aware datetime; None when absent."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()):
        return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise OrderShapeError(f"date {value!r} is neither epoch milliseconds nor ISO 8601") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def listed(container, key):
    """Walmart wraps lists: {"orderLine": [...]} or {"orderLine": {...}} or a bare list."""
    if container is None:
        return []
    if isinstance(container, list):
        return container
    inner = container.get(key) if isinstance(container, dict) else None
    if inner is None:
        return []
    return inner if isinstance(inner, list) else [inner]


def mask_phone(phone):
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit())
    return ("*" * (len(digits) - 4) + digits[-4:]) if len(digits) > 4 else ""


def mask_email(email):
    local, _, domain = str(email or "").partition("@")
    return f"{local[:2]}***@{domain}" if local and domain else ""


@dataclass
class Charge:
    charge_type: str
    charge_name: str
    amount: Decimal
    currency: str
    tax_name: str
    tax_amount: Decimal


@dataclass
class Line:
    line_number: str
    sku: str
    product_name: str
    condition: str
    quantity: Decimal
    unit_of_measure: str
    status: str
    statuses: list
    status_date: datetime | None
    cancelled_quantity: Decimal
    shipped_quantity: Decimal
    fulfillment_option: str
    ship_method: str
    shipping_program_type: str
    charges: list = field(default_factory=list)


@dataclass
class Order:
    purchase_order_id: str
    values: dict  # MarketplaceOrder column values
    lines: list


def _line(raw):
    item = raw.get("item") or {}
    sku = item.get("sku") or raw.get("sku")
    if not sku:
        raise OrderShapeError(f"line {raw.get('lineNumber')!r} has no SKU")
    qty = raw.get("orderLineQuantity") or raw.get("quantity") or {}
    statuses = []
    for status in listed(raw.get("orderLineStatuses"), "orderLineStatus"):
        amount = (status.get("statusQuantity") or {}).get("amount")
        statuses.append({"status": status.get("status", ""), "quantity": str(quantity(amount)),
                         "cancellationReason": status.get("cancellationReason", "")})
    if not statuses and raw.get("status"):
        statuses.append({"status": raw["status"], "quantity": str(quantity(qty.get("amount") or qty.get("measurementValue"))),
                         "cancellationReason": raw.get("cancellationReason", "")})
    names = {s["status"] for s in statuses}
    total = lambda name: sum((Decimal(s["quantity"]) for s in statuses if s["status"].lower() == name), Decimal("0"))
    charges = []
    for charge in listed(raw.get("charges"), "charge"):
        amount = charge.get("chargeAmount") or {}
        tax = charge.get("tax") or {}
        charges.append(Charge(
            charge_type=(charge.get("chargeType") or "").upper(), charge_name=charge.get("chargeName") or "",
            amount=money(amount.get("amount")), currency=amount.get("currency") or "",
            tax_name=tax.get("taxName") or "", tax_amount=money((tax.get("taxAmount") or {}).get("amount")),
        ))
    fulfillment = raw.get("fulfillment") or {}
    return Line(
        line_number=str(raw.get("lineNumber") or ""), sku=sku,
        product_name=(item.get("productName") or raw.get("productName") or "")[:300],
        condition=item.get("condition") or "",
        quantity=quantity(qty.get("amount") or qty.get("measurementValue")),
        unit_of_measure=qty.get("unitOfMeasurement") or qty.get("unitOfMeasure") or "",
        status=statuses[0]["status"] if len(names) == 1 else ("Mixed" if names else ""),
        statuses=statuses, status_date=when(raw.get("statusDate")),
        cancelled_quantity=total("cancelled"), shipped_quantity=total("shipped"),
        fulfillment_option=fulfillment.get("fulfillmentOption") or "",
        ship_method=fulfillment.get("shipMethod") or raw.get("shippingMethod") or "",
        shipping_program_type=fulfillment.get("shippingProgramType") or raw.get("shippingProgramType") or "",
        charges=charges,
    )


def parse_order(data):
    """A Walmart order in any of its shapes -> Order. Raises OrderShapeError with a reason."""
    order = data.get("order", data) if isinstance(data, dict) else None
    if not isinstance(order, dict) or not order.get("purchaseOrderId"):
        raise OrderShapeError("not a Walmart order: purchaseOrderId is missing")
    lines = [_line(raw) for raw in listed(order.get("orderLines"), "orderLine")]
    if not lines:
        raise OrderShapeError(f"order {order['purchaseOrderId']} has no lines")
    shipping = order.get("shippingInfo") or {}
    address = shipping.get("postalAddress") or {}
    node = order.get("shipNode") or {}
    charges = [c for line in lines for c in line.charges]
    by_type = lambda kind: sum((c.amount for c in charges if c.charge_type == kind), Decimal("0"))
    product, ship = by_type("PRODUCT"), by_type("SHIPPING")
    all_amounts = sum((c.amount for c in charges), Decimal("0"))
    tax = sum((c.tax_amount for c in charges), Decimal("0"))
    node_type = node.get("type") or next((raw.get("shipNodeType") for raw in listed(order.get("orderLines"), "orderLine")
                                          if isinstance(raw, dict) and raw.get("shipNodeType")), "") or ""
    values = {
        "customer_order_id": str(order.get("customerOrderId") or ""),
        "order_type": order.get("orderType") or "",
        "order_date": when(order.get("orderDate")),
        "ship_node_type": node_type, "ship_node_id": str(node.get("id") or ""), "ship_node_name": node.get("name") or "",
        "ship_method": shipping.get("methodCode") or "",
        "estimated_ship_date": when(shipping.get("estimatedShipDate") or order.get("estimatedShipDate")),
        "estimated_delivery_date": when(shipping.get("estimatedDeliveryDate") or order.get("estimatedDeliveryDate")),
        "buyer_email_masked": mask_email(order.get("customerEmailId")),
        "buyer_phone_masked": mask_phone(shipping.get("phone")),
        "ship_to_name": address.get("name") or "", "ship_to_address1": address.get("address1") or "",
        "ship_to_address2": address.get("address2") or "", "ship_to_city": address.get("city") or "",
        "ship_to_state": address.get("state") or "", "ship_to_postal_code": address.get("postalCode") or "",
        "ship_to_country": address.get("country") or "", "ship_to_address_type": address.get("addressType") or "",
        "currency": next((c.currency for c in charges if c.currency), ""),
        "product_total": product, "shipping_total": ship, "other_charges_total": all_amounts - product - ship,
        "tax_total": tax, "order_total": all_amounts + tax,
    }
    return Order(purchase_order_id=str(order["purchaseOrderId"]), values=values, lines=lines)
