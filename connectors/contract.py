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
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field


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
    """An ERP. Flow methods (post_order, find_document, stock_levels, ...) are added by the flows' issues."""

    @abstractmethod
    def find_document(self, reference) -> ErpDocument | None:
        """Look up a document we posted, by OUR reference. None if the ERP has none."""
