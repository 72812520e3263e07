"""What the connector sends to Walmart's ship and refund calls, validated before it leaves.

Carriers outside Walmart's enum go as `otherCarrier` with a mandatory tracking URL; the newest
spec (Dec 2024) requires `sellerOrderId` (at most 30 characters) on every shipped line. Money is
Decimal; refunds are sent as negative amounts, as Walmart wants them.
"""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Walmart's carrier enum (orders OpenAPI document, CarrierNameType).
CARRIERS = frozenset((
    "UPS", "USPS", "FedEx", "Airborne", "OnTrac", "DHL Ecommerce - US", "LS", "UDS", "UPSMI", "FDX", "PILOT",
    "ESTES", "SAIA", "FDS Express", "Seko Worldwide", "HIT Delivery", "FEDEXSP", "RL Carriers",
    "Metropolitan Warehouse & Delivery", "China Post", "YunExpress", "Yellow Freight Sys", "AIT Worldwide Logistics",
    "Chukou1", "Sendle", "Landmark Global", "Sunyou", "Yanwen", "4PX", "GLS", "OSM Worldwide", "FIRST MILE",
    "AM Trucking", "CEVA", "India Post", "SF Express", "CNE", "TForce Freight", "AxleHire", "LSO",
))
METHOD_CODES = ("Standard", "Express", "OneDay", "Freight", "WhiteGlove", "Value")
REFUND_REASONS = frozenset((
    "BillingError", "TaxExemptCustomer", "ItemNotAsAdvertised", "IncorrectItemReceived", "CancelledYetShipped",
    "ItemNotReceivedByCustomer", "IncorrectShippingPrice", "DamagedItem", "DefectiveItem", "CustomerChangedMind",
    "CustomerReceivedItemLate", "Missing Parts / Instructions", "Finance -> Goodwill", "Finance -> Rollback",
    "Buyer canceled", "Customer returned item", "General adjustment", "Merchandise not received",
    "Quality -> Missing Parts / Instructions", "Shipping & Delivery -> Damaged",
    "Shipping & Delivery -> Shipping Price Discrepancy", "Others",
))


def _amount(value):
    """A Decimal as the JSON number Walmart's schema wants (exact for cent amounts)."""
    value = Decimal(value).quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)


class ShipmentLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    line_number: str
    quantity: int = Field(ge=1)
    seller_order_id: str = Field(min_length=1, max_length=30)
    carrier: str
    method_code: str = "Standard"
    tracking_number: str = Field(min_length=1)
    tracking_url: str = ""
    ship_time: datetime
    intent_to_cancel_override: bool = False

    @model_validator(mode="after")
    def _check(self):
        if self.method_code not in METHOD_CODES:
            raise ValueError(f"method_code must be one of {', '.join(METHOD_CODES)}")
        if self.carrier not in CARRIERS and not self.tracking_url:
            raise ValueError(f"carrier {self.carrier!r} is not in Walmart's list: a tracking_url is required")
        if self.ship_time.tzinfo is None:
            raise ValueError("ship_time must be timezone-aware")
        return self

    def as_walmart(self):
        carrier = {"carrier": self.carrier} if self.carrier in CARRIERS else {"otherCarrier": self.carrier}
        tracking = {"shipDateTime": int(self.ship_time.timestamp() * 1000), "carrierName": carrier,
                    "methodCode": self.method_code, "trackingNumber": self.tracking_number}
        if self.tracking_url:
            tracking["trackingURL"] = self.tracking_url
        line = {"lineNumber": self.line_number, "sellerOrderId": self.seller_order_id,
                "orderLineStatuses": {"orderLineStatus": [{
                    "status": "Shipped", "statusQuantity": {"unitOfMeasurement": "EACH", "amount": str(self.quantity)},
                    "trackingInfo": tracking}]}}
        if self.intent_to_cancel_override:
            line["intentToCancelOverride"] = True
        return line


class RefundCharge(BaseModel):
    model_config = ConfigDict(frozen=True)

    charge_type: str  # PRODUCT or SHIPPING
    amount: Decimal = Field(gt=0)
    tax: Decimal = Field(default=Decimal("0"), ge=0)
    reason: str = "Others"
    charge_name: str = ""

    @model_validator(mode="after")
    def _check(self):
        if self.charge_type not in ("PRODUCT", "SHIPPING"):
            raise ValueError("charge_type must be PRODUCT or SHIPPING")
        if self.reason not in REFUND_REASONS:
            raise ValueError(f"unknown refund reason {self.reason!r}")
        return self

    def as_walmart(self, currency):
        charge = {"chargeType": self.charge_type,
                  "chargeName": self.charge_name or ("Item Price" if self.charge_type == "PRODUCT" else "Shipping"),
                  "chargeAmount": {"currency": currency, "amount": _amount(-self.amount)}}
        if self.tax:
            charge["tax"] = {"taxName": "Tax", "taxAmount": {"currency": currency, "amount": _amount(-self.tax)}}
        return {"refundReason": self.reason, "charge": charge}


class RefundLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    line_number: str
    charges: tuple[RefundCharge, ...] = ()
    full_refund: bool = False
    comments: str = ""
    currency: str = "USD"

    @model_validator(mode="after")
    def _check(self):
        if not self.full_refund and not self.charges:
            raise ValueError("a partial refund needs at least one charge")
        return self

    def as_walmart(self):
        refund = {"refundCharges": {"refundCharge": [c.as_walmart(self.currency) for c in self.charges]}}
        if self.comments:
            refund["refundComments"] = self.comments
        return {"lineNumber": self.line_number, "isFullRefund": self.full_refund, "refunds": {"refund": [refund]}}
