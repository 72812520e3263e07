"""Infor M3 adapter: our dataclasses <-> MI transactions. Flows: orders_in, inventory_out, prices_out,
shipments_out (shipments.py), items_out (items.py); returns_in and customers come with their issues.

Musts (connectors.contract): every customer order we create carries our reference in CUOR
(customer's order number, A20), so `find_document` can tell whether an unanswered call took effect.
"""

import logging
from decimal import Decimal, InvalidOperation

from connectors.contract import ErpAdapter, ErpDocument, ItemPrice, PingResult, StockLevel
from connectors.errors import AmbiguousOutcome, ConfigError, PermanentError, RecoverableError
from connectors.infor_m3 import customers, items as item_reads, orders
from connectors.infor_m3.shipments import ShipmentReader
from connectors.gtin import as_gtin14, gtin_forms
from connectors.infor_m3.client import EXECUTE, M3Client, M3TransactionError

logger = logging.getLogger(__name__)


def _number(text):
    """M3 answers numbers as text: a Decimal, or None when the text is not a number."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class Adapter(ErpAdapter):
    capabilities = frozenset({"orders_in", "inventory_out", "prices_out", "shipments_out", "items_out"})

    def __init__(self, connection):
        super().__init__(connection)
        self.client = M3Client(connection)

    def ping(self):
        """Log in and read the service account's M3 user (MNS150MI/GetUserData: CONO, DIVI)."""
        # Without cono/divi on the URL, M3 answers with the user's own defaults, which is what we compare.
        user = self.client.call("MNS150MI", "GetUserData", company=False).record
        cono, divi = user.get("CONO", ""), user.get("DIVI", "")
        details = {"user": user.get("USID", ""), "cono": cono, "divi": divi}
        wanted_divi = self.config.divi
        if str(cono).lstrip("0") != str(self.config.cono).lstrip("0") or (wanted_divi and divi != wanted_divi):
            return PingResult(
                ok=False, details=details,
                summary=(f"token works, but M3 user {details['user'] or '(service account)'} works in company {cono} "
                         f"division {divi or '(none)'} while this connection is set to company {self.config.cono} "
                         f"division {wanted_divi or '(any)'}: fix the connection or the user's defaults in MNS150"),
            )
        return PingResult(ok=True, details=details,
                          summary=f"token obtained; M3 user {details['user']} in company {cono} division {divi}")

    def find_document(self, reference):
        """The customer order whose CUOR is `reference`, or None; a batch order that never became one
        is returned with complete=False (post_order(existing=...) then replaces it).

        Lookup: OIS100MI/SearchHead with SQRY `CUOR:<reference>` (M3's search over order heads; a
        key-less field like CUOR cannot be reached through LstHead, which lists by CUNO only). Search
        can match loosely, so each hit is confirmed with GetHead and an exact CUOR comparison.
        UNCONFIRMED: that every tenant's search index covers CUOR (it is a standard OOHEAD field).
        When M3 refuses the search, the configured customer's orders are listed with LstHead (all of
        them: maxrecs 0) and compared instead: slower, but it does not depend on the search index.
        When no customer order matches, the configured customer's batch orders (LstBatchHead) are
        checked: a batch head with our CUOR is a post that stopped before Confirm took effect (or that
        M3 refused); GetOrderNo tells whether it was confirmed after all.
        """
        try:
            # Reference: OIS100MI/SearchHead (SQRY)
            hits = self.client.execute("OIS100MI", "SearchHead", {"SQRY": f'CUOR:"{reference}"'}, maxrecs=20,
                                       returncols=["ORNO"])
        except M3TransactionError as exc:
            if not self.config.customer:
                raise
            logger.info("%s: SearchHead refused (%s); listing %s's orders instead", self.connection.name, exc,
                        self.config.customer)
            # Reference: OIS100MI/LstHead (CUNO)
            hits = [h for h in self.client.execute("OIS100MI", "LstHead", {"CUNO": self.config.customer}, maxrecs=0)
                    if h.get("CUOR") == reference]
        matches = []
        for orno in sorted({h.get("ORNO", "") for h in hits if h.get("ORNO")}):
            head = self._head(orno)
            if head.get("CUOR") == reference:
                matches.append(head)
        if matches:
            return self._document(reference, matches[0], duplicates=[m["ORNO"] for m in matches[1:]])
        return self._find_batch(reference)

    def _head(self, orno):
        # Reference: OIS100MI/GetHead (ORNO -> STAT, CUOR, CUNO, WHLO, ONET, TOPY)
        return self.client.call("OIS100MI", "GetHead", {"ORNO": orno}).record

    @staticmethod
    def _document(reference, head, *, duplicates=(), batch_number=""):
        return ErpDocument(
            reference=reference, number=head["ORNO"], kind="customer_order",
            data={"status": head.get("STAT", ""), "customer": head.get("CUNO", ""), "warehouse": head.get("WHLO", ""),
                  "net": head.get("ONET", ""), "total": head.get("TOPY", ""), "batch_number": batch_number,
                  "duplicates": list(duplicates)},
        )

    def _find_batch(self, reference):
        if not self.config.customer:
            return None
        # Reference: OIS100MI/LstBatchHead (CUNO): batch orders (OXHEAD) not yet customer orders
        heads = [h for h in self.client.execute("OIS100MI", "LstBatchHead", {"CUNO": self.config.customer}, maxrecs=0)
                 if h.get("CUOR") == reference and h.get("ORNO")]
        for batch in heads:
            try:
                # Reference: OIS100MI/GetOrderNo (batch ORNO -> customer order ORNO, once confirmed)
                orno = self.client.call("OIS100MI", "GetOrderNo", {"ORNO": batch["ORNO"]}).record.get("ORNO", "")
            except M3TransactionError:
                continue
            if orno:
                return self._document(reference, self._head(orno), batch_number=batch["ORNO"])
        if not heads:
            return None
        batch = heads[0]
        return ErpDocument(reference=reference, number=batch["ORNO"], kind="customer_order", complete=False,
                           data={"status": batch.get("STAT", ""), "customer": batch.get("CUNO", ""),
                                 "batch_number": batch["ORNO"], "duplicates": [h["ORNO"] for h in heads[1:]]})

    # --- orders_in ---------------------------------------------------------------------------

    def post_order(self, posting, existing=None):
        """The order as one M3 customer order: ONE bulk OIS100MI request (orders.transactions), no lookup.

        M3 runs the request's transactions in order, each on its own: a refused line or charge stays
        on the batch order as an error (OIS275 / LstErrMsgOrder) and Confirm then refuses the whole
        batch order, so a refused order never becomes a partial customer order; the first refusal is
        raised with M3's message. `existing` (from find_document): a complete order is returned as is;
        a batch order that never got confirmed is deleted (DelBatchHead, its own call) and the order is
        posted afresh, so at most one customer order ever carries the reference.
        """
        if existing is not None and existing.complete:
            return existing
        transactions = orders.transactions(self.config, posting)  # refuses bad data before any call
        customers.ensure(self.client, self.connection, self.config, orders.customer_of(self.config, posting),
                         posting.ship_to)
        if existing is not None:
            self._discard_batch(existing)
        if self.config.single_call_orders:
            answer = self.client.bulk("OIS100MI", transactions)
            if not answer.results:  # terminated before any transaction ran: M3's reason
                answer.raise_for_errors()
            results = answer.results
        else:
            results = self._post_in_two_calls(transactions)
        return self._confirmed(posting, transactions, results)

    def _post_in_two_calls(self, transactions):
        """Head first, then the rest with the batch ORNO filled in (single_call_orders = False)."""
        head = self.client.bulk("OIS100MI", transactions[:1])
        head.raise_for_errors()
        batch = head.results[0].record.get("ORNO", "")
        rest = [(t[0], {"ORNO": batch, **t[1]}, *t[2:]) for t in transactions[1:]]
        return head.results + self.client.bulk("OIS100MI", rest).results

    def _confirmed(self, posting, transactions, results):
        confirm = results[-1] if len(results) == len(transactions) else None
        orno = confirm.record.get("ORNO", "") if confirm is not None and confirm.ok else ""
        failed = [r for r in results if not r.ok]
        if not orno:
            if failed:
                raise M3TransactionError("OIS100MI", failed[0])
            raise PermanentError("Infor M3 OIS100MI/Confirm: no order number came back", status=200)
        if failed:  # M3 confirmed regardless: the order exists, so it is returned, with what M3 refused
            logger.warning("%s: order %s confirmed as %s with refused transactions: %s", self.connection.name,
                           posting.reference, orno, [(r.transaction, r.error_message) for r in failed])
        lines = [r.record.get("PONR", "") for (name, *_), r in zip(transactions, results) if name == "AddBatchLine"]
        return ErpDocument(
            reference=posting.reference, number=orno, kind="customer_order",
            data={"status": confirm.record.get("STAT", ""), "batch_number": results[0].record.get("ORNO", ""),
                  "customer": orders.customer_of(self.config, posting), "lines": lines,
                  "refused": [f"{r.transaction}: {r.error_message}" for r in failed]},
        )

    def _discard_batch(self, existing):
        batch = existing.data.get("batch_number") or existing.number
        # Reference: OIS100MI/DelBatchHead (ORNO): the batch order and its lines
        answer = self.client.bulk("OIS100MI", [("DelBatchHead", {"ORNO": batch})])
        refused = answer.first_error()
        if refused is None:
            return
        if refused.error_field == "ORNO":
            # Gone since find_document looked: confirmed or removed meanwhile. Reconcile again rather than guess.
            raise AmbiguousOutcome(f"Infor M3: batch order {batch} for {existing.reference} changed while it was being "
                                   f"replaced ({refused.error_message}); look the reference up again")
        raise M3TransactionError("OIS100MI", refused)

    def preview_order(self, posting):
        """What post_order would send, without sending it: {"calls": [{"method", "path", "body"}]}.
        With create_customers, "customer_calls" lists the CRS610MI check (and the Add sent if it is missing)."""
        transactions = orders.transactions(self.config, posting)
        body = self.client.bulk_body("OIS100MI", transactions)
        preview = {"calls": [{"method": "POST", "path": EXECUTE, "body": body}]}
        if self.config.create_customers:
            cuno = orders.customer_of(self.config, posting)
            preview["customer_calls"] = [
                {"method": "GET", "path": f"{EXECUTE}/CRS610MI/GetBasicData", "params": {"CUNO": cuno}},
                {"method": "POST", "path": EXECUTE, "when": "the customer does not exist",
                 "body": self.client.bulk_body("CRS610MI", [("Add", customers.add_record(self.config, cuno,
                                                                                         posting.ship_to))])},
            ]
        return preview

    def stock_levels(self, items, warehouse):
        """Allocatable stock (AV01: on hand minus allocated) per item at a warehouse, for validation:
        a bulk of MMS200MI/GetItmWhsBal reads (_balances). An item M3 has no balance record for at
        that warehouse (error on ITNO) has none available: validation then holds only the orders with
        that item (out_of_stock) instead of every order of the run; any other refusal (an unknown
        warehouse...) raises M3's message. Negative and non-numeric balances read as 0 here."""
        items = list(dict.fromkeys(items))
        warehouse = warehouse or self.config.warehouse
        levels = []
        for item, result in self._balances(items, warehouse, per_call=max(len(items), 1)):
            if not result.ok:
                logger.info("%s: no M3 balance for %s at %s: %s", self.connection.name, item, warehouse,
                            result.error_message)
            available = _number(result.record.get("AV01") or "0") or Decimal(0)
            levels.append(StockLevel(item=item, warehouse=warehouse, available=max(available, Decimal(0))))
        return levels

    def stock_snapshot(self, items, warehouse):
        """inventory_out: AV01 per item at a warehouse (WHLO), stock_reads_per_bulk GetItmWhsBal reads per
        bulk call. Why not a list transaction: MMS200MI/LstItmWhsByWhs exists in M3's metadata, but its
        output fields (whether AV01 is among them) are UNCONFIRMED, while GetItmWhsBal's are documented
        (SETUP.md). Items without a balance record are left out; negatives pass as they are; a value
        that is not a number comes back with available=None and the text in raw."""
        items = list(dict.fromkeys(items))
        warehouse = warehouse or self.config.warehouse
        for item, result in self._balances(items, warehouse, per_call=self.config.stock_reads_per_bulk):
            if result.ok:
                raw = result.record.get("AV01", "")
                available = _number(raw)
                yield StockLevel(item=item, warehouse=warehouse, available=available,
                                 raw="" if available is not None else raw)

    def _balances(self, items, warehouse, *, per_call):
        """(item, M3Result) per item, `per_call` GetItmWhsBal reads per bulk request. A lost answer to
        a read is retried (RecoverableError), never ambiguous; a refusal other than "no such item
        here" (ITNO) raises M3's message."""
        for start in range(0, len(items), per_call):
            chunk = items[start:start + per_call]
            # Reference: MMS200MI/GetItmWhsBal (WHLO, ITNO -> STQT, ALQT, AV01...), erp-apis.md C.3
            reads = [("GetItmWhsBal", {"WHLO": warehouse, "ITNO": item}, ["ITNO", "WHLO", "AV01"]) for item in chunk]
            try:
                answer = self.client.bulk("MMS200MI", reads)
            except AmbiguousOutcome as exc:
                raise RecoverableError(f"Infor M3 MMS200MI/GetItmWhsBal: no answer ({exc}); a read, safe to retry") from exc
            if len(answer.results) != len(chunk):
                answer.raise_for_errors()
                raise PermanentError(f"Infor M3 MMS200MI: {len(answer.results)} balances for {len(chunk)} items",
                                     status=200)
            for item, result in zip(chunk, answer.results):
                if not result.ok and result.error_field != "ITNO":
                    raise M3TransactionError("MMS200MI", result)
                yield item, result

    def price_snapshot(self, items):
        """prices_out: the base price (SAPR) of each item in the configured OIS017 price list
        (price_list, currency, price_list_from), in ONE OIS017MI/LstBasePrice call (maxrecs 0: every
        line of the list; LstBasePrice has no item key to page by). Items not on the list are left
        out. No cost: no cost read is confirmed for M3 here (SETUP.md)."""
        cfg = self.config
        if not cfg.price_list or not cfg.price_list_from:
            raise ConfigError("Infor M3 prices_out: set price_list (PRRF) and price_list_from (FVDT) on the connection")
        wanted = set(items)
        if not wanted:
            return []
        # Reference: OIS017MI/LstBasePrice (PRRF, CUCD, FVDT required), erp-apis.md C.3; M3H5 OIS017MI metadata
        records = self.client.execute("OIS017MI", "LstBasePrice",
                                      {"PRRF": cfg.price_list, "CUCD": cfg.currency, "FVDT": cfg.price_list_from},
                                      maxrecs=0, returncols=["ITNO", "SAPR", "CUCD"])
        prices = {}
        for record in records:
            itno = record.get("ITNO", "")
            if itno in wanted and itno not in prices:
                raw = record.get("SAPR", "")
                price = _number(raw)
                prices[itno] = ItemPrice(item=itno, price=price, currency=record.get("CUCD") or cfg.currency,
                                         raw="" if price is not None else raw)
        return [prices[item] for item in dict.fromkeys(items) if item in prices]

    # --- shipments_out / items_out ----------------------------------------------------------

    def shipments(self, since):
        """Packages shipped and order lines closed short since the mark, in bulk reads (shipments.py:
        LstShipment, then one bulk request each of DRS100MI, MWS410MI and OIS100MI, and a SearchLine)."""
        return ShipmentReader(self.client, self.config).read(since)

    def items(self, since):
        """Items changed since the mark (items.py), priced from the prices_out price list when one is set."""
        def prices(itnos):
            if not self.config.price_list or not self.config.price_list_from:
                return {}
            return {p.item: (p.price, p.currency) for p in self.price_snapshot(itnos) if p.price is not None}

        return item_reads.read(self.client, self.config, since, prices)

    # MI reads that confirm a code exists, per lookup kind: (program, transaction, key field, label).
    LOOKUPS = {"item": ("MMS200MI", "GetItmBasic", "ITNO", "item"),
               "customer": ("CRS610MI", "GetBasicData", "CUNO", "customer")}

    def lookup(self, kind, codes):
        """Which codes M3 knows, for mapping verification (mappings/verify.py): M3's own "does not
        exist" message for a missing one. Warehouses and GL kinds answer nothing (rows stay unverified)."""
        if kind not in self.LOOKUPS:
            return {}
        program, transaction, field, label = self.LOOKUPS[kind]
        answers = {}
        for code in codes:
            try:
                record = self.client.call(program, transaction, {field: code}).record
            except M3TransactionError as exc:
                answers[code] = (False, exc.m3_message or f"M3 has no {label} {code}")
                continue
            answers[code] = (True, record.get("ITDS") or record.get("CUNM") or "")
        return answers


    def items_by_gtin(self, gtins):
        """{gtin14: [(item number, "")]} of the M3 items carrying these GTIN-14s as an EAN alias
        (MMS025, category `gtin_alias_category`), for mapping suggestions (mappings/suggestions.py).

        M3 matches alias numbers exactly, so each GTIN is asked for as keyed in M3 may have it: as
        GTIN-14 and as EAN-13 / UPC-A / EAN-8 without the leading zeros (connectors.gtin), all in
        one bulk MMS025MI/LstItem read (client.READS_PER_BULK reads per request). LstItem answers no
        item text, so descriptions are "" (a second read per item would cost more than the note is
        worth). GTINs no item carries are left out.
        """
        wanted = {as_gtin14(gtin) for gtin in gtins} - {""}
        forms = {form: gtin for gtin in sorted(wanted) for form in gtin_forms(gtin)}
        if not forms:
            return {}
        found = {}
        for number, records in self.client.items_by_alias(list(forms), self.config.gtin_alias_category).items():
            gtin = forms.get(number)
            if gtin is None:
                continue
            for record in records:
                entry = (record["ITNO"], "")
                if entry not in found.setdefault(gtin, []):
                    found[gtin].append(entry)
        return {gtin: sorted(items) for gtin, items in found.items() if items}
