"""Infor FSM (Landmark REST) calls for the GL interface. Returns plain data; never touches the ORM.

Shapes (erp-apis.md B.4, [3p-weak], UNCONFIRMED against Infor's docs; the sandbox serves the same):
- create one row: POST {fsm}/classes/GLTransactionInterface/actions/CreateUnreleased, fields at top level
- create many:    POST .../actions/CreateUnreleased/batch with {"_records": [{"_fields": {...}}]}
  -> {"_records": [{"_status": "created" | "error", "_fields": {...}, "message": "..."}]}
- lists:          GET {fsm}/classes/<Class>/lists/_generic?<Field>=<value>&_limit=n[&_next=cursor]
  -> {"_records": [{"_fields": {...}}], "_next": "<cursor>" | absent on the last page}
Writes are POSTs, so a lost answer is an AmbiguousOutcome; the row key (FinanceEnterpriseGroup,
RunGroup, SequenceNumber) is unique, so a replayed create is refused rather than doubled.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from connectors import http

INTERFACE = "GLTransactionInterface"


@dataclass
class RecordResult:
    ok: bool
    fields: dict = field(default_factory=dict)
    message: str = ""


@dataclass
class ReleaseResult:
    run_group: str
    processed: int
    in_error: int
    journals: list = field(default_factory=list)  # journal entry numbers created


def fsm_value(value):
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f")
    return value


class FsmClient:
    def __init__(self, connection):
        self.connection = connection
        self.config = connection.typed_config

    def _url(self, path):
        return self.config.fsm(path)

    def create(self, fields):
        """Create one unreleased interface row; returns its fields as FSM stored them.

        # Reference: erp-apis.md B.4 — POST /api/classes/GLTransactionInterface/actions/CreateUnreleased
        """
        body = {k: fsm_value(v) for k, v in fields.items()}
        response = http.send(self.connection, "POST", self._url(f"classes/{INTERFACE}/actions/CreateUnreleased"),
                             json=body, what="create GL interface row")
        return response.json().get("_fields", {})

    def batch_request(self, records):
        """(path, body) of a batch create: what create_batch sends and preview_order shows."""
        body = {"_records": [{"_fields": {k: fsm_value(v) for k, v in r.items()}} for r in records]}
        return self._url(f"classes/{INTERFACE}/actions/CreateUnreleased/batch"), body

    def create_batch(self, records):
        """Create several rows in one call; one RecordResult per record, in order.

        # Reference: erp-apis.md B.4 — POST .../actions/CreateUnreleased/batch {"_records": [{"_fields": {...}}]}
        """
        path, body = self.batch_request(records)
        response = http.send(self.connection, "POST", path, json=body, what="create GL interface rows")
        return [RecordResult(ok=r.get("_status") == "created", fields=r.get("_fields") or {}, message=r.get("message", ""))
                for r in response.json().get("_records", [])]

    def release_request(self, run_group):
        """(path, body) of Interface Transactions for a run group."""
        body = {"FinanceEnterpriseGroup": self.config.finance_enterprise_group, "RunGroup": run_group}
        return self._url(f"classes/{INTERFACE}/actions/{self.config.release_action}"), body

    def release(self, run_group):
        """Run Interface Transactions for a run group: valid, balanced rows become a released journal.

        The action name is `config.release_action` (UNCONFIRMED, erp-apis.md B.4). Rows left in error
        are read back with `interface_rows(run_group)`.
        # Reference: docs.infor.com/ifsm/2023.x/.../ifsmledgerug/cmo1450797911946.html (Interface Transactions)
        """
        path, body = self.release_request(run_group)
        response = http.send(self.connection, "POST", path, json=body, what=f"release run group {run_group}")
        data = response.json()
        return ReleaseResult(run_group=run_group, processed=int(data.get("RecordsProcessed", 0)),
                             in_error=int(data.get("RecordsInError", 0)), journals=list(data.get("JournalEntries", [])))

    def list(self, cls, filters, *, what=None):
        """Every record of a generic list, following `_next` verbatim until the last page.

        # Reference: Landmark REST list convention (classes/<Class>/lists/_generic), UNCONFIRMED
        """
        params = {**filters, "_limit": self.config.page_size}
        while True:
            response = http.send(self.connection, "GET", self._url(f"classes/{cls}/lists/_generic"), params=params,
                                 what=what or f"list {cls}")
            data = response.json()
            for record in data.get("_records", []):
                yield record.get("_fields", {})
            cursor = data.get("_next")
            if not cursor:
                return
            params = {**filters, "_limit": self.config.page_size, "_next": cursor}

    def interface_rows(self, run_group=None, **filters):
        """Interface rows (with their status and error message) of a run group or matching filters.

        # Reference: Landmark REST list convention — GET classes/GLTransactionInterface/lists/_generic, UNCONFIRMED
        """
        filters = {"FinanceEnterpriseGroup": self.config.finance_enterprise_group, **filters}
        if run_group:
            filters["RunGroup"] = run_group
        return list(self.list(INTERFACE, filters, what="read GL interface rows"))

    def journal_lines(self, reference):
        """Released journal lines that carry our reference.

        # Reference: Landmark REST list convention — GET classes/GLTransactionDetail/lists/_generic, UNCONFIRMED
        """
        filters = {"FinanceEnterpriseGroup": self.config.finance_enterprise_group, self.config.reference_field: reference}
        return list(self.list("GLTransactionDetail", filters, what="read journal lines"))

    def accounting_entity(self):
        """The configured accounting entity of the finance enterprise group, or None.

        # Reference: Landmark REST list convention — GET classes/AccountingEntity/lists/_generic, UNCONFIRMED
        """
        rows = self.list("AccountingEntity", {"FinanceEnterpriseGroup": self.config.finance_enterprise_group,
                                              "AccountingEntity": self.config.accounting_entity},
                         what="read accounting entity")
        return next(iter(rows), None)

    def customer(self, customer):
        """A customer of the finance enterprise group, or None.

        # Reference: Landmark REST list convention — GET classes/Customer/lists/_generic, UNCONFIRMED
        """
        rows = self.list("Customer", {"FinanceEnterpriseGroup": self.config.finance_enterprise_group,
                                      "Customer": customer}, what="read customer")
        return next(iter(rows), None)

    def account(self, code):
        """The chart-of-accounts entry of an account code, or None.

        # Reference: Landmark REST list convention — GET classes/Account/lists/_generic, UNCONFIRMED
        """
        rows = self.list("Account", {"FinanceEnterpriseGroup": self.config.finance_enterprise_group, "Account": code},
                         what="read account")
        return next(iter(rows), None)

    def accounting_unit(self, unit):
        """An accounting unit of the configured accounting entity, or None.

        # Reference: Landmark REST list convention — GET classes/AccountingUnit/lists/_generic, UNCONFIRMED
        """
        rows = self.list("AccountingUnit", {"FinanceEnterpriseGroup": self.config.finance_enterprise_group,
                                            "AccountingEntity": self.config.accounting_entity,
                                            "AccountingUnit": unit}, what="read accounting unit")
        return next(iter(rows), None)
