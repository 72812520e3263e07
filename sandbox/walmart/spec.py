"""Walmart's enumerations and number formats that the emulator enforces on what sellers send.

Values from Walmart's orders OpenAPI document (Dec 2022 copy, `CarrierNameType`, `TrackingInfoType`,
`CancelLineStatusType`, `RefundChargeType`). Walmart's enums lag behind its data (walmart-api.md §0
README), so the emulator is strict only on requests, never on orders it loads.
"""

from decimal import Decimal

CARRIERS = (
    "UPS", "USPS", "FedEx", "Airborne", "OnTrac", "DHL Ecommerce - US", "LS", "UDS", "UPSMI", "FDX", "PILOT",
    "ESTES", "SAIA", "FDS Express", "Seko Worldwide", "HIT Delivery", "FEDEXSP", "RL Carriers",
    "Metropolitan Warehouse & Delivery", "China Post", "YunExpress", "Yellow Freight Sys", "AIT Worldwide Logistics",
    "Chukou1", "Sendle", "Landmark Global", "Sunyou", "Yanwen", "4PX", "GLS", "OSM Worldwide", "FIRST MILE",
    "AM Trucking", "CEVA", "India Post", "SF Express", "CNE", "TForce Freight", "AxleHire", "LSO",
)
METHOD_CODES = ("Standard", "Express", "OneDay", "Freight", "WhiteGlove", "Value")
CANCELLATION_REASONS = (
    "CUSTOMER_REQUESTED_SELLER_TO_CANCEL", "SELLER_CANCEL_PRICING_ERROR", "SELLER_CANCEL_OUT_OF_STOCK",
    "SELLER_CANCEL_FRAUD_STOP_SHIPMENT", "SELLER_CANCEL_ADDRESS_NOT_SERVICEABLE",
)
REFUND_REASONS = (
    "BillingError", "TaxExemptCustomer", "ItemNotAsAdvertised", "IncorrectItemReceived", "CancelledYetShipped",
    "ItemNotReceivedByCustomer", "IncorrectShippingPrice", "DamagedItem", "DefectiveItem", "CustomerChangedMind",
    "CustomerReceivedItemLate", "Missing Parts / Instructions", "Finance -> Goodwill", "Finance -> Rollback",
    "Buyer canceled", "Customer returned item", "General adjustment", "Merchandise not received",
    "Quality -> Missing Parts / Instructions", "Shipping & Delivery -> Damaged",
    "Shipping & Delivery -> Shipping Price Discrepancy", "Others",
)
SHIP_NODE_TYPES = ("SellerFulfilled", "WFSFulfilled", "3PLFulfilled")
ORDER_STATUSES = ("Created", "Acknowledged", "Shipped", "Delivered", "Cancelled")
# Accounts may extend the carrier list (settings {"carriers": [...]}) as Walmart adds carriers.
EXTRA_CARRIERS_SETTING = "carriers"


def carriers(account=None):
    extra = tuple((account.settings.get(EXTRA_CARRIERS_SETTING) or ()) if account is not None else ())
    return CARRIERS + extra


def money(amount):
    """A Decimal amount as the JSON number Walmart sends (the spec types amounts as `number`).

    Computed in Decimal and quantized to cents; a float of a two-decimal value prints back
    exactly (Python's shortest repr), so no cent is gained or lost on the wire.
    """
    value = Decimal(amount).quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else float(value)
