"""Exact Online adapter: Walmart orders in as sales orders and/or sales invoices, stock and prices out of
ItemWarehouses and Items, Walmart's stock in as stock counts, goods deliveries out (shipments_out,
connectors/exact_online/shipments.py), mapping look-ups (reference/erp-apis.md §E; connectors/exact_online/SETUP.md)."""

from decimal import Decimal, InvalidOperation

from connectors.contract import ErpAdapter, ErpDocument, ItemPrice, PingResult, StockLevel
from connectors.errors import ConsentLost, PermanentError
from connectors.exact_online import orders, shipments as shipment_reads, stock_counts
from connectors.exact_online.client import DOCUMENTS, ExactClient
from connectors.gtin import as_gtin14, gtin_forms

# What a code resolves through: kind -> (client read, label for messages, field that says "blocked").
RESOLVE = {"customer": ("accounts", "customer account", "Blocked"), "item": ("items", "item", None),
           "gl_account": ("gl_accounts", "G/L account", "IsBlocked"), "warehouse": ("warehouses", "warehouse", None)}


class Adapter(ErpAdapter):
    # inventory_out and prices_out are optional for an Exact integration (its enabled flows say).
    capabilities = frozenset({"orders_in", "inventory_out", "prices_out", "inventory_in", "shipments_out"})

    def __init__(self, connection):
        super().__init__(connection)
        self.client = ExactClient(connection)
        # Code -> GUID per kind, for this adapter's life: Exact wants GUIDs in documents, mappings hold codes,
        # and a batch of orders repeats the same customer, G/L accounts and warehouse.
        self._ids = {kind: {} for kind in RESOLVE}

    def ping(self):
        """Token (refreshing if due) and current/Me: who consented, which division the connection posts into."""
        try:
            me = self.client.me()
        except ConsentLost as exc:
            return PingResult(ok=False, summary=f"consent lost, reconnect: {exc}")
        division = self.config.division
        details = {"user": me.full_name, "current_division": me.current_division, "division": division}
        if not division:
            return PingResult(ok=False, details=details,
                              summary=f"token works ({me.full_name}), but no division is set; the user's current "
                                      f"division is {me.current_division}")
        return PingResult(ok=True, details=details,
                          summary=f"token works; connected as {me.full_name}, posting into division {division}")

    # --- orders_in ---------------------------------------------------------------------------

    def post_order(self, posting, existing=None):
        """Create the configured documents (sales order, sales invoice or both), one create call each with
        its lines embedded; with `existing` (find_document's half-done post) only the missing ones."""
        kinds = orders.KINDS[self.config.documents]
        parts = _parts(existing)
        todo = [kind for kind in kinds if kind not in parts]
        for kind, payload in self._payloads(posting, todo):
            created = (self.client.create_sales_order if kind == "sales_order" else self.client.create_sales_invoice)(
                payload)
            parts[kind] = _part(kind, created)
            amount = Decimal(str(created.get("AmountFC")))
            if amount != posting.order_total:
                # The document exists now: say which, so staff correct it in Exact rather than post again.
                raise PermanentError(
                    f"{self.connection.system_label}: {kind.replace('_', ' ')} {parts[kind]['number']} "
                    f"(YourRef {payload['YourRef']}) was created with total {amount}, Walmart's order total is "
                    f"{posting.order_total}; correct it in Exact Online")
        return _combined(posting.reference, parts, kinds)

    def preview_order(self, posting):
        """The create calls post_order would make, exactly as sent. Reads resolve codes to GUIDs; nothing is written."""
        kinds = orders.KINDS[self.config.documents]
        return {"calls": [self.client.create_call(kind, payload) for kind, payload in self._payloads(posting, kinds)]}

    def _payloads(self, posting, kinds):
        """[(kind, payload)] for the given document kinds; one batched read per kind of code not yet resolved."""
        if not kinds:
            return []
        if not posting.customer:
            raise PermanentError(f"{self.connection.system_label}: no Exact customer mapped for this order")
        lines = orders.document_lines(posting, self.config)
        ids = {"customer": self._resolve("customer", [posting.customer]),
               "item": self._resolve("item", [line.item for line in lines])}
        if "sales_invoice" in kinds:
            missing = orders.missing_gl(lines)
            if missing:
                raise PermanentError(f"{self.connection.system_label}: no G/L account for {', '.join(missing)}; "
                                     "add a GL rule (sales invoice lines need one)")
            ids["gl_account"] = self._resolve("gl_account", [line.gl.gl_account for line in lines])
        warehouse = ""
        if "sales_order" in kinds:
            warehouse = self._warehouse(posting)
            ids["warehouse"] = self._resolve("warehouse", [warehouse] if warehouse else [])
        builders = {"sales_order": lambda: orders.sales_order(posting, lines, ids, self.config, warehouse),
                    "sales_invoice": lambda: orders.sales_invoice(posting, lines, ids, self.config)}
        return [(kind, builders[kind]()) for kind in kinds]

    def _warehouse(self, posting):
        """An Exact sales order has one warehouse (header WarehouseID): the lines' mapped warehouse."""
        codes = sorted({line.warehouse for line in posting.lines if line.warehouse})
        if len(codes) > 1:
            raise PermanentError(f"{self.connection.system_label}: the order ships from several warehouses "
                                 f"({', '.join(codes)}); an Exact sales order has one")
        return codes[0] if codes else self.config.default_warehouse

    def _resolve(self, kind, codes):
        """{code: GUID} for `codes`, reading only the codes not seen before (one read for up to 25 codes)."""
        cache = self._ids[kind]
        read, label, blocked = RESOLVE[kind]
        wanted = [code for code in dict.fromkeys(codes) if code and code not in cache]
        if wanted:
            for row in getattr(self.client, read)(wanted):
                code = (row.get("Code") or "").strip()
                if blocked and row.get(blocked):
                    raise PermanentError(f"{self.connection.system_label}: {label} {code} is blocked in Exact Online")
                cache[code] = row["ID"]
        unknown = [code for code in dict.fromkeys(codes) if code not in cache]
        if unknown:
            raise PermanentError(f"{self.connection.system_label}: Exact Online has no {label} with code "
                                 f"{', '.join(unknown)}")
        return {code: cache[code] for code in codes}

    def find_document(self, reference):
        """What we posted for `reference`, by YourRef: one read per document type.

        An order's documents carry `<reference>-SO` and `<reference>-INV` (orders.SUFFIXES): given the
        order's reference, the answer is the invoice (else the sales order) with both in `data`, and
        complete=False while a configured document is missing (documents="both", the invoice create lost).
        A document whose YourRef is exactly `reference` (a per-document reference, a credit note) is
        answered alone. More than one live document with one YourRef is a double post staff must resolve.
        """
        parts, direct = {}, None
        for kind in ("sales_invoice", "sales_order"):
            suffixed = orders.your_ref(reference, kind)
            rows = self.client.find_by_your_ref(kind, reference, suffixed)
            for your_ref in (reference, suffixed):
                matching = [row for row in rows if row.get("YourRef") == your_ref]
                if len(matching) > 1:
                    key = DOCUMENTS[kind][1]
                    raise PermanentError(
                        f"{self.connection.system_label}: {len(matching)} {kind.replace('_', ' ')}s carry YourRef "
                        f"{your_ref!r} ({', '.join(str(r.get(key)) for r in matching)}); resolve the duplicate in "
                        "Exact Online")
            exact = [row for row in rows if row.get("YourRef") == reference]
            if exact and direct is None:
                direct = _document(kind, reference, exact[0])
            ours = [row for row in rows if row.get("YourRef") == suffixed]
            if ours:
                parts[kind] = _part(kind, ours[0])
        if parts:
            return _combined(reference, parts, orders.KINDS[self.config.documents])
        return direct

    # --- stock -------------------------------------------------------------------------------

    def stock_levels(self, items, warehouse):
        """Available stock per item at an Exact warehouse, from inventory/ItemWarehouses.

        available = CurrentStock - PlannedStockOut: CurrentStock still includes what open sales orders
        committed, PlannedStockOut is what they (and assembly orders) will take out. ReservedStock is not
        subtracted again: it is stock received for back-to-back sales orders, already in PlannedStockOut.
        An item with no ItemWarehouses row at the warehouse has none there (nor has one whose value is not
        a number: validation must not promise stock Exact did not state).
        """
        warehouse = self._stock_warehouse(warehouse)
        codes = list(dict.fromkeys(items))
        found = {level.item: level for level in self._warehouse_levels(codes, warehouse)}
        levels = []
        for code in codes:
            level = found.get(code)
            if level is None or level.available is None:
                level = StockLevel(item=code, warehouse=warehouse, available=Decimal(0), raw=level.raw if level else "")
            levels.append(level)
        return levels

    def stock_snapshot(self, items, warehouse):
        """inventory_out: available stock (as stock_levels computes it) of many items at one warehouse.

        Up to `snapshot_filter_limit` items: ItemWarehouses by item code, 25 codes a read. More: the
        warehouse's rows unfiltered, a page (60 rows) a call, keeping the wanted items. Items without a row
        are left out (the flow reads them as 0); a value that is not a number comes back as available=None.
        """
        warehouse = self._stock_warehouse(warehouse)
        return self._warehouse_levels(list(dict.fromkeys(items)), warehouse)

    def _stock_warehouse(self, warehouse):
        warehouse = warehouse or self.config.default_warehouse
        if not warehouse:
            raise PermanentError(f"{self.connection.system_label}: no warehouse given and no default_warehouse set")
        return warehouse

    def _warehouse_levels(self, codes, warehouse):
        if not codes:
            return []
        if len(codes) <= self.config.snapshot_filter_limit:
            rows = self.client.item_warehouses(codes, warehouse=warehouse)
        else:
            wanted = set(codes)
            rows = (row for page in self.client.warehouse_stock_pages(warehouse) for row in page
                    if row.get("ItemCode") in wanted)
        return [StockLevel(item=row["ItemCode"], warehouse=warehouse, **_available(row)) for row in rows
                if row.get("WarehouseCode", warehouse) == warehouse]

    # --- prices_out ----------------------------------------------------------------------------

    def price_snapshot(self, items):
        """prices_out: each item's StandardSalesPrice (in `price_currency`, the division's currency) and
        CostPriceStandard, from logistics/Items: by item code (25 a read) up to `snapshot_filter_limit`
        items, else every item a page a call. Items Exact has no price for (null) are left out."""
        codes = list(dict.fromkeys(items))
        if not codes:
            return []
        if len(codes) <= self.config.snapshot_filter_limit:
            rows = self.client.item_prices(codes)
        else:
            rows = (row for page in self.client.item_price_pages() for row in page)
        wanted, prices = set(codes), []
        for row in rows:
            code = (row.get("Code") or "").strip()
            if code not in wanted or row.get("StandardSalesPrice") is None:
                continue
            price, raw = _number(row.get("StandardSalesPrice"))
            cost, _ = _number(row.get("CostPriceStandard"))
            prices.append(ItemPrice(item=code, price=price, currency=self.config.price_currency, cost=cost, raw=raw))
            wanted.discard(code)  # Exact's item codes are unique; a repeat is not a second price
        return prices

    # --- shipments_out ---------------------------------------------------------------------------

    def shipments(self, since):
        """Packages of goods deliveries and cancelled / completed-short lines of the sales orders we posted,
        since `since` ("" = from the start); a read. Calls: deliveries (60 a page) + delivery lines and their
        sales orders (25 a read) + changed sales orders (60 a page): 4 for a typical read."""
        # Reference: salesorder/GoodsDeliveries, salesorder/GoodsDeliveryLines, salesorder/SalesOrders
        #   (client.goods_deliveries, goods_delivery_lines, sales_orders_with_lines)
        return shipment_reads.read(self.client, self.config, since)

    # --- inventory_in --------------------------------------------------------------------------

    def post_stock_count(self, posting, existing=None):
        """Write Walmart's quantities as an Exact stock count carrying our reference, then process it.

        One create call (the count, lines embedded; Exact makes it a draft), then, unless posting.process
        is False, one ProcessStockCount call. An unanswered create raises AmbiguousOutcome (connectors.http);
        the posting machine then finds the count by reference. With `existing` (find_stock_count's answer)
        nothing is created again: a draft is processed if processing was asked, a processed count returned.
        """
        label = self.connection.system_label
        if existing is not None:
            if existing.data.get("status") == stock_counts.PROCESSED or not posting.process:
                return _finished(existing)
            return self._process(existing)
        lines = stock_counts.checked_lines(posting, label)
        warehouse = self._stock_warehouse(posting.warehouse)
        warehouse_id = self._resolve("warehouse", [warehouse])[warehouse]
        item_ids = self._item_ids([line.item for line in lines])
        created = self.client.create_stock_count(stock_counts.payload(posting, warehouse_id, item_ids, self.config))
        document = _stock_count(posting.reference, created, wants_processing=posting.process)
        if not posting.process or document.complete:
            return document
        return self._process(document)

    def find_stock_count(self, reference):
        """The stock count carrying `reference` in the reference field, or None. complete=False while it is a
        draft (the caller knows whether processing was asked: post_stock_count(existing=...) decides)."""
        rows = [row for row in self.client.find_stock_counts(reference)
                if row.get(self.config.stock_count_reference_field) == reference]
        if len(rows) > 1:
            raise PermanentError(
                f"{self.connection.system_label}: {len(rows)} stock counts carry reference {reference!r} "
                f"({', '.join(str(r.get('StockCountNumber')) for r in rows)}); resolve the duplicate in Exact Online")
        return _stock_count(reference, rows[0], wants_processing=True) if rows else None

    def _process(self, document):
        self.client.process_stock_count(document.data["id"])
        return _finished(document, status=stock_counts.PROCESSED)

    def _item_ids(self, codes):
        """{code: GUID}: by code (25 a read) for a few items, else every item a page a call."""
        wanted = [code for code in dict.fromkeys(codes) if code not in self._ids["item"]]
        if len(wanted) > self.config.snapshot_filter_limit:
            for page in self.client.item_id_pages():
                for row in page:
                    self._ids["item"][(row.get("Code") or "").strip()] = row["ID"]
        return self._resolve("item", codes)

    def lookup(self, kind, codes):
        """Which codes Exact Online knows, for mapping verification (mappings/verify.py): one read per kind.

        Returns {code: (exists, message)}; kinds Exact has no read for here (supplier) answer nothing,
        which leaves those rows unverified.
        """
        reads = {"item": (self.client.items, "item", None),
                 "warehouse": (self.client.warehouses, "warehouse", None),
                 "gl_account": (self.client.gl_accounts, "G/L account", "IsBlocked"),
                 "cost_center": (self.client.cost_centers, "cost center", None),
                 "customer": (self.client.accounts, "customer account", "Blocked")}
        if kind not in reads or not codes:
            return {}
        read, label, blocked_field = reads[kind]
        found = {(row.get("Code") or "").strip(): row for row in read(list(codes))}
        answers = {}
        for code in codes:
            row = found.get(code.strip())
            if row is None:
                answers[code] = (False, f"Exact Online has no {label} with code {code.strip()}")
            elif blocked_field and row.get(blocked_field):
                answers[code] = (False, f"Exact Online {label} {code.strip()} is blocked")
            elif kind == "cost_center" and row.get("Active") is False:
                answers[code] = (False, f"Exact Online cost center {code.strip()} is not active")
            else:
                answers[code] = (True, row.get("Description") or row.get("Name") or "")
        return answers

    def items_by_gtin(self, gtins):
        """{gtin14: [(item code, description)]} of the Exact items whose Barcode is one of these GTIN-14s,
        for mapping suggestions (mappings/suggestions.py).

        Exact compares strings exactly, so each GTIN is asked for in every form it may be keyed in
        (GTIN-14, EAN-13, UPC-A, EAN-8: connectors.gtin) in one filtered read of logistics/Items
        (chunked to keep the URL short); answers are compared as GTIN-14. GTINs no item carries are
        left out.
        """
        wanted = {as_gtin14(gtin) for gtin in gtins} - {""}
        if not wanted:
            return {}
        forms = [form for gtin in sorted(wanted) for form in gtin_forms(gtin)]
        found = {}
        for row in self.client.items_by_barcode(forms):
            gtin, entry = as_gtin14(row.get("Barcode")), ((row.get("Code") or "").strip(), row.get("Description") or "")
            if gtin in wanted and entry[0] and entry not in found.setdefault(gtin, []):
                found[gtin].append(entry)
        return {gtin: sorted(items) for gtin, items in found.items()}


def _document(kind, reference, row):
    if kind == "sales_order":
        return ErpDocument(reference=reference, number=str(row.get("OrderNumber") or row["OrderID"]), kind=kind,
                           data={"id": row["OrderID"], "status": row.get("Status")})
    invoice_kind = "credit_note" if row.get("Type") == 8021 else "sales_invoice"
    return ErpDocument(reference=reference, number=str(row.get("InvoiceNumber") or row["InvoiceID"]), kind=invoice_kind,
                       data={"id": row["InvoiceID"], "type": row.get("Type"), "status": row.get("Status")})


def _decimal(value):
    return Decimal(str(value)) if value is not None else Decimal(0)


def _number(value):
    """(Decimal or None, raw text): None with the value as Exact sent it when it is not a number."""
    if value is None:
        return None, ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None, str(value)
    return (number, "") if number.is_finite() else (None, str(value))


def _available(row):
    """StockLevel fields of an ItemWarehouses row: CurrentStock - PlannedStockOut (stock_levels says why)."""
    current, raw_current = _number(row.get("CurrentStock"))
    planned, raw_planned = _number(row.get("PlannedStockOut"))
    if (current is None and raw_current) or (planned is None and raw_planned):
        return {"available": None, "raw": f"CurrentStock={row.get('CurrentStock')} PlannedStockOut={row.get('PlannedStockOut')}"}
    return {"available": (current or Decimal(0)) - (planned or Decimal(0))}


def _stock_count(reference, row, *, wants_processing):
    status = row.get("Status")
    return ErpDocument(reference=reference, number=str(row.get("StockCountNumber") or row["StockCountID"]),
                       kind="stock_count",
                       data={"id": row["StockCountID"], "status": status, "warehouse": row.get("WarehouseCode")},
                       complete=status == stock_counts.PROCESSED or not wants_processing)


def _finished(document, status=None):
    data = {**document.data, "status": status} if status is not None else dict(document.data)
    return ErpDocument(reference=document.reference, number=document.number, kind=document.kind, data=data,
                       complete=True)


def _part(kind, row):
    """What we keep of one document of an order (ErpDocument.data[kind])."""
    document = _document(kind, row.get("YourRef") or "", row)
    return {"kind": document.kind, "id": document.data["id"], "number": document.number,
            "your_ref": row.get("YourRef"), "status": row.get("Status"),
            "amount": str(row["AmountFC"]) if row.get("AmountFC") is not None else None}


def _parts(existing):
    """The documents an earlier, half-done post created: {kind: part}."""
    if existing is None:
        return {}
    parts = {kind: dict(existing.data[kind]) for kind in orders.SUFFIXES if isinstance(existing.data.get(kind), dict)}
    if not parts and existing.kind in orders.SUFFIXES:  # a single-document answer (YourRef without suffix)
        parts[existing.kind] = {"kind": existing.kind, "id": existing.data.get("id"), "number": existing.number,
                                "your_ref": existing.reference, "status": existing.data.get("status")}
    return parts


def _combined(reference, parts, kinds):
    """One ErpDocument for an order's documents: the invoice (the revenue document) first, else the order."""
    primary = parts.get("sales_invoice") or parts["sales_order"]
    return ErpDocument(reference=reference, number=primary["number"], kind=primary["kind"], data=dict(parts),
                       complete=all(kind in parts for kind in kinds))
