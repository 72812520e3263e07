"""Oracle PeopleSoft adapter: each Walmart order line is received against exactly one open PO (DESIGN §1).

No match or several matches go to review, never to a blind receipt; this module decides which, the
orders_in flow posts the receipt. Stock balances come from BU_ITEMS_INV.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from connectors.contract import ErpAdapter, ErpDocument, PingResult
from connectors.errors import ConfigError, PermanentError
from connectors.peoplesoft.client import EARLIEST, PeopleSoftClient, PoLine


@dataclass(frozen=True)
class PoMatch:
    """The outcome of matching one order line to open PO schedules.

    `line` is set only when exactly one schedule qualifies; `candidates` are every open schedule of
    the item and supplier, so a reviewer sees what was considered.
    """

    line: PoLine | None
    candidates: tuple = ()
    message: str = ""
    qualifying: tuple = field(default=(), repr=False)

    @property
    def matched(self):
        return self.line is not None

    @property
    def reason(self):
        """The review reason code (DESIGN §4.4), or None when matched."""
        if self.line is not None:
            return None
        return "ambiguous_po_match" if len(self.qualifying) > 1 else "no_po_match"


class Adapter(ErpAdapter):
    # Flows are listed as their issues implement them (orders_in: receipts; inventory_out: balances).
    capabilities = frozenset()

    def __init__(self, connection):
        super().__init__(connection)
        self.client = PeopleSoftClient(connection)

    def ping(self):
        """Authenticate and run the PO query for one row: proves node, operation, permissions and query."""
        cfg = self.config
        query = cfg.po_query
        try:
            self.client.execute_query(query.name, {
                query.business_unit_prompt: cfg.business_unit or "%", query.item_prompt: "%",
                query.vendor_prompt: "%", query.date_from_prompt: EARLIEST.isoformat(), query.after_prompt: "",
            }, maxrows=1)
        except PermanentError as exc:
            return PingResult(ok=False, summary=self._explain(exc), details={"status": exc.status})
        how = "OAuth2 token obtained" if cfg.auth_type == "oauth2" else f"signed in as {cfg.username}"
        return PingResult(ok=True, summary=f"{how}; node {cfg.node} answered query {query.name}",
                          details={"node": cfg.node, "query": query.name})

    def _explain(self, exc):
        cfg = self.config
        if exc.status == 404:
            return (f"node {cfg.node} or query {cfg.po_query.name} not found: check that the service operation "
                    f"is active and routed ({exc.message})")
        if exc.status == 401 or (isinstance(exc, ConfigError) and exc.status == 400):
            who = f"OPRID {cfg.username}" if cfg.auth_type == "basic" else f"client {cfg.client_id}"
            return f"credentials refused for {who}: {exc.message}"
        if exc.status == 403:
            return f"missing permission list for QAS (Query Access Services) or the query's records: {exc.message}"
        return exc.message

    def find_document(self, reference):
        """The PO receipt carrying our reference. Several would mean a double receipt: the first is
        returned and the others are named in data["duplicates"] so that staff can reverse them."""
        receipts = sorted(self.client.find_receipts(reference), key=lambda r: (r.business_unit, r.receiver_id))
        if not receipts:
            return None
        first = receipts[0]
        return ErpDocument(
            reference=reference, number=first.receiver_id, kind="po_receipt",
            data={"business_unit": first.business_unit, "vendor_id": first.vendor_id, "lines": first.lines,
                  "duplicates": [r.receiver_id for r in receipts[1:]]},
        )

    def match_purchase_order(self, sku_item, vendor, qty):
        """Match an order line (ERP item, supplier, quantity) to exactly one open PO schedule.

        A schedule qualifies when its open quantity covers `qty`. Exactly one → matched; none or
        several → not matched, with the review reason and a message naming the candidates.
        """
        qty = Decimal(str(qty))
        candidates = tuple(self.client.open_po_lines(sku_item, vendor))
        qualifying = tuple(line for line in candidates if line.open_qty >= qty)
        if len(qualifying) == 1:
            return PoMatch(line=qualifying[0], candidates=candidates, qualifying=qualifying)
        if qualifying:
            named = ", ".join(f"{l.business_unit}/{l.po_id} line {l.line_nbr}" for l in qualifying)
            return PoMatch(line=None, candidates=candidates, qualifying=qualifying,
                           message=f"{len(qualifying)} open POs of {vendor} can receive {qty} of {sku_item}: {named}")
        if candidates:
            most = max(line.open_qty for line in candidates)
            message = f"open POs of {vendor} for {sku_item} have at most {most} open, {qty} needed"
        else:
            message = f"no open PO of {vendor} for {sku_item}"
        return PoMatch(line=None, candidates=candidates, message=message)
