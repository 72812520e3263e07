"""IFS Cloud projection calls (OData v4, reference/erp-apis.md §A). Typed records back; no ORM here.

Every request goes through connectors.http; query strings come from connectors.ifs_cloud.odata.
"""

from decimal import Decimal
from urllib.parse import urljoin

from connectors import http
from connectors.errors import ConfigError, PermanentError, RecoverableError
from connectors.ifs_cloud import records
from connectors.ifs_cloud.odata import any_of, enum, key, literal, query, wire
from connectors.ifs_cloud.records import dec

SHIPMENT_STATE = "IfsApp.ShipmentHandling.ShipmentState"
ORDER_LINE_STATE = "IfsApp.CustomerOrderHandling.CustomerOrderLineState"
ORDERS = "CustomerOrderHandling.svc/CustomerOrderSet"
RELEASE_ACTION = "IfsApp.CustomerOrderHandling.CustomerOrder_SetReleased"
PAGE_SIZE = 500
# PartNo values per stock request: keeps the URL well under proxy limits (8 KB is common).
PARTS_PER_QUERY = 40


class IfsClient:
    def __init__(self, connection, *, page_size=PAGE_SIZE):
        self.connection = connection
        self.page_size = page_size
        self.base = connection.typed_config.api_base().rstrip("/") + "/"

    # --- transport -----------------------------------------------------------------------

    def _send(self, method, url, *, what, ok=(200,), body=None, headers=None):
        for attempt in (1, 2):
            try:
                return http.send(self.connection, method, urljoin(self.base, url), ok=ok, json=body,
                                 headers=headers, what=what)
            except RecoverableError as exc:
                # MI_MODIFIED_ERROR: IFS's cached projection metadata was stale and the request was not
                # executed; IFS documents that the same request succeeds when sent again.
                if exc.vendor_code == "MI_MODIFIED_ERROR" and attempt == 1:
                    continue
                raise
            except PermanentError as exc:
                if exc.status == 412:
                    raise PermanentError(
                        f"IFS Cloud {what}: the record was changed by someone else since it was read "
                        f"(HTTP 412); read it again and reapply the change", status=412, vendor_code=exc.vendor_code,
                    ) from None
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _json(response):
        return response.json(parse_float=Decimal)

    def _get_one(self, path, *, what):
        """GET an entity by key; None if IFS answers 404."""
        try:
            response = self._send("GET", path, what=what)
        except PermanentError as exc:
            if exc.status == 404 and not isinstance(exc, ConfigError):  # a 404 at the token URL is a wrong realm
                return None, None
            raise
        return self._json(response), response.headers.get("ETag")

    def _collection(self, path, *, what, filter=None, select=None, orderby=None, limit=None, page_size=None):
        """Every row of a query (or the first `limit`), as a list."""
        rows = []
        for page in self._pages(path, what=what, filter=filter, select=select, orderby=orderby, limit=limit,
                                page_size=page_size):
            rows.extend(page)
            if limit and len(rows) >= limit:
                return rows[:limit]
        return rows

    def _pages(self, path, *, what, filter=None, select=None, orderby=None, limit=None, page_size=None):
        """The pages of a query, one at a time (a whole site's stock need not sit in memory at once):
        follows @odata.nextLink when IFS sends one, else pages with $top/$skip until a page comes back short."""
        page_size = page_size or self.page_size
        top = min(limit, page_size) if limit else page_size
        skip, seen = 0, 0
        url = f"{path}?{query(filter=filter, select=select, orderby=orderby, top=top)}"
        server_paging = False
        while url:
            response = self._send("GET", url, what=what)
            body = self._json(response)
            page = body.get("value", [])
            yield page
            seen += len(page)
            next_link = body.get("@odata.nextLink")
            if limit and seen >= limit:
                return
            if next_link:
                server_paging = True
                url = urljoin(response.url, next_link)
            elif not server_paging and len(page) >= top:
                skip += len(page)
                url = f"{path}?{query(filter=filter, select=select, orderby=orderby, top=top, skip=skip)}"
            else:
                url = None

    def _create(self, path, payload, *, what):
        response = self._send("POST", path, what=what, ok=(201,), body=wire(payload),
                              headers={"Prefer": "return=representation"})
        return self._json(response), response.headers.get("ETag")

    # --- sites, parts, prices, customers -------------------------------------------------

    def company_site(self, company, site):
        """The site if it exists in the company, else None. The connector's cheap read for ping.

        # Reference: CompanySiteHandling.svc/CompanySiteSet, key Contract (erp-apis.md §A.4 "Company / site")
        """
        rows = self._collection(
            "CompanySiteHandling.svc/CompanySiteSet", what="read company site",
            filter=f"Company eq {literal(company)} and Contract eq {literal(site)}",
            select="Company,Contract,Description", limit=1,
        )
        if not rows:
            return None
        row = rows[0]
        return records.CompanySite(company=row["Company"], site=row["Contract"], description=row.get("Description") or "")

    def stock(self, part_nos, site):
        """Available quantity per part at a site: IFS returns one row per stock record, summed here.

        # Reference: InventoryPartInStockHandling.svc/InventoryPartInStockSet
        #   ?$select=PartNo,Contract,AvailableQty&$filter=(PartNo eq 'A' or ...) and (Contract eq 'S1')
        #   (InsiteSoftware/commerce-integration IfsAurena GetInventoryStock; erp-apis.md §A.4)
        """
        part_nos = list(dict.fromkeys(part_nos))
        totals = {part: Decimal(0) for part in part_nos}
        for part, value in self.stock_records(site, part_nos):
            totals[part] = totals.get(part, Decimal(0)) + (dec(value) or 0)
        return totals

    def stock_records(self, site, part_nos=None, *, page_size=None):
        """(PartNo, AvailableQty as IFS sent it) per stock record at a site: of the given parts
        (PARTS_PER_QUERY per filtered read), or of every part at the site (part_nos None), paged.

        # Reference: InventoryPartInStockHandling.svc/InventoryPartInStockSet
        #   ?$select=PartNo,Contract,AvailableQty&$filter=Contract eq 'S1'&$orderby=PartNo&$top=N&$skip=M
        #   (entity set and fields: erp-apis.md §A.4; paging: §A.6, nextLink followed when IFS sends one)
        """
        site_only = f"Contract eq {literal(site)}"
        if part_nos is None:
            conditions = [site_only]
        else:
            part_nos = list(dict.fromkeys(part_nos))
            conditions = [f"{any_of('PartNo', part_nos[start:start + PARTS_PER_QUERY])} and ({site_only})"
                          for start in range(0, len(part_nos), PARTS_PER_QUERY)]
        for condition in conditions:
            for page in self._pages(
                    "InventoryPartInStockHandling.svc/InventoryPartInStockSet", what="read inventory part in stock",
                    filter=condition, select="PartNo,Contract,AvailableQty", orderby="PartNo", page_size=page_size):
                for row in page:
                    yield row["PartNo"], row.get("AvailableQty")

    def sales_parts(self, site, catalog_nos=None, *, page_size=None):
        """Sales parts of a site (all, paged by page_size, or the given catalog numbers).

        # Reference: SalesPartHandling.svc/SalesPartSet, keys Contract, CatalogNo (erp-apis.md §A.4)
        """
        site_only = f"Contract eq {literal(site)}"
        if catalog_nos is None:
            conditions = [site_only]
        else:
            catalog_nos = list(dict.fromkeys(catalog_nos))
            conditions = [f"{site_only} and {any_of('CatalogNo', catalog_nos[start:start + PARTS_PER_QUERY])}"
                          for start in range(0, len(catalog_nos), PARTS_PER_QUERY)]
        rows = [row for condition in conditions for row in self._collection(
            "SalesPartHandling.svc/SalesPartSet", what="read sales parts", filter=condition,
            select="Contract,CatalogNo,CatalogDesc,PartNo,SalesUnitMeas,ListPrice", orderby="CatalogNo",
            page_size=page_size)]
        return [records.SalesPart(
            site=r["Contract"], catalog_no=r["CatalogNo"], description=r.get("CatalogDesc") or "",
            part_no=r.get("PartNo") or "", sales_unit=r.get("SalesUnitMeas") or "",
            list_price=records.number(r.get("ListPrice"))[0], list_price_raw=records.number(r.get("ListPrice"))[1],
        ) for r in rows]

    def sales_parts_by_gtin(self, site, gtins, *, field):
        """[(GTIN as IFS has it, CatalogNo, CatalogDesc)] of the site's sales parts whose `field` is one of
        `gtins` (exact values: the caller sends every form a GTIN may be keyed in), PARTS_PER_QUERY values
        per query, so the URL stays short.

        # Reference: SalesPartHandling.svc/SalesPartSet?$filter=Contract eq 'S1' and (GtinNo eq '..' or ...)
        #   (entity set and keys: erp-apis.md §A.4 "Sales parts"; the GTIN property name is UNCONFIRMED,
        #   hence IfsCloudConfig.gtin_field)
        """
        values = list(dict.fromkeys(gtins))
        rows = []
        for start in range(0, len(values), PARTS_PER_QUERY):
            rows += self._collection(
                "SalesPartHandling.svc/SalesPartSet", what="read sales parts by GTIN",
                filter=f"Contract eq {literal(site)} and {any_of(field, values[start:start + PARTS_PER_QUERY])}",
                select=f"Contract,CatalogNo,CatalogDesc,{field}", orderby="CatalogNo")
        return [(str(r.get(field) or "").strip(), r["CatalogNo"], r.get("CatalogDesc") or "") for r in rows]

    def price_query(self, catalog_no, *, customer_no, site, currency_code, quantity=1):
        """The customer's calculated net price for one sales part (call clean_price_queries() afterwards).

        # Reference: POST PriceQueryHandling.svc/PriceQuerySet, read NetPrice
        #   (InsiteSoftware/commerce-integration IfsAurena GetPricing; erp-samples/ifs/price_query_request.json)
        """
        body, _ = self._create("PriceQueryHandling.svc/PriceQuerySet", {
            "CatalogNo": catalog_no, "SalesQty": Decimal(quantity), "PriceQty": Decimal(quantity),
            "CustomerNo": customer_no, "Contract": site, "CurrencyCode": currency_code, "UsePriceInclTax": False,
        }, what="price query")
        return records.PriceQuote(
            catalog_no=catalog_no, site=site, customer_no=customer_no, currency_code=currency_code,
            quantity=Decimal(quantity), net_price=dec(body.get("NetPrice")),
        )

    def clean_price_queries(self):
        """Remove our price query rows (IFS keeps them per user until cleaned).

        # Reference: POST PriceQueryHandling.svc/CleanPriceQuery with {} (Insite GetPricing)
        """
        self._send("POST", "PriceQueryHandling.svc/CleanPriceQuery", what="clean price query", ok=(200, 204), body={})

    def net_prices(self, catalog_nos, *, customer_no, site, currency_code):
        """Net price per catalog number; the price query rows are cleaned even if a query fails."""
        try:
            return {no: self.price_query(no, customer_no=customer_no, site=site, currency_code=currency_code).net_price
                    for no in catalog_nos}
        finally:
            self.clean_price_queries()

    def customer(self, customer_no):
        """# Reference: CustomerHandling.svc/CustomerInfoSet(CustomerId='..') (erp-apis.md §A.4 "Customers")"""
        body, _ = self._get_one(f"CustomerHandling.svc/CustomerInfoSet{key(CustomerId=customer_no)}", what="read customer")
        if body is None:
            return None
        return records.Customer(customer_no=body["CustomerId"], name=body.get("Name") or "",
                                country=body.get("Country") or "", data=body)

    # --- customer orders -----------------------------------------------------------------
# Paths are module functions so the adapter's preview shows exactly what these methods send.

    def create_customer_order(self, header):
        """Create an order header; IFS answers with the new row (its OrderNo) thanks to Prefer.

        # Reference: POST CustomerOrderHandling.svc/CustomerOrderSet, Prefer: return=representation
        #   (Insite SubmitOrder/CreateRequest.cs; erp-samples/ifs/customer_order_create_request.json)
        """
        body, etag = self._create(ORDERS, header, what="create customer order")
        return records.CustomerOrder.from_entity(body, etag)

    def add_order_line(self, order_no, line):
        """# Reference: POST CustomerOrderHandling.svc/CustomerOrderSet(OrderNo='X')/OrderLinesArray
        #   (Insite SubmitOrderLines/CreateRequests.cs; erp-samples/ifs/customer_order_line_create_request.json)"""
        body, _ = self._create(lines_path(order_no), {"OrderNo": order_no, **line}, what="add customer order line")
        return records.OrderLine.from_entity(body)

    def add_order_charge(self, order_no, charge):
        """# Reference: POST CustomerOrderHandling.svc/CustomerOrderSet(OrderNo='X')/CustomerOrderChargeArray
        #   (ChargeType, ChargeAmount, ChargedQty; erp-apis.md §A.4 "Order charges")"""
        body, _ = self._create(charges_path(order_no), {"OrderNo": order_no, **charge},
                               what="add customer order charge")
        return records.OrderCharge.from_entity(body)

    def get_customer_order(self, order_no):
        """The order with its ETag (for If-Match), or None.

        # Reference: GET CustomerOrderHandling.svc/CustomerOrderSet(OrderNo='X') (erp-apis.md §A.3, §A.4)
        """
        body, etag = self._get_one(order_path(order_no), what="read customer order")
        return None if body is None else records.CustomerOrder.from_entity(body, etag)

    def find_orders_by_customer_po(self, reference):
        """Orders carrying our reference in CustomerPoNo (how find_document tells what was posted).

        # Reference: GET CustomerOrderHandling.svc/CustomerOrderSet?$filter=CustomerPoNo eq '...'
        """
        rows = self._collection(ORDERS, what="find customer orders",
                                filter=f"CustomerPoNo eq {literal(reference)}", orderby="OrderNo")
        return [records.CustomerOrder.from_entity(row) for row in rows]

    def order_lines(self, order_no):
        """# Reference: GET CustomerOrderHandling.svc/CustomerOrderLineSet?$filter=OrderNo eq 'X' (erp-apis.md §A.4)"""
        rows = self._collection("CustomerOrderHandling.svc/CustomerOrderLineSet", what="read customer order lines",
                                filter=f"OrderNo eq {literal(order_no)}", orderby="LineNo,RelNo")
        lines = [records.OrderLine.from_entity(row) for row in rows]
        # LineNo is a string in IFS, so its own order puts "10" before "2": sort by number.
        return sorted(lines, key=lambda x: (int(x.line_no) if x.line_no.isdigit() else 0, x.line_no, x.rel_no))

    def order_charges(self, order_no):
        """# Reference: GET CustomerOrderHandling.svc/CustomerOrderSet(OrderNo='X')/CustomerOrderChargeArray"""
        rows = self._collection(charges_path(order_no), what="read customer order charges", orderby="SequenceNo")
        return [records.OrderCharge.from_entity(row) for row in rows]

    def patch_customer_order(self, order_no, etag, changes):
        """Update header fields under optimistic concurrency; a stale etag raises PermanentError (412).

        # Reference: PATCH CustomerOrderHandling.svc/CustomerOrderSet(OrderNo='X') with If-Match
        #   (erp-apis.md §A.3; techdocs "Entity Upserts and ETag Support")
        """
        # Without an etag no If-Match is sent and IFS refuses (ODP_MISSING_PRECONDITION): never a blind write.
        headers = {"Prefer": "return=representation", **({"If-Match": etag} if etag else {})}
        response = self._send(
            "PATCH", f"CustomerOrderHandling.svc/CustomerOrderSet{key(OrderNo=order_no)}", what="update customer order",
            body=wire(changes), headers=headers,
        )
        return records.CustomerOrder.from_entity(self._json(response), response.headers.get("ETag"))

    def release_customer_order(self, order_no, etag):
        """# Reference: POST CustomerOrderSet(OrderNo='X')/IfsApp.CustomerOrderHandling.CustomerOrder_SetReleased
        #   with If-Match (bound action; erp-apis.md §A.4 "Release order", UNCONFIRMED name)"""
        self._send("POST", release_path(order_no), what="release customer order", ok=(200, 204), body={},
                   headers={"If-Match": etag})

    # --- shipments -----------------------------------------------------------------------

    def shipments(self, site, *, state=None, shipped_since=None):
        """Shipments of a site, optionally in one state and shipped at/after an aware datetime.

        # Reference: GET ShipmentHandling.svc/ShipmentSet ($filter Contract, Objstate as
        #   IfsApp.ShipmentHandling.ShipmentState'...'; erp-apis.md §A.3, §A.4 "Shipments")
        """
        condition = f"Contract eq {literal(site)}"
        if state:
            condition += f" and Objstate eq {enum(SHIPMENT_STATE, state)}"
        if shipped_since is not None:
            condition += f" and ActualShipDate ge {shipped_since.isoformat().replace('+00:00', 'Z')}"
        rows = self._collection("ShipmentHandling.svc/ShipmentSet", what="read shipments", filter=condition,
                                orderby="ShipmentId")
        return [records.Shipment(
            shipment_id=r["ShipmentId"], site=r.get("Contract") or "", receiver_id=r.get("ReceiverId") or "",
            state=r.get("Objstate") or "", ship_via_code=r.get("ShipViaCode") or "",
            actual_ship_date=r.get("ActualShipDate"), data=r,
        ) for r in rows]

    def shipment_lines(self, shipment_id):
        """# Reference: GET ShipmentHandling.svc/ShipmentLineSet?$filter=ShipmentId eq 19 (erp-apis.md §A.4)"""
        rows = self._collection("ShipmentHandling.svc/ShipmentLineSet", what="read shipment lines",
                                filter=f"ShipmentId eq {int(shipment_id)}", orderby="ShipmentLineNo")
        return [records.ShipmentLine(
            shipment_id=r["ShipmentId"], line_no=r.get("ShipmentLineNo"), order_no=r.get("SourceRef1") or "",
            order_line_no=r.get("SourceRef2") or "", order_rel_no=r.get("SourceRef3") or "",
            part_no=r.get("InventoryPartNo") or "", quantity=dec(r.get("InventoryQty")) or Decimal(0), data=r,
        ) for r in rows]


    # --- shipments_out and items_out: bulk reads since a change date ---------------------

    def _chunked(self, path, field, values, *, what, select, extra=None, orderby=None):
        """Rows whose `field` is one of `values`, PARTS_PER_QUERY values per call (URLs stay short)."""
        values, rows = list(dict.fromkeys(values)), []
        for start in range(0, len(values), PARTS_PER_QUERY):
            condition = any_of(field, values[start:start + PARTS_PER_QUERY])
            rows += self._collection(path, what=what, select=select, orderby=orderby,
                                     filter=f"{condition} and ({extra})" if extra else condition)
        return rows

    def shipped_shipments(self, states, *, since=None, select):
        """Shipments in `states` whose ActualShipDate is at/after `since` (an OData date-time literal), oldest first.

        # Reference: GET ShipmentHandling.svc/ShipmentSet?$filter=(Objstate eq IfsApp.ShipmentHandling.ShipmentState'Shipped'
        #   or ...) and ActualShipDate ge 2026-11-29T15:30:00Z (erp-apis.md §A.3 enum literals, §A.4 "Shipments")
        """
        condition = "(" + " or ".join(f"Objstate eq {enum(SHIPMENT_STATE, s)}" for s in states) + ")"
        if since:
            condition += f" and ActualShipDate ge {since}"
        return self._collection("ShipmentHandling.svc/ShipmentSet", what="read shipped shipments", filter=condition,
                                select=select, orderby="ActualShipDate,ShipmentId")

    def lines_of_shipments(self, shipment_ids):
        """# Reference: GET ShipmentHandling.svc/ShipmentLineSet?$filter=(ShipmentId eq 19 or ...) (erp-apis.md §A.4)"""
        return self._chunked("ShipmentHandling.svc/ShipmentLineSet", "ShipmentId", [int(i) for i in shipment_ids],
                             what="read shipment lines", orderby="ShipmentId,ShipmentLineNo",
                             select="ShipmentId,ShipmentLineNo,SourceRefType,SourceRef1,SourceRef2,SourceRef3,"
                                    "SourceRef4,InventoryPartNo,InventoryQty")

    def orders_by_no(self, order_nos):
        """# Reference: GET CustomerOrderHandling.svc/CustomerOrderSet?$filter=(OrderNo eq 'C1' or ...) (erp-apis.md §A.4)"""
        return self._chunked(ORDERS, "OrderNo", order_nos, what="read customer orders",
                             select="OrderNo,CustomerPoNo,Contract,Objstate")

    def lines_of_orders(self, order_nos):
        """# Reference: GET CustomerOrderHandling.svc/CustomerOrderLineSet?$filter=(OrderNo eq 'C1' or ...)
        #   (erp-apis.md §A.4 "Read orders/lines"; CustomerPoLineNo UNCONFIRMED, see SETUP.md §5)"""
        return self._chunked("CustomerOrderHandling.svc/CustomerOrderLineSet", "OrderNo", order_nos,
                             what="read customer order lines",
                             select="OrderNo,LineNo,RelNo,LineItemNo,CatalogNo,PartNo,CustomerPoLineNo")

    def changed_order_lines(self, states, *, field, since=None):
        """Order lines in `states` whose `field` (a change date) is at/after `since`.

        # Reference: GET CustomerOrderHandling.svc/CustomerOrderLineSet?$filter=(Objstate eq
        #   IfsApp.CustomerOrderHandling.CustomerOrderLineState'Cancelled' or ...) and Rowversion ge ...
        #   (erp-apis.md §A.3, §A.4; the change-date property is UNCONFIRMED: IfsCloudConfig.line_changed_field)
        """
        condition = "(" + " or ".join(f"Objstate eq {enum(ORDER_LINE_STATE, s)}" for s in states) + ")"
        if since:
            condition += f" and {field} ge {since}"
        return self._collection(
            "CustomerOrderHandling.svc/CustomerOrderLineSet", what="read changed customer order lines",
            filter=condition, orderby=f"{field},OrderNo",
            select=f"OrderNo,LineNo,RelNo,LineItemNo,CatalogNo,BuyQtyDue,QtyShipped,Objstate,CustomerPoLineNo,{field}")

    def changed_sales_parts(self, site, *, field, since=None, select, page_size=None):
        """A site's sales parts whose `field` (a change date) is at/after `since`, oldest change first.

        # Reference: GET SalesPartHandling.svc/SalesPartSet?$filter=Contract eq 'S1' and Rowversion ge ...
        #   (erp-apis.md §A.4 "Sales parts"; the change-date and master-data property names are UNCONFIRMED:
        #   IfsCloudConfig.item_changed_field, item_fields)
        """
        condition = f"Contract eq {literal(site)}" + (f" and {field} ge {since}" if since else "")
        return self._collection("SalesPartHandling.svc/SalesPartSet", what="read changed sales parts",
                                filter=condition, select=select, orderby=f"{field},CatalogNo", page_size=page_size)


def order_path(order_no):
    return f"{ORDERS}{key(OrderNo=order_no)}"


def lines_path(order_no):
    return f"{order_path(order_no)}/OrderLinesArray"


def charges_path(order_no):
    return f"{order_path(order_no)}/CustomerOrderChargeArray"


def release_path(order_no):
    return f"{order_path(order_no)}/{RELEASE_ACTION}"
