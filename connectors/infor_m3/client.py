"""Infor M3 MI transactions over m3api-rest v2 (reference/erp-apis.md C.1, C.2). Never touches the ORM.

Single transaction: GET {api}/M3/m3api-rest/v2/execute/{PROGRAM}/{TRANSACTION};cono=..;divi=..;maxrecs=..;returncols=..?FIELD=value
Bulk: POST {api}/M3/m3api-rest/v2/execute with {"program", "cono", "divi", "transactions": [...]}.

v2 answers `{"results": [{"transaction", "records", "errorMessage", "errorCode", "errorField",
"errorType"}], "wasTerminated", "nrOfSuccessfullTransactions" [sic], "nrOfFailedTransactions"}` and
sends HTTP 400 with that same body when a transaction fails: a 400 with a v2 body is the ERP refusing
the data (PermanentError with M3's message and field), not a transport problem.

Reads go by GET (idempotent: a lost answer is simply retried). Every transaction that changes data
goes through `bulk()`, a POST, so that a lost answer is an AmbiguousOutcome and never a blind retry.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from connectors import http
from connectors.errors import AmbiguousOutcome, PermanentError, RecoverableError

EXECUTE = "M3/m3api-rest/v2/execute"
# Transactions per bulk read. M3 documents no cap on a bulk request's transactions (UNCONFIRMED);
# this keeps one request's body and run time modest.
READS_PER_BULK = 200


class M3TransactionError(PermanentError):
    """M3 refused a transaction: `str()` is M3's message with the field, e.g.
    "Infor M3 OIS100MI/AddBatchLine: Item number ITM99999 does not exist (ITNO)"."""

    def __init__(self, program, result, *, status=400):
        self.program = program
        self.transaction = result.transaction
        self.field = result.error_field
        self.error_type = result.error_type
        self.m3_message = result.error_message
        where = f" ({result.error_field})" if result.error_field else ""
        super().__init__(f"Infor M3 {program}/{result.transaction}: {result.error_message}{where}",
                         status=status, vendor_code=result.error_code or result.error_type)


@dataclass
class M3Result:
    """The outcome of one transaction: its records (values trimmed), or M3's error."""

    transaction: str
    records: list = field(default_factory=list)
    error_message: str = ""
    error_code: str = ""
    error_field: str = ""
    error_type: str = ""

    @property
    def ok(self):
        return not (self.error_message or self.error_type)

    @property
    def record(self):
        return self.records[0] if self.records else {}


@dataclass
class M3Response:
    program: str
    results: list
    succeeded: int
    failed: int
    terminated: bool = False
    termination_reason: str = ""

    @property
    def ok(self):
        return not self.terminated and self.failed == 0 and all(r.ok for r in self.results)

    def first_error(self):
        return next((r for r in self.results if not r.ok), None)

    def raise_for_errors(self):
        """Raise M3TransactionError for the first failed transaction (or the termination)."""
        failed = self.first_error()
        if failed is not None:
            raise M3TransactionError(self.program, failed)
        if self.terminated:
            raise PermanentError(f"Infor M3 {self.program}: request terminated: {self.termination_reason}", status=400)


def m3_value(value):
    """Our Python values as M3 text: Decimal with '.', dates yyyyMMdd, booleans 1/0 (C.1)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    return str(value)


def _record(raw):
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in (raw or {}).items()}


def parse(program, body):
    """A v2 body -> M3Response; None if `body` is not a v2 result (a gateway error page...)."""
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        return None
    results = [
        M3Result(
            transaction=r.get("transaction", ""),
            records=[_record(rec) for rec in r.get("records") or []],
            error_message=(r.get("errorMessage") or "").strip(),
            error_code=(r.get("errorCode") or "").strip(),
            error_field=(r.get("errorField") or "").strip(),
            error_type=(r.get("errorType") or "").strip(),
        )
        for r in body["results"] if isinstance(r, dict)
    ]
    return M3Response(
        program=program, results=results,
        succeeded=int(body.get("nrOfSuccessfullTransactions") or 0),
        failed=int(body.get("nrOfFailedTransactions") or 0),
        terminated=bool(body.get("wasTerminated")),
        termination_reason=(body.get("terminationReason") or "").strip(),
    )


class M3Client:
    def __init__(self, connection):
        self.connection = connection
        self.config = connection.typed_config

    def _matrix(self, *, company=True, maxrecs=None, returncols=None):
        params = []
        if company:
            params.append(f"cono={self.config.cono}")
            if self.config.divi:
                params.append(f"divi={quote(self.config.divi)}")
        if maxrecs is not None:
            params.append(f"maxrecs={int(maxrecs)}")
        if returncols:
            params.append("returncols=" + ",".join(returncols))
        return "".join(";" + p for p in params)

    def _answer(self, program, response, what):
        try:
            body = response.json()
        except ValueError:
            body = None
        parsed = parse(program, body)
        if parsed is None:
            if response.status_code != 200:
                raise http.classify(self.connection, response, what=what)
            raise PermanentError(f"Infor M3 {what}: the answer is not an m3api-rest v2 result", status=200)
        return parsed

    def call(self, program, transaction, record=None, *, returncols=None, maxrecs=None, company=True):
        """Run one read transaction and return its M3Result, raising M3TransactionError if M3 refused it.

        # Reference: https://github.com/infor-cloud/m3-h5-sdk (m3-odin mi/runtime.ts createUrl, parseMessageV2)
        """
        what = f"{program}/{transaction}"
        path = f"{EXECUTE}/{program}/{transaction}" + self._matrix(company=company, maxrecs=maxrecs, returncols=returncols)
        params = {k: m3_value(v) for k, v in (record or {}).items() if v is not None}
        response = http.send(self.connection, "GET", path, ok=(200, 400), params=params, what=what)
        answer = self._answer(program, response, what)
        answer.raise_for_errors()
        return answer.results[0] if answer.results else M3Result(transaction=transaction)

    def execute(self, program, transaction, record=None, *, returncols=None, maxrecs=None, company=True):
        """The records of one read transaction (values trimmed)."""
        return self.call(program, transaction, record, returncols=returncols, maxrecs=maxrecs, company=company).records

    def iterate(self, program, transaction, record=None, *, key, page_size=None, returncols=None):
        """Every record of a list transaction, page by page (M3 has no cursor, C.2).

        List transactions start at the key given in the input; the next page starts at the last
        key seen, whose record is skipped as it was already returned. `key` names the input and output
        field(s) that order the list (e.g. ("CUNO",) for CRS610MI/LstByNumber).
        """
        key = (key,) if isinstance(key, str) else tuple(key)
        # At least 2: a page restarts at the last key seen, so a page of 1 could never move on.
        page_size = max(2, page_size or self.config.page_size)
        if returncols:  # the key must come back, or the next page cannot start after it
            returncols = list(returncols) + [k for k in key if k not in returncols]
        record = dict(record or {})
        last = None
        while True:
            page = self.execute(program, transaction, record, returncols=returncols, maxrecs=page_size)
            fresh = page
            if last is not None:
                fresh = [r for r in page if tuple(r.get(k, "") for k in key) != last]
            yield from fresh
            if len(page) < page_size or not fresh:
                return
            last = tuple(page[-1].get(k, "") for k in key)
            record.update(dict(zip(key, last)))

    def bulk_body(self, program, transactions):
        """The JSON body of a bulk request (what `bulk` sends; previews show it without sending).

        # Reference: erp-samples/m3/v2_bulk_request_*.json (body keys used by several public clients)
        """
        body = {
            "program": program,
            "cono": self.config.cono,
            "excludeEmptyValues": False,
            "rightTrim": True,
            "maxReturnedRecords": 0,
            "transactions": [],
        }
        if self.config.divi:
            body["divi"] = self.config.divi
        for item in transactions:
            name, record, columns = (tuple(item) + (None,))[:3]
            entry = {"transaction": name, "record": {k: m3_value(v) for k, v in (record or {}).items() if v is not None}}
            if columns:
                entry["selectedColumns"] = list(columns)
            body["transactions"].append(entry)
        return body

    def items_by_alias(self, alias_numbers, category):
        """{alias number: [MMS025MI records (ITNO, POPN, ALWT, ALWQ...)]} for the items carrying each
        alias number in that alias category; a number no item carries maps to []. One bulk read of
        MMS025MI/LstItem per READS_PER_BULK numbers (a read: a lost answer is retried, not ambiguous).

        # Reference: MMS025MI "Alias numbers interface" LstItem (POPN required; ALWT optional), M3 API
        #   metadata in GaryWayneSmith/M3H5 M3H5Lib.Api/MMS025MIResource.cs; EAN as an item alias (POPN
        #   with ALWT/ALWQ), erp-apis.md C.3
        """
        numbers = list(dict.fromkeys(alias_numbers))
        found = {}
        for start in range(0, len(numbers), READS_PER_BULK):
            chunk = numbers[start:start + READS_PER_BULK]
            reads = [("LstItem", {"POPN": number, "ALWT": category}, ["ITNO", "POPN", "ALWT", "ALWQ"])
                     for number in chunk]
            try:
                answer = self.bulk("MMS025MI", reads)
            except AmbiguousOutcome as exc:
                raise RecoverableError(f"Infor M3 MMS025MI/LstItem: no answer ({exc}); a read, safe to retry") from exc
            if len(answer.results) != len(chunk):
                answer.raise_for_errors()
                raise PermanentError(f"Infor M3 MMS025MI: {len(answer.results)} answers for {len(chunk)} alias numbers",
                                     status=200)
            for number, result in zip(chunk, answer.results):
                if not result.ok and result.error_field != "POPN":  # an unknown alias number is simply no item
                    raise M3TransactionError("MMS025MI", result)
                found[number] = [r for r in result.records if r.get("ITNO")] if result.ok else []
        return found

    def bulk_reads(self, program, reads):
        """The M3Result of each read transaction, in order, READS_PER_BULK per bulk request. A lost
        answer is retried by the caller (RecoverableError: a read changes nothing); per-transaction
        errors are left on the results for the caller to judge.

        # Reference: m3api-rest v2 bulk execute, POST /M3/m3api-rest/v2/execute (erp-apis.md C.1)
        """
        results = []
        for start in range(0, len(reads), READS_PER_BULK):
            chunk = reads[start:start + READS_PER_BULK]
            try:
                answer = self.bulk(program, chunk)
            except AmbiguousOutcome as exc:
                raise RecoverableError(f"Infor M3 {program}: no answer ({exc}); a read, safe to retry") from exc
            if len(answer.results) != len(chunk):
                answer.raise_for_errors()
                raise PermanentError(f"Infor M3 {program}: {len(answer.results)} answers for {len(chunk)} reads",
                                     status=200)
            results.extend(answer.results)
        return results

    def bulk(self, program, transactions):
        """Run several transactions of one program in order, in ONE request; returns the M3Response.

        `transactions`: [(transaction, record)] or [(transaction, record, returncols)]. Per-transaction
        errors do not raise here (the caller decides: `response.raise_for_errors()`).

        # Reference: m3api-rest v2 bulk execute, POST /M3/m3api-rest/v2/execute (erp-apis.md C.1)
        """
        body = self.bulk_body(program, transactions)
        what = f"{program} bulk ({', '.join(t['transaction'] for t in body['transactions'])})"
        response = http.send(self.connection, "POST", EXECUTE, ok=(200, 400), json=body, what=what)
        return self._answer(program, response, what)
