"""The demo seller's catalog, shared by every emulator so the systems agree with each other.

Deterministic (seeded), so `manage.py demo` is idempotent and tests can rely on values:
300 SKUs in six categories, each an ERP item with the same code in every ERP, a GTIN-14, a price,
stock per warehouse, a supplier with open purchase orders; four ship nodes (one WFS), each mapped
to a warehouse of each ERP; GL accounts and cost centers. A few SKUs and one ship node are left
without an ERP counterpart on purpose, so the "unmapped" report has something to show.
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

CATEGORIES = ["Kitchen", "Garden", "Toys", "Tools", "Pet Supplies", "Office"]
NOUNS = {
    "Kitchen": ["Chef Knife", "Cutting Board", "Mixing Bowl Set", "Cast Iron Skillet", "Spatula", "Kettle", "Colander"],
    "Garden": ["Hose Reel", "Pruning Shears", "Planter Box", "Garden Gloves", "Watering Can", "Rake", "Seed Tray"],
    "Toys": ["Building Blocks", "Puzzle 500pc", "Plush Bear", "Toy Truck", "Kite", "Board Game", "Yo-Yo"],
    "Tools": ["Cordless Drill", "Hammer", "Screwdriver Set", "Tape Measure", "Level", "Utility Knife", "Wrench Set"],
    "Pet Supplies": ["Dog Leash", "Cat Tree", "Pet Bowl", "Chew Toy", "Litter Scoop", "Pet Bed", "Grooming Brush"],
    "Office": ["Desk Lamp", "Stapler", "Notebook 3-Pack", "Pen Set", "Desk Organizer", "Whiteboard", "Paper Tray"],
}
ADJECTIVES = ["Classic", "Pro", "Compact", "Deluxe", "Eco", "Heavy-Duty", "Mini", "Premium"]
SKU_COUNT = 300
# Walmart SKUs the ERPs do not know (the "unmapped" report shows them).
UNMAPPED_SKUS = ("WM-TOYS-0901", "WM-TOYS-0902", "WM-OFFI-0903", "WM-GARD-0904", "WM-KITC-0905")


@dataclass(frozen=True)
class ShipNode:
    ship_node: str  # Walmart's ship node id
    name: str
    node_type: str  # SellerFulfilled / WFSFulfilled / 3PLFulfilled
    warehouse: str  # ERP warehouse code (M3 WHLO, Exact warehouse code, PeopleSoft business unit...)
    ifs_site: str  # IFS Contract
    ifs_location: str  # IFS LocationNo
    state: str


SHIP_NODES = (
    ShipNode("721407", "Dallas DC", "SellerFulfilled", "DAL", "DAL1", "A-01", "TX"),
    ShipNode("721408", "Reno DC", "SellerFulfilled", "RNO", "RNO1", "B-01", "NV"),
    ShipNode("721409", "Atlanta DC", "SellerFulfilled", "ATL", "ATL1", "C-01", "GA"),
    ShipNode("WFS-1001", "Walmart Fulfillment Services", "WFSFulfilled", "WFS", "WFS1", "W-01", "AR"),
)
# A node Walmart knows but the seller has not mapped yet.
UNMAPPED_SHIP_NODE = ShipNode("721499", "Chicago 3PL (new)", "3PLFulfilled", "", "", "", "IL")


@dataclass(frozen=True)
class Supplier:
    vendor_id: str
    name: str
    business_unit: str


SUPPLIERS = (
    Supplier("V1001", "Acme Housewares Inc", "US001"),
    Supplier("V1002", "GreenThumb Supply Co", "US001"),
    Supplier("V1003", "Playtime Manufacturing", "US002"),
    Supplier("V1004", "Ironworks Tool Co", "US002"),
    Supplier("V1005", "Happy Tails Wholesale", "US001"),
    Supplier("V1006", "Desk & Co Distributors", "US002"),
)

GL_ACCOUNTS = {
    "receivable": ("1300", "Accounts receivable - Walmart"),
    "tax_payable": ("2200", "Sales tax payable"),
    "revenue": ("8000", "Marketplace sales revenue"),
    "revenue_toys": ("8010", "Marketplace sales revenue - Toys"),
    "shipping": ("8100", "Shipping revenue"),
    "fees": ("4500", "Marketplace fees"),
    "returns": ("8050", "Sales returns and allowances"),
}
COST_CENTERS = {"ECOM": "E-commerce", "MKTPL": "Marketplaces", "WFS": "Walmart fulfilled"}
CUSTOMER_NO = "WALMART-MP"  # the ERP customer that Walmart marketplace orders post to
CUSTOMER_NAME = "Walmart Marketplace Customers"
COMPANY = "10"  # IFS company / M3 company (CONO 100 in M3 config)
ACCOUNTING_ENTITY = "1000"  # Infor FSM accounting entity
FINANCE_ENTERPRISE_GROUP = "1"


@dataclass(frozen=True)
class Item:
    sku: str  # Walmart SKU
    item_code: str  # ERP item (IFS PartNo, M3 ITNO, Exact Code) — the same in every demo ERP
    name: str
    category: str
    gtin: str  # GTIN-14
    price: Decimal
    cost: Decimal
    supplier: str  # vendor id
    stock: dict = field(default_factory=dict, compare=False, hash=False)  # warehouse -> quantity


def gtin14(number):
    """A valid GTIN-14 (mod-10 check digit) from a 13-digit body."""
    body = f"{number:013d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


@lru_cache(maxsize=1)
def items():
    rng = random.Random(20261129)
    result = []
    for n in range(1, SKU_COUNT + 1):
        category = CATEGORIES[(n - 1) % len(CATEGORIES)]
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS[category])}"
        price = Decimal(rng.randrange(499, 19999)) / 100
        stock = {node.warehouse: rng.choice([0, 0, 3, 8, 15, 40, 120]) for node in SHIP_NODES}
        supplier = SUPPLIERS[CATEGORIES.index(category)].vendor_id
        result.append(Item(
            sku=f"WM-{category.replace(' ', '')[:4].upper()}-{n:04d}",
            item_code=f"ITM{n:05d}",
            name=name,
            category=category,
            gtin=gtin14(881234000000 + n),
            price=price,
            cost=(price * Decimal("0.55")).quantize(Decimal("0.01")),
            supplier=supplier,
            stock=stock,
        ))
    return tuple(result)


def item_by_sku(sku):
    return {i.sku: i for i in items()}.get(sku)


def unmapped_items():
    """Walmart-only SKUs (listed on Walmart, unknown to the ERPs)."""
    rng = random.Random(4)
    return tuple(
        Item(sku=sku, item_code="", name=f"New listing {sku[-4:]}", category="Toys", gtin=gtin14(881234009000 + i),
             price=Decimal(rng.randrange(999, 4999)) / 100, cost=Decimal("0"), supplier="", stock={})
        for i, sku in enumerate(UNMAPPED_SKUS)
    )
