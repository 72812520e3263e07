"""PeopleSoft Integration Broker REST calls: Query Access Services reads and PO receipts.

Returns typed rows; never touches the ORM (style rule 4). Every call goes through connectors.http.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import quote, urlencode

from connectors import http
from connectors.errors import AmbiguousOutcome, ConfigError, PermanentError

EARLIEST = date(1900, 1, 1)  # the date prompt's value when the caller gives none
# Our reference travels in BILL_OF_LADING and EIP_TRANS_SRC_REF, both Char(30) on the receipt message
# (the emulator refuses longer values as PeopleSoft does): a longer reference cannot be found again.
REFERENCE_LENGTH = 30
# Up to this many items, inventory_balances asks per item; beyond, one paged scan of the business unit is cheaper.
PER_ITEM_LOOKUPS = 20


@dataclass(frozen=True)
class QueryRow:
    """One QAS row: `fields` by bare field name ("PO_ID"), `raw` with PeopleSoft's "<alias>.<FIELD>" keys.

    When two records of the query share a field name (A.BUSINESS_UNIT, B.BUSINESS_UNIT), the bare
    name holds the first one; the others stay reachable in `raw`.
    """

    number: int
    fields: dict
    raw: dict

    def __getitem__(self, name):
        try:
            return self.fields[name]
        except KeyError:
            # The tenant's query is set up without a column we rely on: a setup problem, not bad data.
            raise ConfigError(f"PeopleSoft query row has no column {name}: the query must select it") from None

    def get(self, name, default=None):
        return self.fields.get(name, default)


@dataclass(frozen=True)
class QueryResult:
    query: str
    rows: list


@dataclass(frozen=True)
class PoLine:
    """An open PO schedule: what a Walmart order line can be received against."""

    business_unit: str
    po_id: str
    line_nbr: int
    sched_nbr: int
    item: str
    vendor_id: str
    qty_po: Decimal
    qty_received: Decimal
    po_date: date | None
    status: str
    unit_of_measure: str
    shipto_setid: str
    shipto_id: str
    business_unit_in: str  # the inventory business unit the schedule is received into

    @property
    def open_qty(self):
        return self.qty_po - self.qty_received


@dataclass(frozen=True)
class InventoryBalance:
    business_unit: str
    item: str
    qty_onhand: Decimal
    qty_available: Decimal
    qty_reserved: Decimal


@dataclass(frozen=True)
class ReceiptLine:
    po_line: PoLine
    qty: Decimal


@dataclass(frozen=True)
class PoReceipt:
    """A receipt to load. `reference` is ours (Walmart purchaseOrderId + suffix): it goes into
    BILL_OF_LADING and EIP_TRANS_SRC_REF, which the receipts query searches."""

    reference: str
    lines: tuple
    carrier_id: str = ""


@dataclass(frozen=True)
class ReceiptRecord:
    business_unit: str
    receiver_id: str
    reference: str
    vendor_id: str = ""
    receipt_date: date | None = None
    lines: list = field(default_factory=list)  # dicts: po_id, line_nbr, sched_nbr, item, qty, unit_of_measure


def _decimal(value):
    if value in (None, ""):
        return Decimal("0")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise PermanentError(f"PeopleSoft returned {value!r} where a quantity was expected") from None


def _date(value):
    return date.fromisoformat(str(value)[:10]) if value else None


def _row(raw):
    fields = {}
    for key, value in raw.items():
        if key == "attr:rownumber":
            continue
        fields.setdefault(key.rsplit(".", 1)[-1], value)
    return QueryRow(number=int(raw.get("attr:rownumber") or 0), fields=fields, raw=raw)


def _po_line(row):
    return PoLine(
        business_unit=row["BUSINESS_UNIT"], po_id=row["PO_ID"], line_nbr=int(row["LINE_NBR"]),
        sched_nbr=int(row.get("SCHED_NBR") or 1), item=row["INV_ITEM_ID"], vendor_id=row["VENDOR_ID"],
        qty_po=_decimal(row.get("QTY_PO")), qty_received=_decimal(row.get("QTY_RECEIVED")),
        po_date=_date(row.get("PO_DT")), status=row.get("PO_STATUS", ""), unit_of_measure=row.get("UNIT_OF_MEASURE", ""),
        shipto_setid=row.get("SHIPTO_SETID", ""), shipto_id=row.get("SHIPTO_ID", ""),
        business_unit_in=row.get("BUSINESS_UNIT_IN", ""),
    )


def _balance(row):
    return InventoryBalance(
        business_unit=row["BUSINESS_UNIT"], item=row["INV_ITEM_ID"], qty_onhand=_decimal(row.get("QTY_ONHAND")),
        qty_available=_decimal(row.get("QTY_AVAILABLE")), qty_reserved=_decimal(row.get("QTY_RESERVED")),
    )


class PeopleSoftClient:
    def __init__(self, connection):
        self.connection = connection
        self.config = connection.typed_config

    def _send(self, method, path, **kwargs):
        """http.send, with a 404 read as setup: PSIGW answers 404 only for a node, operation or query
        that is missing, inactive or unrouted (an empty result is a 200 with no rows)."""
        try:
            return http.send(self.connection, method, path, **kwargs)
        except PermanentError as exc:
            if exc.status != 404 or isinstance(exc, ConfigError):
                raise
            raise ConfigError(
                f"{exc.message} (check that node {self.config.node} exists and the service operation is active and routed)",
                status=404, vendor_code=exc.vendor_code,
            ) from None

    # --- Query Access Services ---------------------------------------------------------------

    def execute_query(self, query, prompts, maxrows):
        """Run a public PS Query synchronously; `prompts` maps unique prompt names to values.

        # Reference: PeopleTools 8.57 Reporting Web Services "Executing the Query" (QAS_EXECUTEQRY_REST_GET):
        # GET .../ExecuteQuery.v1/PUBLIC/<QUERY>/JSON/NONFILE?isconnectedquery=N&maxrows=N
        #     &prompt_uniquepromptname=A,B&prompt_fieldvalue=x,y&json_resp=true (erp-apis.md §D.3)
        """
        names, values = list(prompts), [str(v) for v in prompts.values()]
        if any("," in v for v in names + values):
            # QAS carries prompts as comma-separated lists: a comma inside a value cannot be sent.
            raise PermanentError(f"PeopleSoft query {query}: a prompt value contains a comma, which QAS cannot carry")
        params = {"isconnectedquery": "N", "maxrows": int(maxrows)}
        if names:
            params["prompt_uniquepromptname"] = ",".join(names)
            params["prompt_fieldvalue"] = ",".join(values)
        params["json_resp"] = "true"
        path = f"ExecuteQuery.v1/{quote(self.config.query_owner)}/{quote(query)}/JSON/NONFILE"
        # The commas must stay literal separators, so the query string is built here, not by requests.
        response = self._send("GET", f"{path}?{urlencode(params, safe=',')}", bucket="qas", what=f"query {query}")
        try:
            body = response.json()
        except ValueError:
            raise PermanentError(f"PeopleSoft query {query} answered without JSON (is json_resp supported?)") from None
        if not isinstance(body, dict) or body.get("status") != "success":
            message = body.get("message") if isinstance(body, dict) else None
            raise PermanentError(f"PeopleSoft query {query} failed: {message or body}")
        rows = ((body.get("data") or {}).get("query") or {}).get("rows") or []
        if isinstance(rows, dict):  # one row arrives as an object, not a list, in XML-derived JSON
            rows = [rows]
        return QueryResult(query=query, rows=[_row(raw) for raw in rows])

    def iter_query(self, query, prompts, *, window_prompt, window_column, start="", maxrows=None):
        """Every row of a query, in windows: QAS has only maxrows, so the query takes a prompt
        "<window_column> greater than" and is sorted by that column.

        A full page may cut the rows of its last key in two (a PO with several lines), so the last
        key's rows are dropped and the next window starts after the key before it.
        """
        size = maxrows or self.config.page_size
        after = start
        while True:
            rows = self.execute_query(query, {**prompts, window_prompt: after}, size).rows
            keys = [row[window_column] for row in rows]
            if keys != sorted(keys) or (keys and after and keys[0] <= after):
                raise ConfigError(f"PeopleSoft query {query} must return rows sorted by {window_column} "
                                  f"and only those after prompt {window_prompt}")
            if len(rows) < size:
                yield from rows
                return
            complete = [row for row in rows if row[window_column] != keys[-1]]
            if not complete:
                raise ConfigError(f"PeopleSoft query {query}: more than {size} rows share {window_column} "
                                  f"{keys[-1]}; raise page_size")
            yield from complete
            after = complete[-1][window_column]

    # --- purchase orders ------------------------------------------------------------------------

    def open_po_lines(self, item, vendor, date_from=None, business_unit=""):
        """Open PO schedules of `item` from `vendor` in `business_unit` (else the configured one, else any).

        # Reference: erp-apis.md §D.3 (PO_HDR/PO_LINE/PO_LINE_SHIP through a QAS query)
        """
        q = self.config.po_query
        prompts = {
            q.business_unit_prompt: business_unit or self.config.business_unit or "%",
            q.item_prompt: item,
            q.vendor_prompt: vendor,
            q.date_from_prompt: (date_from or EARLIEST).isoformat(),
        }
        lines = [_po_line(row) for row in self.iter_query(q.name, prompts, window_prompt=q.after_prompt,
                                                           window_column="PO_ID")]
        # The criteria are LIKE (so '%' can mean "any"); '_' in an item id would match any character.
        return [line for line in lines if line.item == item and line.vendor_id == vendor and line.open_qty > 0]

    def receipt_request(self, receipt):
        """The exact request create_po_receipt sends for `receipt`: (operation path, JSON body).

        Kept apart from the send so that a dry run shows byte for byte what a post would load.
        """
        if not receipt.lines:
            raise PermanentError(f"PeopleSoft receipt {receipt.reference} has no lines")
        if len(receipt.reference) > REFERENCE_LENGTH:
            raise PermanentError(f"PeopleSoft receipt reference {receipt.reference} is longer than the "
                                 f"{REFERENCE_LENGTH} characters of BILL_OF_LADING / EIP_TRANS_SRC_REF")
        first = receipt.lines[0].po_line
        if any((l.po_line.business_unit, l.po_line.vendor_id) != (first.business_unit, first.vendor_id)
               for l in receipt.lines):
            raise PermanentError(f"PeopleSoft receipt {receipt.reference}: one receipt takes one business unit and vendor")
        header = {
            "EIP_TRANS_SRC": self.config.transaction_source, "EIP_TRANS_SRC_REF": receipt.reference,
            "EIP_TRANS_SRC_SEQ": 1, "TRANSACTION_CODE": "0104", "SHIPTO_SETID": first.shipto_setid,
            "SHIPTO_ID": first.shipto_id, "VENDOR_ID": first.vendor_id,
            "CARRIER_ID": receipt.carrier_id or self.config.carrier_id, "BILL_OF_LADING": receipt.reference,
            "RECEIVER_ID": "NEXT", "BUSINESS_UNIT": first.business_unit, "END_TRANS_FLAG": "Y",
        }
        details = [{
            "EIP_TRANS_SRC_SEQ": 1, "TRANSACTION_CODE": "0104", "UNIT_OF_MEASURE": line.po_line.unit_of_measure,
            "RECEIVER_ID": "NEXT", "RECV_LN_NBR": number, "QTY": str(line.qty), "SCHED_NBR": line.po_line.sched_nbr,
            "BUSINESS_UNIT_PO": line.po_line.business_unit, "PO_ID": line.po_line.po_id, "LINE_NBR": line.po_line.line_nbr,
        } for number, line in enumerate(receipt.lines, start=1)]
        return self.config.receipt_operation, {"BCT_C_PO_RC_EVW": {**header, "BCT_D_PO_RC_EVW": details}}

    def create_po_receipt(self, receipt):
        """Load a receipt against PO schedules (TRANSACTION_CODE 0104: load PO schedule).

        # Reference: eSettlements 9.2 "Formatting Incoming Receipt Files", message PURCHASE_ORDER_RECEIPT,
        # records BCT_C_PO_RC_EVW / BCT_D_PO_RC_EVW (erp-samples/peoplesoft/po_receipt_message_required_fields.json),
        # POST .../RESTListeningConnector/<node>/<receipt_operation>
        """
        operation, body = self.receipt_request(receipt)
        first = receipt.lines[0].po_line
        details = body["BCT_C_PO_RC_EVW"]["BCT_D_PO_RC_EVW"]
        response = self._send("POST", operation, ok=(200, 201), bucket="receipts", what="create PO receipt", json=body)
        try:
            data = response.json().get("data") or {}
        except (ValueError, AttributeError):
            data = {}
        if not data.get("RECEIVER_ID"):
            # Accepted, but we cannot tell which receiver it made: reconcile by reference, never resend.
            raise AmbiguousOutcome(f"PeopleSoft accepted receipt {receipt.reference} but returned no RECEIVER_ID; "
                                   "look it up by reference before any retry")
        return ReceiptRecord(
            business_unit=data.get("BUSINESS_UNIT", first.business_unit), receiver_id=data["RECEIVER_ID"],
            reference=receipt.reference, vendor_id=first.vendor_id, receipt_date=_date(data.get("RECEIPT_DT")),
            lines=[{"po_id": d["PO_ID"], "line_nbr": d["LINE_NBR"], "sched_nbr": d["SCHED_NBR"],
                    "item": line.po_line.item, "qty": line.qty, "unit_of_measure": d["UNIT_OF_MEASURE"]}
                   for d, line in zip(details, receipt.lines)],
        )

    def find_receipts(self, reference):
        """Receipts whose BILL_OF_LADING is our reference or starts with it (an order split over several
        receivers carries "<reference>-k/n"), one record per receiver, in one query.

        The query's criterion is `A.BILL_OF_LADING LIKE :REFERENCE`. PS Query adds no wildcard to a LIKE
        prompt by itself, so the value is sent as "<reference>%": one call answers both the single form
        and every part of the split form. The pattern also lets neighbours through ("<reference>0...",
        and '_' matches any character), so the caller keeps only the forms it recognises; a reference
        with a '%' of its own would widen the search the same way and is filtered the same way.

        # Reference: erp-apis.md §D.3 (RECV_HDR / RECV_LN_SHIP through a QAS query)
        """
        q = self.config.receipt_query
        # BILL_OF_LADING is required of every row (QueryRow raises ConfigError without it): which form a
        # receipt carries decides whether the order is complete, so it cannot be assumed.
        rows = self.execute_query(q.name, {q.reference_prompt: f"{reference}%"}, self.config.page_size).rows
        receipts = {}
        for row in rows:
            key = (row["BUSINESS_UNIT"], row["RECEIVER_ID"])
            if key not in receipts:
                receipts[key] = ReceiptRecord(
                    business_unit=key[0], receiver_id=key[1], reference=row["BILL_OF_LADING"],
                    vendor_id=row.get("VENDOR_ID", ""), receipt_date=_date(row.get("RECEIPT_DT")),
                )
            if row.get("PO_ID"):
                receipts[key].lines.append({
                    "po_id": row["PO_ID"], "line_nbr": int(row.get("LINE_NBR") or 0),
                    "sched_nbr": int(row.get("SCHED_NBR") or 0), "item": row.get("INV_ITEM_ID", ""),
                    "qty": _decimal(row.get("QTY_SH_RECVD")), "unit_of_measure": row.get("UNIT_OF_MEASURE", ""),
                })
        return [r for r in receipts.values() if r.reference.startswith(reference)]

    # --- inventory ----------------------------------------------------------------------------

    def inventory_balances(self, business_unit, items=None):
        """On hand, available and reserved per item in an inventory business unit (BU_ITEMS_INV).

        # Reference: FSCM 9.2 Inventory "Providing Inventory Balances to Third-Party Systems" (BU_ITEMS_INV),
        # read through a QAS query (erp-apis.md §D.3)
        """
        q = self.config.inventory_query
        wanted = set(items) if items is not None else None
        lookups = sorted(wanted) if wanted is not None and len(wanted) <= PER_ITEM_LOOKUPS else ["%"]
        balances = []
        for item in lookups:
            prompts = {q.business_unit_prompt: business_unit, q.item_prompt: item}
            for row in self.iter_query(q.name, prompts, window_prompt=q.after_prompt, window_column="INV_ITEM_ID"):
                balance = _balance(row)
                if wanted is None or balance.item in wanted:
                    balances.append(balance)
        return balances

    def balance_rows(self, business_unit, *, page_size=None):
        """(INV_ITEM_ID, QTY_AVAILABLE as PeopleSoft sent it) of every item in an inventory business unit,
        `page_size` rows per call (windows of INV_ITEM_ID, as inventory_balances with the '%' item).

        # Reference: FSCM 9.2 Inventory "Providing Inventory Balances to Third-Party Systems" (BU_ITEMS_INV),
        # read through a QAS query (erp-apis.md §D.3)
        """
        q = self.config.inventory_query
        prompts = {q.business_unit_prompt: business_unit, q.item_prompt: "%"}
        for row in self.iter_query(q.name, prompts, window_prompt=q.after_prompt, window_column="INV_ITEM_ID",
                                   maxrows=page_size):
            yield row["INV_ITEM_ID"], row.get("QTY_AVAILABLE")

    # --- master data ----------------------------------------------------------------------------

    def lookup_codes(self, query, codes):
        """{code: label} for the `codes` a master-data query (config.LookupQuery) knows.

        # Reference: erp-apis.md §D.3 (VENDOR / MASTER_ITEM_TBL / BUS_UNIT_TBL_IN through a QAS query)
        """
        wanted = set(codes)
        # Few codes: one exact prompt each. Many: one unfiltered read (maxrows 0 = every row) is cheaper.
        prompts = sorted(wanted) if len(wanted) <= PER_ITEM_LOOKUPS else ["%"]
        found = {}
        for prompt in prompts:
            for row in self.execute_query(query.name, {query.prompt: prompt},
                                          0 if prompt == "%" else self.config.page_size).rows:
                code = row[query.code_column]
                if code in wanted:  # LIKE: '_' in a code matches any character, so compare exactly
                    found[code] = row.get(query.label_column) or ""
        return found

