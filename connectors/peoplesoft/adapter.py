"""Oracle PeopleSoft adapter: each Walmart order line is received against exactly one open PO (DESIGN §1).

No match or several matches go to review, never to a blind receipt (rules in posting.py); a fully
matched order becomes one PO receipt per (business unit, vendor) of its matched POs: one carrying our
reference when one receiver holds it all, else n parts carrying "<reference>-k/n". Stock balances
come from BU_ITEMS_INV.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

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


def _number(value):
    """A QAS value as a Decimal, or None when it is not a number (null, text)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class Adapter(ErpAdapter):
    # orders_in: orders received against open POs. Stock balances (stock_levels) serve validation;
    # inventory_out is not listed until that flow's own issue implements it.
    capabilities = frozenset({"orders_in", "inventory_out"})

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
        """The PO receipt(s) carrying our reference, found by one query: the receipt with the plain
        reference, or the parts "<reference>-k/n" of a split order, complete only when all n exist
        (data["missing"] names the others; data["receipts"] lists each found part).

        More receipts than the order needs mean a double receipt: one per part is kept (the lowest
        business unit / receiver) and the others are named in data["duplicates"] so that staff can
        reverse them. So are the parts when the plain form exists too, and parts counted with another n.
        """
        records = sorted(self.client.find_receipts(reference), key=lambda r: (r.business_unit, r.receiver_id))
        exact = [r for r in records if r.reference == reference]
        split = {}  # n -> k -> [records]
        for record in records:
            part = posting_rules.parse_part(reference, record.reference)
            if part is not None:
                split.setdefault(part[1], {}).setdefault(part[0], []).append(record)
        spare = [r.receiver_id for by_k in split.values() for rs in by_k.values() for r in rs]
        if exact:
            return self._document(reference, [self._part(1, exact[0])], 1,
                                  duplicates=[r.receiver_id for r in exact[1:]] + spare)
        if not split:
            return None
        # One order is split one way; should two counts exist, the one with the most parts found is the
        # document (the smaller n on a tie) and the rest are reported as duplicates.
        n = max(split, key=lambda m: (len(split[m]), -m))
        parts = []
        duplicates = [r.receiver_id for m, by_k in split.items() if m != n for rs in by_k.values() for r in rs]
        for k in sorted(split[n]):
            first, *others = split[n][k]
            parts.append(self._part(k, first))
            duplicates += [r.receiver_id for r in others]
        return self._document(reference, parts, n, duplicates=duplicates)

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

    def _match_order(self, posting, found=()):
        """([(LineGroup, PoMatch)] of the groups to receive, [(LineGroup, part)] of the groups a receipt
        in `found` (parts of a half-done split post) already received); reads only."""
        since = posting_rules.date_from(posting, self.config.po_lookback_days)
        matches, covered = [], []
        for group in posting_rules.group_lines(posting):
            part = posting_rules.covering_part(group, found, self.config.business_unit) if found else None
            if part is not None:
                covered.append((group, part))
                continue
            matches.append((group, self.match_purchase_order(group.item, group.vendor_id, group.quantity,
                                                             business_unit=group.business_unit, date_from=since)))
        return matches, covered

    def _receipts(self, posting, matches, found=(), parts=None, covered=()):
        """[(k, n, PoReceipt)] still to create for a fully matched order, or the PermanentError that
        sends it to review; checked whole before any call, so a refusal never leaves half an order."""
        failures = [(group, match) for group, match in matches if not match.matched]
        if failures:
            raise posting_rules.review_error(failures, found)
        receipts = posting_rules.build_receipts(posting, matches, found, parts, covered)
        posting_rules.check_reference_lengths(receipts)
        return receipts

    def post_order(self, posting, existing=None):
        """Receive the order against its open POs: one receipt (one call) per (business unit, vendor)
        of the matched POs. One receiver: the receipt carries posting.reference. Several: n receipts,
        sorted by business unit and vendor, carrying "<posting.reference>-k/n".

        Every line must match exactly one open PO schedule, or nothing is created and PermanentError
        (vendor_code no_po_match / ambiguous_po_match) names the lines and candidates. The reference
        is not looked up first: the posting machine calls find_document when an outcome is uncertain.
        A complete `existing` is returned as it is. An incomplete one (a split post that stopped after
        some parts) is completed: its parts' groups are not matched again (their schedules may be used
        up), the others are, and only the missing parts are created, numbered as the first attempt
        numbered them because the split follows from the order and its matches.
        """
        if existing is not None and existing.complete:
            return existing
        found = list(existing.data["receipts"]) if existing is not None else []
        parts = existing.data["parts"] if existing is not None else None
        matches, covered = self._match_order(posting, found)
        receipts = self._receipts(posting, matches, found, parts, covered)
        made = list(found)
        for k, n, receipt in receipts:
            try:
                record = self.client.create_po_receipt(receipt)
            except PermanentError as exc:
                if not made:
                    raise
                # The order is half received: say which parts exist, so that review completes or reverses them.
                raise type(exc)(f"{exc.message} (receipt {receipt.reference}; already in PeopleSoft: "
                                f"{posting_rules.describe(made)})", status=exc.status,
                                vendor_code=exc.vendor_code) from exc
            made.append(self._part(k, record))
        n = receipts[0][1] if receipts else parts
        duplicates = existing.data.get("duplicates", []) if existing is not None else []
        return self._document(posting.reference, sorted(made, key=lambda p: p["part"]), n, duplicates=duplicates)

    def preview_order(self, posting):
        """The PO matches (reads) and the exact receipt requests post_order would send, one per
        receipt in part order; writes nothing.

        An order that would go to review has no calls and says why under "review".
        """
        matches, _ = self._match_order(posting)
        preview = {"calls": [], "matches": [posting_rules.match_summary(g, m) for g, m in matches]}
        try:
            receipts = self._receipts(posting, matches)
        except PermanentError as exc:
            preview["review"] = {"reason": exc.vendor_code, "message": exc.message}
            return preview
        for _, _, receipt in receipts:
            operation, body = self.client.receipt_request(receipt)
            preview["calls"].append({"method": "POST", "path": f"{self.config.api_base()}/{operation}", "json": body})
        return preview

    @staticmethod
    def _part(k, record):
        return {"part": k, "reference": record.reference, "business_unit": record.business_unit,
                "vendor_id": record.vendor_id, "receiver_id": record.receiver_id, "lines": record.lines}

    def _document(self, reference, parts, n, duplicates=()):
        """The order as PeopleSoft holds it: `parts` (dicts of _part) of n. number, business_unit and
        vendor_id are the first found part's; lines are every part's, in part order."""
        first = parts[0]
        have = {p["part"] for p in parts}
        missing = [posting_rules.part_reference(reference, k, n) for k in range(1, n + 1) if k not in have]
        return ErpDocument(
            reference=reference, number=first["receiver_id"], kind="po_receipt",
            data={"business_unit": first["business_unit"], "vendor_id": first["vendor_id"],
                  "lines": [line for p in parts for line in p["lines"]], "duplicates": list(duplicates),
                  "parts": n, "receipts": parts, "missing": missing},
            complete=not missing,
        )

    # --- inventory ------------------------------------------------------------------------------

    def stock_levels(self, items, warehouse):
        """Available quantity per item in an inventory business unit (`warehouse`); an item without
        a BU_ITEMS_INV row has none, so it reads as 0 rather than going missing."""
        items = list(dict.fromkeys(items))
        found = {b.item: b.qty_available for b in self.client.inventory_balances(warehouse, items)}
        return [StockLevel(item=item, warehouse=warehouse, available=found.get(item, Decimal("0"))) for item in items]

    def stock_snapshot(self, items, warehouse):
        """inventory_out: QTY_AVAILABLE of every item in an inventory business unit (`warehouse`), read
        in snapshot_page_size windows of the inventory query, kept for the items asked. Items without a
        BU_ITEMS_INV row are left out; negatives pass as they are; a value that is not a number comes
        back with available=None and the value in raw."""
        wanted = set(items)
        if not wanted:
            return
        # Reference: QAS ExecuteQuery of the inventory query over BU_ITEMS_INV (client.balance_rows)
        for item, value in self.client.balance_rows(warehouse, page_size=self.config.snapshot_page_size):
            if item in wanted:
                available = _number(value)
                yield StockLevel(item=item, warehouse=warehouse, available=available,
                                 raw="" if available is not None else ("" if value is None else str(value)))

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

