"""A Walmart order as Exact Online document lines and payloads (pure: no calls; the adapter resolves GUIDs).

One Walmart order becomes, per document, one create call with every line embedded:
- a line per Walmart order line: the mapped item, ERP quantity, net unit price, the PRODUCT cost center
  (and, on invoices, the PRODUCT G/L account);
- a line per distinct (charge type, G/L target) for the other charges (SHIPPING, ...), on the configured
  shipping item, so a 10-line order with free-and-paid shipping still has one shipping line per account;
- a line per distinct TAX G/L target for the sales tax Walmart collected as marketplace facilitator, on
  the configured tax item: the customer paid it to Walmart, so the document total equals what Walmart
  charged, and the tax item's G/L (sales tax payable) keeps it out of revenue.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from connectors.contract import GlAccount, OrderPosting, reference_for
from connectors.errors import ConfigError, PermanentError

CENT = Decimal("0.01")
# Exact stores unit prices as doubles; 6 places express every cent amount over quantities up to 10,000.
PRICE_STEP = Decimal("0.000001")
SUFFIXES = {"sales_order": "SO", "sales_invoice": "INV"}
KINDS = {"sales_order": ("sales_order",), "sales_invoice": ("sales_invoice",), "both": ("sales_order", "sales_invoice")}
# YourRef is a short text field in Exact; 30 characters is the limit we design for (a 15-digit Walmart
# purchaseOrderId plus "-INV" uses 19). Exact's documented maximum is not published in the REST reference.
YOUR_REF_MAX = 30
DESCRIPTION_MAX = 60  # Exact's Description fields hold 60 characters
TAX = "TAX"


@dataclass(frozen=True)
class DocumentLine:
    """One line of an Exact sales order or invoice, before GUIDs are resolved."""

    item: str  # Exact item code
    quantity: Decimal
    unit_price: Decimal
    description: str
    charge_type: str  # PRODUCT, SHIPPING, TAX, ... (what the line carries)
    gl: GlAccount | None  # the G/L target for this charge type, as the GL rules resolved it
    source: str  # for messages: "line 2" or "shipping"
    walmart_line: str = ""  # Walmart's line number (product lines), written in the sales order line's Notes

    @property
    def amount(self):
        """What Exact computes for the line: quantity × unit price, rounded to the cent."""
        return (self.quantity * self.unit_price).quantize(CENT, ROUND_HALF_UP)


def your_ref(reference, kind):
    """Our reference for one document of the order: `<reference>-SO` or `<reference>-INV`."""
    return reference_for(reference, SUFFIXES[kind])


def checked_your_ref(reference, kind):
    value = your_ref(reference, kind)
    if len(value) > YOUR_REF_MAX:
        raise PermanentError(f"Exact Online: reference {value!r} is longer than YourRef's {YOUR_REF_MAX} characters")
    return value


def _unit_price(line):
    amount = line.amount("PRODUCT")
    if line.quantity <= 0:
        raise PermanentError(f"Exact Online: line {line.line_number} ({line.sku}) has no positive ERP quantity")
    price = (amount / line.quantity).quantize(PRICE_STEP, ROUND_HALF_UP).normalize()
    if (line.quantity * price).quantize(CENT, ROUND_HALF_UP) != amount:
        raise PermanentError(f"Exact Online: line {line.line_number} ({line.sku}): {amount} cannot be expressed as "
                             f"{line.quantity} × a unit price; fix the unit mapping")
    return price


def _short(text):
    return (text or "")[:DESCRIPTION_MAX]


def document_lines(posting: OrderPosting, config):
    """The order's lines for Exact, and a check that they add up to Walmart's order total."""
    lines = [DocumentLine(item=line.erp_item, quantity=line.quantity, unit_price=_unit_price(line),
                          description=_short(line.description or line.sku), charge_type="PRODUCT",
                          gl=line.gl.get("PRODUCT"), source=f"line {line.line_number}",
                          walmart_line=str(line.line_number))
             for line in posting.lines]
    charges = {}  # (charge type, G/L target) -> (amount, name), in first-seen order
    for line in posting.lines:
        for charge in line.charges:
            if charge.charge_type != "PRODUCT" and charge.amount:
                target = line.gl.get(charge.charge_type) or line.gl.get("SHIPPING")
                amount, name = charges.get((charge.charge_type, target), (Decimal(0), charge.name))
                charges[(charge.charge_type, target)] = (amount + charge.amount, name)
        if line.tax:
            amount, name = charges.get((TAX, line.gl.get(TAX)), (Decimal(0), ""))
            charges[(TAX, line.gl.get(TAX))] = (amount + line.tax, name)
    for (charge_type, target), (amount, name) in charges.items():
        item = config.tax_item if charge_type == TAX else config.shipping_item
        if not item:
            setting = "tax_item" if charge_type == TAX else "shipping_item"
            raise ConfigError(f"Exact Online: the order carries {charge_type.lower()} of {amount} but the connection "
                              f"has no {setting} set (the Exact item code to post it with)")
        description = ("Sales tax collected by Walmart" if charge_type == TAX
                       else "Shipping" if charge_type == "SHIPPING" else name or charge_type.title())
        lines.append(DocumentLine(item=item, quantity=Decimal(1), unit_price=amount, description=description,
                                  charge_type=charge_type, gl=target, source=charge_type.lower()))
    total = sum((line.amount for line in lines), Decimal(0))
    if total != posting.order_total:
        raise PermanentError(f"Exact Online: the document lines add up to {total}, Walmart's order total is "
                             f"{posting.order_total} ({posting.purchase_order_id}); not posted")
    return lines


def missing_gl(lines):
    """Lines whose charge type has no G/L account from the GL rules (invoices need one on every line)."""
    return [f"{line.source} ({line.charge_type})" for line in lines if not (line.gl and line.gl.gl_account)]


def _ship_to(posting):
    a = posting.ship_to
    place = " ".join(p for p in (a.city + ",", a.state, a.postal_code) if p.strip(","))
    parts = [a.name, a.address1, a.address2, place, a.country]
    return "Ship to: " + ", ".join(p for p in parts if p)


def _line_payload(line, ids, config, *, invoice):
    payload = {"Item": ids["item"][line.item], "Quantity": line.quantity, "UnitPrice": line.unit_price,
               "NetPrice": line.unit_price, "Description": line.description}
    if invoice:
        payload["GLAccount"] = ids["gl_account"][line.gl.gl_account]
    if line.gl and line.gl.cost_center:
        payload["CostCenter"] = line.gl.cost_center
    if config.vat_code:
        payload["VATCode"] = config.vat_code
    if line.walmart_line and not invoice:
        # Exact numbers lines itself and the shipping/tax lines sit among them: shipments_out reads Walmart's
        # line number back from here (connectors/exact_online/shipments.py).
        payload["Notes"] = walmart_note(line.walmart_line)
    return payload


def walmart_note(line_number):
    return f"Walmart line {line_number}"


def sales_order(posting, lines, ids, config, warehouse):
    """# Reference: https://start.exactonline.nl/docs/HlpRestAPIResourcesDetails.aspx?name=SalesOrderSalesOrders (POST body)"""
    customer = ids["customer"][posting.customer]
    payload = {
        "OrderedBy": customer, "InvoiceTo": customer, "DeliverTo": customer,
        "YourRef": checked_your_ref(posting.reference, "sales_order"), "OrderDate": posting.order_date,
        "Description": _short(f"Walmart order {posting.purchase_order_id}"),
        "Remarks": f"{_ship_to(posting)}; ship method {posting.ship_method or '-'}; "
                   f"customer order {posting.customer_order_id or '-'}",
        "SalesOrderLines": [_line_payload(line, ids, config, invoice=False) for line in lines],
    }
    if warehouse:
        payload["WarehouseID"] = ids["warehouse"][warehouse]
    if posting.currency:
        payload["Currency"] = posting.currency
    return payload


def sales_invoice(posting, lines, ids, config):
    """# Reference: https://start.exactonline.nl/docs/HlpRestAPIResourcesDetails.aspx?name=SalesInvoiceSalesInvoices (POST body)"""
    customer = ids["customer"][posting.customer]
    payload = {
        "Type": 8020, "Journal": config.sales_journal, "OrderedBy": customer, "InvoiceTo": customer,
        "YourRef": checked_your_ref(posting.reference, "sales_invoice"), "OrderDate": posting.order_date,
        "Description": _short(f"Walmart order {posting.purchase_order_id}"),
        "SalesInvoiceLines": [_line_payload(line, ids, config, invoice=True) for line in lines],
    }
    if posting.currency:
        payload["Currency"] = posting.currency
    return payload
