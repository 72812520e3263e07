"""What a Walmart order becomes in IFS Cloud: the CustomerOrderHandling payloads, built without calls.

post_order sends these and preview_order shows them, so both come from one place. Field sets follow
Insite's IfsAurena connector (erp-samples/ifs/customer_order_*_request.json), the public client
proven against real tenants; values come from the OrderPosting and the connection's config.
"""

import re
from datetime import datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from connectors.errors import ConfigError, PermanentError

# IFS keeps sales prices with 4 decimals here (the emulator's MONEY columns); a net price per ERP unit
# such as 10.00 / 3 is rounded to that, and the rounding shows in the document's data.
PRICE_PLACES = Decimal("0.0001")
NOTE_LIMIT = 2000  # CustomerOrder NoteText length
# The first sentence of our header note: find_document reads the line count and shipping back from it.
MARKER = re.compile(r"ml-connector: (\d+) lines?, shipping (-?[\d.]+)")
ORDER_NO = "{OrderNo}"  # stands for the number IFS gives the header, in previews


def order_site(posting, default_site):
    """The one IFS site (Contract) the order is taken at: every line's mapped site, the configured
    site for lines without one. IFS takes a customer order at one site and refuses lines of another,
    so an order whose lines map to two sites is refused here, before anything is created."""
    if not posting.lines:
        raise PermanentError(f"IFS Cloud: Walmart order {posting.purchase_order_id} has no lines to post")
    sites = sorted({line.warehouse or default_site for line in posting.lines})
    if len(sites) > 1:
        raise PermanentError(
            f"IFS Cloud: Walmart order {posting.purchase_order_id} ships from several sites ({', '.join(sites)}); "
            "an IFS customer order is taken at one site. Map its ship nodes to one site, or post it by hand."
        )
    return sites[0]


def unit_price(line):
    return line.unit_price.quantize(PRICE_PLACES, rounding=ROUND_HALF_UP)


def shipping(posting):
    """Walmart's shipping, summed over the lines' SHIPPING charges: one IFS order charge."""
    return sum((line.amount("SHIPPING") for line in posting.lines), Decimal("0"))


def _day(moment, days):
    """IFS wants a date-time for WantedDeliveryDate; the Walmart order date (UTC) at midnight, plus `days`."""
    when = (moment.astimezone(timezone.utc) if moment.tzinfo else moment).date() + timedelta(days=days)
    return datetime.combine(when, time(0), tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")


def note(posting):
    """Header note: what IFS does not take from us (Walmart's tax, the ship-to) stays visible to IFS users,
    and the first sentence records what a complete post holds (find_document reads it back)."""
    cur, to = posting.currency, posting.ship_to
    address = ", ".join(part for part in (to.name, to.address1, to.address2, to.city,
                                          f"{to.state} {to.postal_code}".strip(), to.country) if part)
    text = (
        f"ml-connector: {len(posting.lines)} line{'s' if len(posting.lines) != 1 else ''}, "
        f"shipping {shipping(posting)} {cur}. "
        f"Walmart order {posting.purchase_order_id} (customer order {posting.customer_order_id}). "
        f"Walmart tax {posting.tax_total} {cur}; IFS computes its own tax from its tax setup. "
        f"Ship to: {address}."
    )
    return text[:NOTE_LIMIT]


def expected(note_text):
    """(line count, shipping) a complete post holds, from our note; None if the note is not ours."""
    match = MARKER.search(note_text or "")
    return (int(match.group(1)), Decimal(match.group(2).rstrip("."))) if match else None


def header(posting, cfg, site):
    if not cfg.coordinator:
        raise ConfigError("IFS Cloud: set the order coordinator (coordinator = AuthorizeCode) in the connection's "
                          "config; IFS requires one on every customer order")
    if not posting.customer:
        raise PermanentError(f"IFS Cloud: Walmart order {posting.purchase_order_id} has no IFS customer "
                             "(check the customer mapping)")
    return {
        "IsNewCustomer": False,
        "Company": cfg.company,
        "Contract": site,
        "CustomerNo": posting.customer,
        "CustomerPoNo": posting.reference,  # how find_document recognises the order
        "ExternalRef": posting.reference,
        "CurrencyCode": posting.currency,
        "OrderId": cfg.order_type,
        "AuthorizeCode": cfg.coordinator,
        "WantedDeliveryDate": _day(posting.order_date, cfg.wanted_delivery_days),
        # Empty config values are left out (None is dropped on the wire): IFS then takes the customer's defaults.
        "BillAddrNo": cfg.bill_addr_no or None,
        "ShipAddrNo": cfg.ship_addr_no or None,
        "ShipViaCode": cfg.ship_via_codes.get(posting.ship_method) or None,
        "DeliveryTerms": cfg.delivery_terms or None,
        "PayTermId": cfg.pay_term_id or None,
        "NoteText": note(posting),
    }


def line(posting, cfg, site, posting_line, order_no=ORDER_NO):
    """One order line. No PartNo (IFS derives it from the sales part), no tax-inclusive prices (IFS
    computes them from the tax setup); CustomerPoLineNo carries Walmart's line number."""
    price = unit_price(posting_line)
    when = _day(posting.order_date, cfg.wanted_delivery_days)
    return {
        "OrderNo": order_no,
        "Contract": site,
        "CatalogNo": posting_line.erp_item,
        "CustomerPoLineNo": str(posting_line.line_number),
        "DeliverToCustomerNo": posting.customer,
        "BuyQtyDue": posting_line.quantity,
        "DesiredQty": posting_line.quantity,
        "RevisedQtyDue": posting_line.quantity,
        "SalesUnitMeas": posting_line.unit or None,
        "SaleUnitPrice": price,
        "BaseSaleUnitPrice": price,
        "WantedDeliveryDate": when,
        "PlannedDeliveryDate": when,
        "TargetDate": when,
        # Constants as Insite sends them (SubmitOrderLines/CreateRequests.cs).
        "CatalogType": "InventoryPart",
        "SupplyCode": "InventOrder",
        "ChargedItem": "ChargedItem",
        "PriceSource": "SalesPart",
        "PriceFreeze": "Free",
        "ConfigurationId": "*",
        "Source": "CUSTOMERORDER",
        "FetchTaxFromDefaults": "TRUE",
    }


def shipping_charge(cfg, site, amount, order_no=ORDER_NO):
    return {"OrderNo": order_no, "Contract": site, "ChargeType": cfg.shipping_charge_type,
            "ChargeAmount": amount, "ChargedQty": Decimal(1)}
