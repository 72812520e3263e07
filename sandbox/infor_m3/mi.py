"""The MI layer of the M3 emulator: transaction registry, mandatory fields, v2 result shape, views.

Mandatory fields are those flagged "(Required)" in M3's API metadata (erp-samples/m3/<PROGRAM>.txt,
extracted from GaryWayneSmith/M3H5). Message texts follow M3's style ("Item number X does not
exist"); error codes are illustrative (no public list), the error field is always set.

Matrix parameters `cono`, `divi`, `maxrecs` (0 = no limit; 100 when absent) and `returncols`
are honoured; output values are right-padded to their M3 length, as the real API sends them.
Within one bulk request, a transaction whose mandatory ORNO is blank uses the batch order that an
earlier AddBatchHead of the same request created, so a whole order (head, lines, Confirm) travels in
one call. UNCONFIRMED that M3 carries the number so; the connector can also send the head first
(M3Config.single_call_orders = False).

A failed single transaction answers HTTP 400 with the v2 body; a bulk request answers 200 when every
transaction succeeded and 400 with every result when any failed. Bulk transactions run in order,
each in its own database transaction: one failing does not undo the others (as in M3).
"""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction as db_transaction
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from sandbox import clock, ion
from sandbox.infor_m3.models import Counter

SYSTEM = "infor_m3"
DEFAULT_MAXRECS = 100
DEFAULT_CONO = 100
DEFAULT_DIVI = "AAA"

FIELD_NAMES = {
    "CUNO": "Customer number", "ITNO": "Item number", "ORNO": "Order number", "WHLO": "Warehouse",
    "ORTP": "Order type", "FACI": "Facility", "CUOR": "Customer's order number", "ORQT": "Ordered quantity",
    "SAPR": "Sales price", "CUTM": "Customer template", "CUNM": "Name", "CUA1": "Address line 1",
    "REPN": "Receiving number", "REQ0": "Notified quantity", "PRRF": "Price list", "CUCD": "Currency",
    "FVDT": "Valid from", "DLIX": "Delivery number", "CONN": "Shipment", "SQRY": "Search query",
    "ORDT": "Order date", "RLDT": "Requested delivery date", "DWDT": "Requested delivery date", "CONO": "Company",
    "PONR": "Order line number", "CRID": "Charge", "CRAM": "Charge amount", "ADRT": "Address type",
    "LMTS": "Timestamp", "FLMD": "From change date", "TLMD": "To change date",
    "ALWT": "Alias category", "ALWQ": "Alias qualifier", "POPN": "Alias number",
}
LENGTHS = {
    "CUNO": 10, "ITNO": 15, "ORNO": 10, "WHLO": 3, "ORTP": 3, "FACI": 3, "CUOR": 20, "YREF": 30, "CUNM": 36,
    "CUA1": 36, "CUA2": 36, "CUA3": 36, "CUA4": 36, "TOWN": 20, "PONO": 10, "CSCD": 3, "CUCD": 3, "DIVI": 3,
    "ITDS": 30, "STAT": 2, "ORST": 2, "ORSL": 2, "PRRF": 10, "CUTM": 10, "RSCD": 3, "MODL": 3, "ETRN": 40,
    "CRID": 10, "ADRT": 1, "PHNO": 16, "ECAR": 2, "ALWQ": 4,
}


class MIError(Exception):
    def __init__(self, message, field="", code="", error_type="ServerReturnedNOK", after=None):
        super().__init__(message)
        self.message, self.field, self.code, self.error_type = message, field, code, error_type
        # Runs after the transaction was rolled back: what M3 keeps of a failed call (batch errors).
        self.after = after


@dataclass
class Ctx:
    tenant: str
    account: object
    cono: int
    divi: str
    maxrecs: int = DEFAULT_MAXRECS
    # Keys a transaction hands to the next ones of the same bulk request (AddBatchHead's ORNO).
    carry: dict = field(default_factory=dict)
    # Reads a bulk request's transactions share (warehouse balances), filled on first use, and the
    # request's input records, so that first use can fetch for all of them at once.
    cache: dict = field(default_factory=dict)
    batch: list = field(default_factory=list)

    def batch_values(self, name):
        return {str(r.get(name, "")).strip() for r in self.batch if isinstance(r, dict)}

    def now(self):
        return clock.now()

    def today(self):
        return self.now().strftime("%Y%m%d")

    def next_number(self, name, start):
        """The next number of a series; the row lock keeps two concurrent calls apart."""
        with db_transaction.atomic():
            counter, _ = Counter.objects.select_for_update().get_or_create(
                tenant=self.tenant, name=name, defaults={"value": start - 1})
            counter.value += 1
            counter.save(update_fields=["value"])
        return counter.value


PROGRAMS = {}


def mi(program, name, required=(), read_only=False):
    """Register `handler(ctx, record) -> list of output records` as PROGRAM/TRANSACTION. A read_only
    handler runs without its own database transaction (a savepoint per read made a bulk of 1,000
    balance reads crawl)."""

    def register(handler):
        PROGRAMS.setdefault(program, {})[name] = (tuple(required), handler, read_only)
        return handler

    return register


# --- input helpers used by the programs ----------------------------------------------------

def not_found(field, value, code="WXX0103"):
    return MIError(f"{FIELD_NAMES.get(field, field)} {value} does not exist", field, code)


def decimal(record, field, *, default=None, positive=False):
    raw = record.get(field, "")
    if raw == "":
        if default is None:
            raise MIError(f"{FIELD_NAMES.get(field, field)} must be entered", field, "XRE0102")
        return default
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise MIError(f"{FIELD_NAMES.get(field, field)} {raw} is invalid", field, "XNU0101") from None
    if positive and value <= 0:
        raise MIError(f"{FIELD_NAMES.get(field, field)} must be greater than zero", field, "XRE0104")
    return value


def m3_date(record, field, default=""):
    raw = record.get(field, "") or default
    if raw and not (re.fullmatch(r"\d{8}", raw) and _is_date(raw)):
        raise MIError(f"{FIELD_NAMES.get(field, field)} {raw} is invalid", field, "XDA0101")
    return raw


def _is_date(raw):
    try:
        datetime.strptime(raw, "%Y%m%d")
        return True
    except ValueError:
        return False


def text(value):
    """Our stored values as M3 output text (Decimal without trailing zeros beyond the unit)."""
    if isinstance(value, Decimal):
        value = value.normalize()
        return format(value, "f")
    return "" if value is None else str(value)


# --- running transactions ------------------------------------------------------------------

def run(ctx, program, name, record, returncols=None):
    """One transaction -> a v2 result dict (records or error)."""
    result = {"transaction": name}
    try:
        required, handler, read_only = _lookup(program, name)
        record = {k.upper(): (v or "").strip() if isinstance(v, str) else ("" if v is None else str(v))
                  for k, v in (record or {}).items()}
        for key, value in ctx.carry.items():
            if key in required and not record.get(key):
                record[key] = value
        for key, value in record.items():
            if key in LENGTHS and len(value) > LENGTHS[key]:
                raise MIError(f"Input field {key} is too long (max {LENGTHS[key]})", key, "", "InputFieldTooLong")
        for key in required:
            if not record.get(key):
                raise MIError(f"{FIELD_NAMES.get(key, key)} must be entered", key, "XRE0102")
        if read_only:
            records = handler(ctx, record) or []
        else:
            with db_transaction.atomic():
                records = handler(ctx, record) or []
    except MIError as exc:
        if exc.after is not None:
            exc.after(exc)
        result.update(errorMessage=exc.message.ljust(120), errorType=exc.error_type, errorCode=exc.code,
                      errorField=exc.field, records=[])
        return result
    if ctx.maxrecs:
        records = records[:ctx.maxrecs]
    result["records"] = [_output(r, returncols) for r in records]
    return result


def _lookup(program, name):
    if program not in PROGRAMS:
        raise MIError(f"Program {program} does not exist", "", "", "ProgramNotFound")
    if name not in PROGRAMS[program]:
        raise MIError(f"Transaction {name} does not exist in {program}", "", "", "TransactionNotFound")
    return PROGRAMS[program][name]


def _output(record, returncols):
    out = {}
    for key, value in record.items():
        if returncols and key not in returncols:
            continue
        value = text(value)
        out[key] = value.ljust(LENGTHS[key]) if key in LENGTHS else value  # M3 pads to the field length
    return out


def _body(results, terminated=None):
    failed = sum(1 for r in results if "errorMessage" in r)
    body = {"results": results, "wasTerminated": bool(terminated),
            "nrOfSuccessfullTransactions": len(results) - failed, "nrOfFailedTransactions": failed}
    if terminated:
        body.update(terminationErrorType=terminated[0], terminationReason=terminated[1])
    return HttpResponse(json.dumps(body), status=400 if failed or terminated else 200, content_type="application/json")


def _company(account, cono, divi):
    """Ctx values for the call, or an MIError when the user may not work in that company."""
    companies = account.settings.get("companies") or [account.settings.get("cono", DEFAULT_CONO)]
    try:
        cono = int(cono) if str(cono or "").strip() else int(account.settings.get("cono", DEFAULT_CONO))
    except ValueError:
        raise MIError(f"Company {cono} is invalid", "CONO", "XAU0001") from None
    if cono not in [int(c) for c in companies]:
        raise MIError(f"Not authorized for company {cono}", "CONO", "XAU0008")
    return cono, divi or account.settings.get("divi", DEFAULT_DIVI)


def _matrix(segment):
    name, *params = segment.split(";")
    values = {}
    for param in params:
        key, _, value = param.partition("=")
        values[key.strip().lower()] = value.strip()
    return name, values


@ion.ion_api(SYSTEM)
@require_http_methods(["GET", "POST"])
def execute_one(request, account, tenant, program, transaction):
    """GET .../execute/{PROGRAM}/{TRANSACTION};matrix?FIELD=value (POST with a query string works too)."""
    program, _ = _matrix(program)
    name, matrix = _matrix(transaction)
    try:
        cono, divi = _company(account, matrix.get("cono"), matrix.get("divi"))
        maxrecs = int(matrix.get("maxrecs") or DEFAULT_MAXRECS)
    except MIError as exc:
        return _body([{"transaction": name, "errorMessage": exc.message, "errorType": exc.error_type,
                       "errorCode": exc.code, "errorField": exc.field, "records": []}])
    except ValueError:
        return _body([], terminated=("InvalidParameter", "maxrecs must be a number"))
    ctx = Ctx(tenant=tenant, account=account, cono=cono, divi=divi, maxrecs=maxrecs)
    returncols = [c.strip().upper() for c in matrix.get("returncols", "").split(",") if c.strip()]
    return _body([run(ctx, program.upper(), name, request.GET.dict(), returncols)])


@ion.ion_api(SYSTEM)
@require_http_methods(["POST"])
def execute_bulk(request, account, tenant):
    """POST .../execute with {"program", "cono", "divi", "maxReturnedRecords", "transactions": [...]}."""
    try:
        body = json.loads(request.body or b"{}")
        program = str(body["program"]).upper()
        transactions = body["transactions"]
        if not isinstance(transactions, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return _body([], terminated=("InvalidRequest", "The body must be JSON with program and transactions"))
    try:
        cono, divi = _company(account, body.get("cono"), body.get("divi"))
    except MIError as exc:
        return _body([], terminated=("ServerReturnedNOK", exc.message))
    try:
        maxrecs = int(body.get("maxReturnedRecords") or 0)
    except (TypeError, ValueError):
        return _body([], terminated=("InvalidRequest", "maxReturnedRecords must be a number"))
    ctx = Ctx(tenant=tenant, account=account, cono=cono, divi=divi, maxrecs=maxrecs,
              batch=[entry.get("record") for entry in transactions if isinstance(entry, dict)])
    results = []
    for entry in transactions:
        entry = entry if isinstance(entry, dict) else {}
        columns = [c.upper() for c in entry.get("selectedColumns") or []]
        results.append(run(ctx, program, str(entry.get("transaction", "")), entry.get("record") or {}, columns))
    return _body(results)
