"""Typed results of the IFS Cloud client: what the connector reads from each projection.

Each record keeps the raw entity in `data` (an adapter may need a field we did not type) and the
`@odata.etag` where IFS sends one (needed as If-Match on updates and bound actions).
Quantities and money are Decimal: responses are parsed with parse_float=Decimal.
"""

from dataclasses import dataclass, field
from decimal import Decimal


def dec(value):
    """A JSON number (int or Decimal) or numeric string as Decimal; None stays None."""
    return None if value is None else Decimal(str(value))


def number(value):
    """(Decimal, "") for a JSON number or numeric string; (None, the value as text) for anything else
    (null included), so a snapshot can say what IFS sent instead of failing the whole read."""
    if isinstance(value, bool) or value is None:
        return None, "" if value is None else str(value)
    try:
        parsed = Decimal(str(value))
    except ArithmeticError:
        return None, str(value)
    return (parsed, "") if parsed.is_finite() else (None, str(value))


@dataclass(frozen=True)
class CompanySite:
    company: str
    site: str
    description: str


@dataclass(frozen=True)
class SalesPart:
    site: str
    catalog_no: str
    description: str
    part_no: str
    sales_unit: str
    list_price: Decimal | None
    list_price_raw: str = ""  # ListPrice as IFS sent it when it was not a number


@dataclass(frozen=True)
class PriceQuote:
    catalog_no: str
    site: str
    customer_no: str
    currency_code: str
    quantity: Decimal
    net_price: Decimal


@dataclass(frozen=True)
class Customer:
    customer_no: str
    name: str
    country: str
    data: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class CustomerOrder:
    order_no: str
    customer_po_no: str
    company: str
    site: str
    customer_no: str
    state: str
    etag: str
    data: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_entity(cls, entity, etag=None):
        return cls(
            order_no=entity.get("OrderNo", ""), customer_po_no=entity.get("CustomerPoNo") or "",
            company=entity.get("Company") or "", site=entity.get("Contract") or "",
            customer_no=entity.get("CustomerNo") or "", state=entity.get("Objstate") or "",
            etag=etag or entity.get("@odata.etag") or "", data=entity,
        )


@dataclass(frozen=True)
class OrderLine:
    order_no: str
    line_no: str
    rel_no: str
    part_no: str
    catalog_no: str
    site: str
    quantity: Decimal
    unit_price: Decimal | None
    qty_shipped: Decimal
    state: str
    data: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_entity(cls, entity):
        return cls(
            order_no=entity.get("OrderNo", ""), line_no=str(entity.get("LineNo", "")), rel_no=str(entity.get("RelNo", "")),
            part_no=entity.get("PartNo") or "", catalog_no=entity.get("CatalogNo") or "", site=entity.get("Contract") or "",
            quantity=dec(entity.get("BuyQtyDue")) or Decimal(0), unit_price=dec(entity.get("SaleUnitPrice")),
            qty_shipped=dec(entity.get("QtyShipped")) or Decimal(0), state=entity.get("Objstate") or "", data=entity,
        )


@dataclass(frozen=True)
class OrderCharge:
    order_no: str
    sequence_no: int
    charge_type: str
    amount: Decimal
    quantity: Decimal
    data: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_entity(cls, entity):
        return cls(
            order_no=entity.get("OrderNo", ""), sequence_no=int(entity.get("SequenceNo") or 0),
            charge_type=entity.get("ChargeType") or "", amount=dec(entity.get("ChargeAmount")) or Decimal(0),
            quantity=dec(entity.get("ChargedQty")) or Decimal(0), data=entity,
        )


@dataclass(frozen=True)
class Shipment:
    shipment_id: int
    site: str
    receiver_id: str
    state: str
    ship_via_code: str
    actual_ship_date: str | None
    data: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class ShipmentLine:
    shipment_id: int
    line_no: int
    order_no: str
    order_line_no: str
    order_rel_no: str
    part_no: str
    quantity: Decimal
    data: dict = field(default_factory=dict, compare=False)
