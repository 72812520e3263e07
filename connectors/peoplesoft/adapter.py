"""Oracle PeopleSoft adapter: each Walmart order line is received against exactly one open PO (DESIGN §1).

No match or several matches go to review, never to a blind receipt (rules in posting.py); a fully
matched order becomes one PO receipt carrying our reference. Stock balances come from BU_ITEMS_INV.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from connectors.contract import ErpAdapter, ErpDocument, PingResult, StockLevel
from connectors.errors import ConfigError, PermanentError
from connectors.peoplesoft import posting as posting_rules
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
    # orders_in: orders received against open POs. Stock balances (stock_levels) serve validation;
    # inventory_out is not listed until that flow's own issue implements it.
    capabilities = frozenset({"orders_in"})

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
        return self._document(receipts[0], duplicates=[r.receiver_id for r in receipts[1:]])

    def match_purchase_order(self, sku_item, vendor, qty, business_unit="", date_from=None):
        """Match an order line (ERP item, supplier, quantity) to exactly one open PO schedule.

        A schedule qualifies when its open quantity covers `qty`. Exactly one → matched; none or
        several → not matched, with the review reason and a message naming the candidates.
        `business_unit` narrows to one purchasing unit (else the configured one, else any);
        `date_from` leaves out POs dated before it.
        """
        qty = Decimal(str(qty))
        candidates = tuple(self.client.open_po_lines(sku_item, vendor, date_from=date_from,
                                                     business_unit=business_unit))
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
            where = f" in business unit {business_unit or self.config.business_unit}" if (
                business_unit or self.config.business_unit) else ""
            since = f" dated {date_from.isoformat()} or later" if date_from else ""
            message = f"no open PO of {vendor} for {sku_item}{where}{since}"
        return PoMatch(line=None, candidates=candidates, message=message)

    # --- orders_in ------------------------------------------------------------------------------

    def _match_order(self, posting):
        """[(LineGroup, PoMatch)] for every group of the order; reads only."""
        since = posting_rules.date_from(posting, self.config.po_lookback_days)
        return [(group, self.match_purchase_order(group.item, group.vendor_id, group.quantity,
                                                  business_unit=group.business_unit, date_from=since))
                for group in posting_rules.group_lines(posting)]

    def _receipt(self, posting, matches):
        """The receipt for a fully matched order, or the PermanentError that sends it to review."""
        failures = [(group, match) for group, match in matches if not match.matched]
        if failures:
            raise posting_rules.review_error(failures)
        posting_rules.check_one_receiver(matches)
        return posting_rules.build_receipt(posting, matches)

    def post_order(self, posting, existing=None):
        """Receive the order against its open POs: ONE receipt (one call) carrying posting.reference.

        Every line must match exactly one open PO schedule, or nothing is created and PermanentError
        (vendor_code no_po_match / ambiguous_po_match) names the lines and candidates. The reference
        is not looked up first: the posting machine calls find_document when an outcome is uncertain.
        A receipt is made by one call, so `existing` (found by reference) is always complete and is
        returned as it is.
        """
        if existing is not None:
            return existing
        receipt = self._receipt(posting, self._match_order(posting))
        record = self.client.create_po_receipt(receipt)
        return self._document(record)

    def preview_order(self, posting):
        """The PO matches (reads) and the exact receipt request post_order would send; writes nothing.

        An order that would go to review has no calls and says why under "review".
        """
        matches = self._match_order(posting)
        preview = {"calls": [], "matches": [posting_rules.match_summary(g, m) for g, m in matches]}
        try:
            receipt = self._receipt(posting, matches)
        except PermanentError as exc:
            preview["review"] = {"reason": exc.vendor_code, "message": exc.message}
            return preview
        operation, body = self.client.receipt_request(receipt)
        preview["calls"].append({"method": "POST", "path": f"{self.config.api_base()}/{operation}", "json": body})
        return preview

    def _document(self, record, duplicates=()):
        return ErpDocument(
            reference=record.reference, number=record.receiver_id, kind="po_receipt",
            data={"business_unit": record.business_unit, "vendor_id": record.vendor_id, "lines": record.lines,
                  "duplicates": list(duplicates)},
        )

    # --- inventory ------------------------------------------------------------------------------

    def stock_levels(self, items, warehouse):
        """Available quantity per item in an inventory business unit (`warehouse`); an item without
        a BU_ITEMS_INV row has none, so it reads as 0 rather than going missing."""
        items = list(dict.fromkeys(items))
        found = {b.item: b.qty_available for b in self.client.inventory_balances(warehouse, items)}
        return [StockLevel(item=item, warehouse=warehouse, available=found.get(item, Decimal("0"))) for item in items]

    # --- mapping verification -------------------------------------------------------------------

    LOOKUP_WHAT = {"supplier": "supplier (VENDOR)", "item": "item (MASTER_ITEM_TBL)",
                   "warehouse": "inventory business unit (BUS_UNIT_TBL_IN)"}

    def lookup(self, kind, codes):
        """Which suppliers, items and inventory business units PeopleSoft knows, through the master-data
        queries of the config; a kind without a query (GL kinds, customers, or one left unset) answers {}."""
        query = getattr(self.config, f"{kind}_query", None) if kind in self.LOOKUP_WHAT else None
        if query is None or not query.name or not codes:
            return {}
        found = self.client.lookup_codes(query, codes)
        return {code: (True, found[code]) if code in found
                else (False, f"PeopleSoft has no {self.LOOKUP_WHAT[kind]} {code}") for code in codes}

