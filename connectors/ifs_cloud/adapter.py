"""IFS Cloud adapter: our dataclasses on one side, IFS projections (through IfsClient) on the other.

Flow orders_in: a Walmart order becomes one customer order (header, a line per order line, the
shipping as an order charge, released if configured), payloads in connectors/ifs_cloud/orders.py.
shipments_out and items_out read in bulk since a mark: connectors/ifs_cloud/shipments.py and items.py.
"""

from decimal import Decimal

from connectors.contract import ErpAdapter, ErpDocument, ItemPrice, PingResult, StockLevel
from connectors.errors import PermanentError
from connectors.ifs_cloud import items as item_reads, orders, shipments as shipment_reads
from connectors.gtin import as_gtin14, gtin_forms
from connectors.ifs_cloud.client import ORDERS, IfsClient, charges_path, lines_path, release_path
from connectors.ifs_cloud.odata import wire
from connectors.ifs_cloud.records import number

CANCELLED = "Cancelled"
PLANNED = "Planned"
OPEN = ("Planned", "Released")  # states in which IFS still takes lines and charges


class Adapter(ErpAdapter):
    capabilities = frozenset({"orders_in", "inventory_out", "prices_out", "shipments_out", "items_out"})

    def __init__(self, connection):
        super().__init__(connection)
        self.client = IfsClient(connection)

    def ping(self):
        """A token, then one read that proves the configured company and site exist."""
        cfg = self.config
        site = self.client.company_site(cfg.company, cfg.site)
        if site is None:
            return PingResult(
                ok=False, details={"company": cfg.company, "site": cfg.site},
                summary=f"token obtained, but site {cfg.site} not found in company {cfg.company} "
                        "(check the site (Contract) and company codes, and that the IAM client's user may read them)",
            )
        label = f" ({site.description})" if site.description else ""
        return PingResult(
            ok=True, details={"company": site.company, "site": site.site},
            summary=f"token obtained; company {site.company}, site {site.site}{label} found",
        )

    def find_document(self, reference):
        """The live customer order carrying `reference` in CustomerPoNo, or None.

        Cancelled orders do not count: a cancelled attempt must not stop a new post. If several live
        orders carry the reference (someone entered one by hand), the oldest (lowest OrderNo) is ours.
        complete=False when the post stopped half-way: fewer lines than the header note records, the
        shipping charge missing, or (release_orders) still Planned. Reads the order's lines and charges.
        """
        # Reference: GET CustomerOrderHandling.svc/CustomerOrderSet?$filter=CustomerPoNo eq '...'
        live = [o for o in self.client.find_orders_by_customer_po(reference) if o.state != CANCELLED]
        if not live:
            return None
        order = min(live, key=lambda o: o.order_no)
        # Reference: GET CustomerOrderHandling.svc/CustomerOrderLineSet?$filter=OrderNo eq 'X' (client.order_lines)
        status = self._status(order, self.client.order_lines(order.order_no))
        return ErpDocument(
            reference=reference, number=order.order_no, kind="customer_order", complete=status["complete"],
            data={"state": order.state, "site": order.site, "customer_no": order.customer_no, "etag": order.etag,
                  "duplicates": [o.order_no for o in live if o is not order], **status},
        )

    def _status(self, order, lines):
        """How far a post got. Without our note (edited by hand) the rule is: at least one line."""
        wanted = orders.expected(order.data.get("NoteText"))
        count = len([x for x in lines if x.state != CANCELLED])
        if wanted is None:
            lines_ok, charge_ok = count > 0, True
        else:
            lines_ok = count >= wanted[0] > 0
            # Reference: GET .../CustomerOrderSet(OrderNo='X')/CustomerOrderChargeArray (client.order_charges)
            charge_ok = not wanted[1] or any(
                c.charge_type == self.config.shipping_charge_type for c in self.client.order_charges(order.order_no))
        released_ok = not self.config.release_orders or order.state != PLANNED
        return {"lines": count, "expected_lines": wanted[0] if wanted else None,
                "complete": lines_ok and charge_ok and released_ok}

    # --- orders_in -------------------------------------------------------------------------

    def post_order(self, posting, existing=None):
        """Header, lines, shipping charge, release (if configured); or, given `existing` (a half-done
        post find_document found), whatever that order still lacks. Calls per order: 1 + lines
        (+1 with shipping, +2 with release: the action, then a read for the new ETag)."""
        cfg = self.config
        site = orders.order_site(posting, cfg.site)
        if existing is not None:
            return self._complete(posting, site, existing.number)
        # Reference: POST CustomerOrderHandling.svc/CustomerOrderSet (client.create_customer_order)
        order = self.client.create_customer_order(orders.header(posting, cfg, site))
        return self._finish(posting, site, order, lines=[], charges=[])

    def _complete(self, posting, site, order_no):
        # Reference: GET CustomerOrderHandling.svc/CustomerOrderSet(OrderNo='X') (client.get_customer_order)
        order = self.client.get_customer_order(order_no)
        if order is None or order.state == CANCELLED:
            raise PermanentError(f"IFS Cloud: customer order {order_no} for {posting.reference} is gone or cancelled; "
                                 "post the order again from scratch")
        if order.site != site:
            raise PermanentError(f"IFS Cloud: customer order {order_no} is at site {order.site}, "
                                 f"the posting maps to site {site}")
        # Reference: GET CustomerOrderHandling.svc/CustomerOrderLineSet?$filter=OrderNo eq 'X' (client.order_lines)
        lines = self.client.order_lines(order_no)
        # Reference: GET .../CustomerOrderSet(OrderNo='X')/CustomerOrderChargeArray (client.order_charges)
        charges = self.client.order_charges(order_no)
        return self._finish(posting, site, order, lines=lines, charges=charges)

    def _finish(self, posting, site, order, *, lines, charges):
        """Add the lines and charge the order lacks (by Walmart line number, CustomerPoLineNo), then release."""
        cfg, client = self.config, self.client
        have = {x.data.get("CustomerPoLineNo") for x in lines if x.state != CANCELLED}
        missing = [x for x in posting.lines if str(x.line_number) not in have]
        freight = orders.shipping(posting)
        charge_missing = freight and not any(c.charge_type == cfg.shipping_charge_type for c in charges)
        if (missing or charge_missing) and order.state not in OPEN:
            raise PermanentError(f"IFS Cloud: customer order {order.order_no} is {order.state}; "
                                 "its missing lines or charge cannot be added any more")
        lines = [x for x in lines if x.state != CANCELLED]
        try:
            for posting_line in missing:
                # Reference: POST CustomerOrderSet(OrderNo='X')/OrderLinesArray (client.add_order_line)
                lines.append(client.add_order_line(
                    order.order_no, orders.line(posting, cfg, site, posting_line, order.order_no)))
            if charge_missing:
                # Reference: POST CustomerOrderSet(OrderNo='X')/CustomerOrderChargeArray (client.add_order_charge)
                charges = [*charges, client.add_order_charge(
                    order.order_no, orders.shipping_charge(cfg, site, freight, order.order_no))]
        except PermanentError as exc:
            # The header stays (a retry goes through find_document, which finds it half-done and completes it):
            # say so with IFS's own message.
            raise PermanentError(
                f"{exc.message} (customer order {order.order_no} holds {len(lines)} of {len(posting.lines)} lines; "
                "once fixed, the next attempt completes it)", status=exc.status, vendor_code=exc.vendor_code,
            ) from None
        if cfg.release_orders and order.state == PLANNED:
            order = self._release(order)
        return self._document(posting, site, order, lines, charges)

    def _release(self, order):
        """Release under If-Match. Adding lines may have moved the header's ETag in a real IFS: on 412,
        read the header once and retry. Then read it again: the action answers 204 without the new ETag."""
        try:
            # Reference: POST CustomerOrderSet(OrderNo='X')/IfsApp.CustomerOrderHandling.CustomerOrder_SetReleased
            self.client.release_customer_order(order.order_no, order.etag)
        except PermanentError as exc:
            if exc.status != 412:
                raise
            # Reference: GET CustomerOrderHandling.svc/CustomerOrderSet(OrderNo='X') (client.get_customer_order)
            fresh = self.client.get_customer_order(order.order_no)
            # Reference: the same bound action CustomerOrder_SetReleased, with the fresh ETag as If-Match
            self.client.release_customer_order(order.order_no, fresh.etag)
        # Reference: GET CustomerOrderHandling.svc/CustomerOrderSet(OrderNo='X') (client.get_customer_order)
        return self.client.get_customer_order(order.order_no)

    def _document(self, posting, site, order, lines, charges):
        ours = [x for x in lines if x.data.get("CustomerPoLineNo") is not None]
        product = sum((x.quantity * (x.unit_price or 0) for x in ours), Decimal("0"))
        freight = sum((c.amount * c.quantity for c in charges if c.charge_type == self.config.shipping_charge_type),
                      Decimal("0"))
        return ErpDocument(
            reference=posting.reference, number=order.order_no, kind="customer_order",
            data={
                "etag": order.etag, "state": order.state, "site": site, "company": order.company or self.config.company,
                "lines": len(ours), "product_total": str(product), "shipping_total": str(freight),
                # Walmart's figures beside IFS's: IFS computes its own tax, and unit prices are rounded to 4 places.
                "walmart_product_total": str(posting.product_total),
                "walmart_shipping_total": str(posting.shipping_total), "walmart_tax_total": str(posting.tax_total),
                "product_difference": str(product - posting.product_total),
            },
        )

    def preview_order(self, posting):
        """The calls post_order would make for a new order, in order, with their bodies; no call is made.
        `{OrderNo}` stands for the number IFS gives the header."""
        cfg = self.config
        site = orders.order_site(posting, cfg.site)
        order_no = orders.ORDER_NO
        calls = [{"method": "POST", "path": ORDERS, "body": orders.header(posting, cfg, site)}]
        calls += [{"method": "POST", "path": lines_path(order_no), "body": orders.line(posting, cfg, site, x)}
                  for x in posting.lines]
        freight = orders.shipping(posting)
        if freight:
            calls.append({"method": "POST", "path": charges_path(order_no),
                          "body": orders.shipping_charge(cfg, site, freight)})
        if cfg.release_orders:
            calls.append({"method": "POST", "path": release_path(order_no), "body": {}})
        return {"calls": [{**c, "body": wire(c["body"])} for c in calls], "site": site}

    def stock_levels(self, items, warehouse):
        """Available quantity per item at an IFS site (`warehouse` is the site, Contract): IFS's
        AvailableQty (on hand minus reserved) summed over the part's stock records; 0 where it has none."""
        items = list(dict.fromkeys(items))
        if not items:
            return []
        # Reference: GET InventoryPartInStockHandling.svc/InventoryPartInStockSet (client.stock)
        available = self.client.stock(items, warehouse)
        return [StockLevel(item=item, warehouse=warehouse, available=available.get(item, Decimal(0))) for item in items]

    def stock_snapshot(self, items, warehouse):
        """inventory_out: AvailableQty summed per part at a site (`warehouse`), for many parts at once.
        Few parts: PartNo filters (40 per call); more than snapshot_site_read_above: the site's whole
        InventoryPartInStockSet, snapshot_page_size records per call, kept for the parts asked.
        Parts without a stock record are left out (read as 0). A part with any record IFS did not
        send as a number comes back with available=None and that value in raw; negatives pass as they are."""
        items = list(dict.fromkeys(items))
        if not items:
            return []
        cfg, wanted = self.config, set(items)
        whole_site = len(items) > cfg.snapshot_site_read_above
        # Reference: GET InventoryPartInStockHandling.svc/InventoryPartInStockSet (client.stock_records)
        records = self.client.stock_records(warehouse, None if whole_site else items, page_size=cfg.snapshot_page_size)
        totals, raw = {}, {}
        for part, value in records:
            if part not in wanted:
                continue
            quantity, text = number(value)
            if quantity is None:
                raw.setdefault(part, text)
            totals[part] = totals.get(part, Decimal(0)) + (quantity or 0)
        return [StockLevel(item=part, warehouse=warehouse, available=None if part in raw else totals[part],
                           raw=raw.get(part, "")) for part in items if part in totals]

    def price_snapshot(self, items):
        """prices_out: ListPrice of the configured site's sales parts, in price_currency (UNCONFIRMED
        that IFS names no currency on SalesPartSet). Few parts: CatalogNo filters; many: the site's
        whole SalesPartSet, paged. Parts without a sales part are left out. No cost: the emulator and
        erp-apis.md name no inventory part cost projection (UNCONFIRMED in IFS, see SETUP.md)."""
        items = list(dict.fromkeys(items))
        if not items:
            return []
        cfg, wanted = self.config, set(items)
        whole_site = len(items) > cfg.snapshot_site_read_above
        # Reference: GET SalesPartHandling.svc/SalesPartSet?$filter=Contract eq 'S1' (client.sales_parts)
        parts = self.client.sales_parts(cfg.site, None if whole_site else items, page_size=cfg.snapshot_page_size)
        found = {p.catalog_no: p for p in parts if p.catalog_no in wanted}
        return [ItemPrice(item=code, price=found[code].list_price, currency=cfg.price_currency,
                          raw=found[code].list_price_raw) for code in items if code in found]

    def lookup(self, kind, codes):
        """Which codes IFS Cloud knows, for mapping verification (mappings/verify.py).

        item: sales parts of the configured site (one read); warehouse: company sites; customer:
        customers. GL kinds are not IFS postings' concern here and answer nothing (rows stay unverified).
        """
        cfg = self.config
        if kind == "item" and codes:
            found = {part.catalog_no: part for part in self.client.sales_parts(cfg.site, list(codes))}
            return {code: (True, found[code].description) if code in found
                    else (False, f"IFS Cloud has no sales part {code} at site {cfg.site}") for code in codes}
        if kind == "warehouse":
            answers = {}
            for code in codes:
                site = self.client.company_site(cfg.company, code)
                answers[code] = (True, site.description) if site else (False, f"site {code} not found in company {cfg.company}")
            return answers
        if kind == "customer":
            answers = {}
            for code in codes:
                customer = self.client.customer(code)
                answers[code] = (True, customer.name) if customer else (False, f"IFS Cloud has no customer {code}")
            return answers
        return {}


    def items_by_gtin(self, gtins):
        """{gtin14: [(catalog no, description)]} of the configured site's sales parts carrying these
        GTIN-14s (property `gtin_field`), for mapping suggestions (mappings/suggestions.py).

        IFS compares strings exactly, so each GTIN is asked for in every form it may be keyed in
        (GTIN-14, EAN-13, UPC-A, EAN-8: connectors.gtin) in one filtered read (chunked to keep the
        URL short); answers are compared as GTIN-14. GTINs no sales part carries are left out. With
        gtin_field blank the read is not offered and nothing is asked.
        """
        field = self.config.gtin_field
        wanted = {as_gtin14(gtin) for gtin in gtins} - {""}
        if not field or not wanted:
            return {}
        forms = [form for gtin in sorted(wanted) for form in gtin_forms(gtin)]
        found = {}
        for value, catalog_no, description in self.client.sales_parts_by_gtin(self.config.site, forms, field=field):
            gtin = as_gtin14(value)
            if gtin in wanted and (catalog_no, description) not in found.setdefault(gtin, []):
                found[gtin].append((catalog_no, description))
        return {gtin: sorted(items) for gtin, items in found.items()}

    # --- shipments_out, items_out ---------------------------------------------------------

    def shipments(self, since):
        """Packages of shipped shipments and cancelled / closed-short lines of the orders we posted, since
        `since` ("" = from the start); a read. Calls: shipments (paged) + shipment lines, orders and order
        lines (40 per call) + changed order lines (paged): 5 for a typical read (shipments.py says why)."""
        # Reference: ShipmentHandling.svc/ShipmentSet, ShipmentLineSet; CustomerOrderHandling.svc/CustomerOrderSet,
        #   CustomerOrderLineSet (client.shipped_shipments, lines_of_shipments, orders_by_no, lines_of_orders,
        #   changed_order_lines)
        return shipment_reads.read(self.client, self.config, since)

    def items(self, since):
        """Sales parts of the configured site new or changed since `since`, as ItemData, and the next mark."""
        # Reference: SalesPartHandling.svc/SalesPartSet (client.changed_sales_parts)
        return item_reads.read(self.client, self.config, since)
