"""From a stored Walmart order to the adapter's OrderPosting: the one place mapping decisions are made.

Validation, posting, the dry run and the admin's preview all call `build`, so what staff preview is
what the ERP receives. Lines Walmart cancelled in full are left out; a line cancelled in part posts
its remaining quantity with its charges scaled to it. Mapping misses come back as reasons (the
resolver's codes), never as a posting with a guessed code.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from connectors.contract import Address, GlAccount, OrderPosting, PostingCharge, PostingLine, reference_for
from mappings import erp
from mappings.resolve import OrderLine as ResolverLine
from mappings.resolve import Reason

CENT = Decimal("0.01")
INVALID_ADDRESS = "invalid_address"
CANCELLED_ON_WALMART = "cancelled_on_walmart"
AMOUNT_MISMATCH = "amount_mismatch"
ADDRESS_FIELDS = {"ship_to_name": "name", "ship_to_address1": "street", "ship_to_city": "city",
                  "ship_to_state": "state", "ship_to_postal_code": "postal code"}


@dataclass
class Built:
    posting: OrderPosting | None
    reasons: list = field(default_factory=list)  # mappings.resolve.Reason
    resolved: list = field(default_factory=list)  # (OrderLine, ResolvedLine), for the dry run's "decisions"


def open_quantity(line):
    return max(Decimal(line.quantity) - Decimal(line.cancelled_quantity or 0), Decimal("0"))


def charges_of(line):
    """A stored line's charges (prefetched), or a parsed line's list (the dry run builds from Walmart's JSON)."""
    charges = line.charges
    return list(charges.all()) if hasattr(charges, "all") else list(charges)


def _charges(line, factor):
    ordered = sorted(enumerate(charges_of(line)), key=lambda pair: (pair[1].charge_type != "PRODUCT", pair[0]))
    return tuple(
        PostingCharge(charge_type=c.charge_type, name=c.charge_name,
                      amount=(c.amount * factor).quantize(CENT, ROUND_HALF_UP),
                      tax=(c.tax_amount * factor).quantize(CENT, ROUND_HALF_UP))
        for _, c in ordered
    )


def _address_reason(order):
    missing = [label for name, label in ADDRESS_FIELDS.items() if not (getattr(order, name) or "").strip()]
    if missing:
        return Reason(INVALID_ADDRESS, f"The ship-to address has no {', '.join(missing)}.")
    return None


def build(order, resolver, lines=None):
    """Resolve `order` (with its lines and charges prefetched) for the integration's ERP."""
    all_lines = list(lines if lines is not None else order.lines.all())
    lines = [line for line in all_lines if open_quantity(line) > 0]
    if not lines:
        return Built(None, [Reason(CANCELLED_ON_WALMART, "Every line was cancelled on Walmart.")])
    system = resolver.system
    reasons = []
    address = _address_reason(order)
    if address:
        reasons.append(address)
    resolver_lines = []
    for line in lines:
        types = {c.charge_type for c in charges_of(line)} or {"PRODUCT"}
        if any(c.tax_amount for c in charges_of(line)):
            types.add("TAX")
        resolver_lines.append(ResolverLine(sku=line.sku, quantity=open_quantity(line), ship_node=order.ship_node_id,
                                           charges=tuple(sorted(types))))
    resolved = resolver.resolve_lines(resolver_lines)
    for result in resolved:
        for reason in result.reasons:
            if reason not in reasons:
                reasons.append(reason)
    customer = ""
    if system in erp.CUSTOMER_SYSTEMS:
        customer, reason = resolver.resolve_customer(order.ship_node_type, order.ship_to_state)
        if reason:
            reasons.append(reason)
    pairs = list(zip(lines, resolved))
    if reasons:
        return Built(None, reasons, pairs)
    posting_lines = []
    for line, result in pairs:
        factor = open_quantity(line) / Decimal(line.quantity)
        posting_lines.append(PostingLine(
            line_number=line.line_number, sku=line.sku, erp_item=result.erp_item,
            quantity=result.quantity if result.quantity is not None else open_quantity(line),
            walmart_quantity=open_quantity(line), unit=result.unit, description=line.product_name[:200],
            warehouse=result.warehouse, location=result.location, charges=_charges(line, factor),
            gl={charge: GlAccount(charge_type=charge, gl_account=t.gl_account, cost_center=t.cost_center,
                                  accounting_entity=t.accounting_entity, accounting_unit=t.accounting_unit,
                                  account_code=t.account_code, company=t.company)
                for charge, t in result.gl.items()},
            vendor_id=result.vendor_id, business_unit=result.business_unit,
        ))
    product = sum((l.amount("PRODUCT") for l in posting_lines), Decimal("0"))
    shipping = sum((l.amount("SHIPPING") for l in posting_lines), Decimal("0"))
    other = sum((c.amount for l in posting_lines for c in l.charges if c.charge_type not in ("PRODUCT", "SHIPPING")),
                Decimal("0"))
    tax = sum((l.tax for l in posting_lines), Decimal("0"))
    posting = OrderPosting(
        reference=reference_for(order.purchase_order_id), purchase_order_id=order.purchase_order_id,
        customer_order_id=order.customer_order_id, order_date=order.order_date, currency=order.currency or "USD",
        customer=customer, ship_method=order.ship_method, lines=tuple(posting_lines),
        ship_to=Address(name=order.ship_to_name, address1=order.ship_to_address1, address2=order.ship_to_address2,
                        city=order.ship_to_city, state=order.ship_to_state, postal_code=order.ship_to_postal_code,
                        country=order.ship_to_country),
        product_total=product, shipping_total=shipping, tax_total=tax, order_total=product + shipping + other + tax,
    )
    uncut = all(not line.cancelled_quantity for line in lines) and len(lines) == len(all_lines)
    if uncut and order.order_total and posting.order_total != order.order_total:
        # Walmart's own total disagrees with its charges: post nothing the ERP would book wrongly.
        return Built(None, [Reason(AMOUNT_MISMATCH, f"Walmart's order total {order.order_total} differs from the sum "
                                                    f"of its charges and taxes {posting.order_total}.")], pairs)
    return Built(posting, [], pairs)
