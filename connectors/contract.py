"""The adapter contract and the dataclasses that cross it (DESIGN §3, style rule 3).

Adapters are small classes built from a Connection. They take and return these dataclasses, never
ORM objects or vendor dicts, and raise only the errors in connectors.errors.

Musts, for every ERP adapter:
- Every write carries our deterministic reference (the Walmart purchaseOrderId plus a suffix per
  document) in a field the ERP can search (IFS CustomerPoNo, M3 CUOR, Exact YourRef, FSM
  description/reference, PeopleSoft receipt reference), so find_document(reference) can tell
  whether an earlier, unanswered call took effect.
- An adapter raises only RecoverableError, PermanentError, ConfigError or AmbiguousOutcome.
- An adapter implements exactly the flows it lists in `capabilities`.

Optional: `lookup(kind, codes) -> {code: (exists, message)}` (kinds item, warehouse, gl_account,
cost_center, customer, supplier) lets mapping verification ask the ERP whether codes exist; a kind
the adapter cannot check answers nothing, which leaves those mapping rows unverified.

Optional: `items_by_gtin(gtins) -> {gtin14: [(item_code, description)]}` lets mapping suggestions
(mappings/suggestions.py) find the ERP items whose item master carries these GTIN-14s, in one batched
read per call (chunked where the vendor limits filter length); GTINs are passed and answered as
GTIN-14 whatever form the ERP stores, GTINs no item carries are left out. IFS Cloud (sales part
GtinNo, UNCONFIRMED name, a setting), Infor M3 (MMS025MI EAN aliases) and Exact Online (item Barcode)
offer it.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from connectors.errors import PermanentError


@dataclass
class PingResult:
    ok: bool
    summary: str  # one line, for humans: what works, or what does not and why
    details: dict = field(default_factory=dict)


@dataclass
class ErpDocument:
    """A document we posted, as the ERP knows it."""

    reference: str  # our reference
    number: str  # the ERP's document number
    kind: str  # e.g. customer_order, gl_journal, po_receipt, sales_invoice
    data: dict = field(default_factory=dict)
    # False when a multi-call post stopped half-way (an IFS header without all its lines, FSM rows
    # created but not released): the posting machine then calls post_order again, which completes it.
    complete: bool = True


@dataclass(frozen=True)
class GlAccount:
    """Where one charge type of a line goes in the ledger, as the GL rules resolved it. Each ERP reads
    the dimensions it has: Exact gl_account + cost_center; CloudSuite accounting_entity,
    accounting_unit, account_code; IFS company."""

    charge_type: str  # PRODUCT, SHIPPING, TAX, FEE
    gl_account: str = ""
    cost_center: str = ""
    accounting_entity: str = ""
    accounting_unit: str = ""
    account_code: str = ""
    company: str = ""


@dataclass(frozen=True)
class PostingCharge:
    """One Walmart charge of a line: its net amount and the tax on it (Decimal, order currency)."""

    charge_type: str  # PRODUCT, SHIPPING, FEE, ...
    amount: Decimal
    tax: Decimal = Decimal("0")
    name: str = ""


@dataclass(frozen=True)
class PostingLine:
    """A Walmart order line resolved to the ERP: item, ERP quantity (Walmart qty × mapping factor),
    warehouse/site and location per the ship-node mapping, GL targets per charge type (GL-posting
    ERPs), supplier for PO matching (PeopleSoft)."""

    line_number: str
    sku: str
    erp_item: str
    quantity: Decimal  # ERP quantity
    walmart_quantity: Decimal
    unit: str = ""
    description: str = ""
    warehouse: str = ""
    location: str = ""
    charges: tuple = ()  # PostingCharge, one per Walmart charge; PRODUCT first
    gl: dict = field(default_factory=dict)  # charge type (PRODUCT, SHIPPING, TAX, FEE) -> GlAccount
    vendor_id: str = ""
    business_unit: str = ""

    def amount(self, charge_type):
        return sum((c.amount for c in self.charges if c.charge_type == charge_type), Decimal("0"))

    @property
    def tax(self):
        return sum((c.tax for c in self.charges), Decimal("0"))

    @property
    def unit_price(self):
        """Net product price per ERP unit (the ERP's own rounding applies when it stores it)."""
        return self.amount("PRODUCT") / self.quantity if self.quantity else Decimal("0")


@dataclass(frozen=True)
class Address:
    name: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True)
class OrderPosting:
    """A validated Walmart order, everything an adapter needs to post it, nothing ORM.

    `reference` is our deterministic reference: the Walmart purchaseOrderId plus a suffix per document
    kind (see `reference_for`). Totals are Walmart's; an adapter checks its document against them.
    """

    reference: str
    purchase_order_id: str
    customer_order_id: str
    order_date: datetime
    currency: str
    customer: str  # ERP customer per the customer mapping ("" where the ERP needs none)
    ship_to: Address
    lines: tuple  # PostingLine
    ship_method: str = ""
    product_total: Decimal = Decimal("0")
    shipping_total: Decimal = Decimal("0")
    tax_total: Decimal = Decimal("0")
    order_total: Decimal = Decimal("0")


@dataclass(frozen=True)
class StockLevel:
    """Available quantity of an ERP item at an ERP warehouse/site, in ERP units.

    `available` is None when the ERP's value was not a number; `raw` then carries it as the ERP sent
    it, so inventory_out can offer 0 and tell staff what the ERP said (a negative value is passed on
    as it is: the flow, not the adapter, decides what a negative quantity means)."""

    item: str
    warehouse: str
    available: Decimal | None
    raw: str = ""


@dataclass(frozen=True)
class ItemPrice:
    """An ERP item's selling price (per ERP unit, in `currency`) and, where the ERP has one, its cost,
    for prices_out. `price` is None when the ERP's value was not a number (`raw` carries it)."""

    item: str
    price: Decimal | None
    currency: str
    cost: Decimal | None = None
    raw: str = ""


@dataclass(frozen=True)
class StockCountLine:
    """One line of a stock count (inventory_in): the quantity an item should have at the warehouse."""

    item: str
    quantity: Decimal


@dataclass(frozen=True)
class StockCountPosting:
    """A stock count to write into the ERP (Exact Online inventory_in). `reference` is ours and
    deterministic (the posting machine's find-before-retry needs it); `process` False leaves the
    count as a draft for staff to process in the ERP."""

    reference: str
    warehouse: str
    count_date: datetime
    lines: tuple  # StockCountLine
    process: bool = True


@dataclass(frozen=True)
class ShippedPackage:
    """One package of an ERP shipment (delivery) of an order we posted, for shipments_out.

    `reference` is the value of the ERP document's reference field (ours: the purchaseOrderId, plus a
    suffix where one order made several documents); the flow ignores documents it did not post.
    `line_number` is the Walmart line number as the ERP document carries it (IFS CustomerPoLineNo...).
    `quantity` is in ERP units; `carrier` and `method` are the ERP's own codes (the carrier mapping
    turns them into Walmart's carrier and methodCode). `mark` orders the records for `since`."""

    reference: str
    erp_order: str
    line_number: str
    erp_item: str
    quantity: Decimal
    carrier: str
    tracking_number: str
    shipped_at: datetime
    method: str = ""
    tracking_url: str = ""
    shipment_id: str = ""
    mark: str = ""


@dataclass(frozen=True)
class CancelledLine:
    """An ERP order line (of an order we posted) that the ERP cancelled or closed short: `quantity`
    (ERP units) will never ship; shipments_out cancels it on Walmart once."""

    reference: str
    erp_order: str
    line_number: str
    erp_item: str
    quantity: Decimal
    reason: str = ""
    mark: str = ""


@dataclass(frozen=True)
class ShipmentPage:
    """What shipments(since) found: packages shipped and lines cancelled since the mark, and the new
    mark to pass next time (opaque to the flow: a timestamp, a change number...)."""

    packages: tuple = ()  # ShippedPackage
    cancellations: tuple = ()  # CancelledLine
    mark: str = ""


@dataclass(frozen=True)
class ItemData:
    """An ERP item as items_out lists it on Walmart. Units: weight_unit LB/KG/OZ/G, dimension_unit IN/CM;
    images are https URLs, the first is the main image."""

    item: str
    title: str
    description: str = ""
    brand: str = ""
    gtin: str = ""
    images: tuple = ()
    weight: Decimal | None = None
    weight_unit: str = ""
    length: Decimal | None = None
    width: Decimal | None = None
    height: Decimal | None = None
    dimension_unit: str = ""
    price: Decimal | None = None
    currency: str = ""
    mark: str = ""


def reference_for(purchase_order_id, suffix=""):
    """Our reference for a document: the purchaseOrderId, plus `-<suffix>` where one order makes
    several documents (e.g. Exact `-SO` and `-INV`). Stable across retries: that is what makes
    find_document able to answer "did the unanswered call take effect?"."""
    return f"{purchase_order_id}-{suffix}" if suffix else str(purchase_order_id)


class BaseAdapter(ABC):
    """What every system's adapter offers: built from a Connection, can ping."""

    capabilities: frozenset = frozenset()

    def __init__(self, connection):
        self.connection = connection
        self.config = connection.typed_config

    @abstractmethod
    def ping(self) -> PingResult:
        """Authenticate and make one cheap read; say in one line what works and what is missing."""


class ErpAdapter(BaseAdapter):
    """An ERP. Flow methods are listed in `capabilities`; orders_in needs post_order (+ find_document).

    - `post_order(OrderPosting, existing=None) -> ErpDocument`: create the ERP document(s) for the
      order, carrying `posting.reference`. It does not look the reference up first (the posting
      machine calls find_document whenever an outcome is uncertain, and M3 must cost one call per
      order); when `existing` is given, find_document found a half-done post (complete=False) and
      post_order completes that document instead of creating another. It raises PermanentError with
      the ERP's own text for data problems (vendor_code set to a review reason code such as
      no_po_match where one applies), AmbiguousOutcome when a write went unanswered. It never creates
      a second document for one reference.
    - `stock_levels(items, warehouse) -> list[StockLevel]` (optional): available stock per item at a
      warehouse/site, for validation; an ERP without stock (CloudSuite GL) does not define it.
    - `preview_order(OrderPosting) -> dict` : the exact vendor payload(s) post_order would send, for
      dry runs and the admin's preview; makes no call that writes.
    - `stock_snapshot(items, warehouse) -> Iterable[StockLevel]` (inventory_out): available stock of
      many items at one warehouse in bulk, one call per page of items (or per page of the ERP's own
      paging of the warehouse), never one call per item; items the ERP has no stock record for may be
      left out (the caller reads them as 0); non-numeric values come back with available=None.
    - `price_snapshot(items) -> Iterable[ItemPrice]` (prices_out): selling price (and cost where the
      ERP keeps one) of many items in bulk, paged like stock_snapshot; items without a price are left out.
    - `post_stock_count(StockCountPosting, existing=None) -> ErpDocument` and
      `find_stock_count(reference) -> ErpDocument | None` (inventory_in, Exact Online): write a stock
      count carrying our reference; `existing` is a half-done count (created, not processed) to complete.
    - `shipments(since) -> ShipmentPage` (shipments_out: M3, IFS, Exact): packages shipped and order
      lines cancelled/closed short since the mark ("" = from the start), read in bulk (pages, not one
      call per order); a read, never a write.
    - `items(since) -> (list[ItemData], mark)` (items_out: M3, IFS): items new or changed since the mark.
    """

    @abstractmethod
    def find_document(self, reference) -> ErpDocument | None:
        """Look up a document we posted, by OUR reference. None if the ERP has none."""

    def post_order(self, posting: OrderPosting, existing: ErpDocument | None = None) -> ErpDocument:
        raise PermanentError(f"{self.connection.system_label} cannot post Walmart orders (no orders_in capability)")

    def preview_order(self, posting: OrderPosting) -> dict:
        raise PermanentError(f"{self.connection.system_label} cannot post Walmart orders (no orders_in capability)")
