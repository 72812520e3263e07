"""Landmark REST endpoints of the FSM emulator under /sandbox/infor_cloudsuite/<TENANT>/FSM/fsm/api/.

The shapes follow connectors/infor_cloudsuite/client.py (UNCONFIRMED against Infor's docs, see
erp-apis.md B.4). Lists page with `_limit` and an opaque `_next` cursor (the last key served), so
rows added while a client pages are neither skipped nor repeated.
"""

import base64
import binascii
import json

from django.http import JsonResponse
from django.views.decorators.http import require_http_methods

from sandbox import catalog, ion, shapes
from sandbox.infor_cloudsuite import gl
from sandbox.infor_cloudsuite.models import InterfaceRow

SYSTEM = "infor_cloudsuite"
RELEASE_ACTIONS = ("InterfaceTransactions",)
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000


def _json(request):
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def row_fields(row):
    return {
        "FinanceEnterpriseGroup": row.finance_enterprise_group, "RunGroup": row.run_group,
        "SequenceNumber": row.sequence, "AccountingEntity": row.accounting_entity,
        "ToAccountingEntity": row.to_accounting_entity, "AccountingUnit": row.accounting_unit,
        "AccountCode": row.account_code, **row.dimensions,
        "GeneralLedgerEvent": row.ledger_event, "System": row.system, "PostingDate": row.posting_date,
        "TransactionDate": row.transaction_date, "TransactionAmount": format(row.amount, "f"),
        "Description": row.description, "Reference": row.reference, "Status": row.status,
        "ErrorMessage": row.error_message, "JournalEntry": row.journal.number if row.journal_id else "",
    }


@ion.ion_api(SYSTEM)
@require_http_methods(["POST"])
def create_one(request, account, tenant):
    body = _json(request)
    if body is None:
        return shapes.infor_error(400, "The body must be a JSON object of GLTransactionInterface fields")
    try:
        row = gl.create(tenant, body)
    except gl.RowError as exc:
        return shapes.infor_error(400, str(exc))
    return JsonResponse({"_fields": row_fields(row), "message": "GLTransactionInterface created"})


@ion.ion_api(SYSTEM)
@require_http_methods(["POST"])
def create_batch(request, account, tenant):
    body = _json(request)
    records = body.get("_records") if body else None
    if not isinstance(records, list):
        return shapes.infor_error(400, 'The body must be {"_records": [{"_fields": {...}}]}')
    results = []
    for record in records:
        fields = record.get("_fields") if isinstance(record, dict) else None
        try:
            if not isinstance(fields, dict):
                raise gl.RowError("_fields is missing")
            row = gl.create(tenant, fields)
            results.append({"_status": "created", "_fields": row_fields(row), "message": ""})
        except gl.RowError as exc:
            results.append({"_status": "error", "_fields": fields or {}, "message": str(exc)})
    return JsonResponse({"_records": results})


@ion.ion_api(SYSTEM)
@require_http_methods(["POST"])
def action(request, account, tenant, name):
    if name not in RELEASE_ACTIONS:
        return shapes.infor_error(404, f"Action {name} not found on GLTransactionInterface")
    body = _json(request) or {}
    feg, run_group = str(body.get("FinanceEnterpriseGroup", "")), str(body.get("RunGroup", ""))
    if not feg or not run_group:
        return shapes.infor_error(400, "FinanceEnterpriseGroup and RunGroup are required")
    processed, in_error, journals = gl.release(tenant, feg, run_group, account.settings)
    return JsonResponse({"RunGroup": run_group, "RecordsProcessed": processed, "RecordsInError": in_error,
                         "JournalEntries": journals})


# --- lists ---------------------------------------------------------------------------------

def _interface(tenant, released_only=False):
    rows = InterfaceRow.objects.select_related("journal").filter(tenant=tenant).order_by("id")
    if released_only:
        rows = rows.filter(status=InterfaceRow.Status.RELEASED)
    return ((row.pk, row_fields(row)) for row in rows)


def _static(records):
    return enumerate(records, start=1)


def _records(cls, tenant):
    feg = catalog.FINANCE_ENTERPRISE_GROUP
    if cls == "GLTransactionInterface":
        return _interface(tenant)
    if cls == "GLTransactionDetail":  # released journal lines
        return _interface(tenant, released_only=True)
    if cls == "AccountingEntity":
        return _static([{"FinanceEnterpriseGroup": feg, "AccountingEntity": catalog.ACCOUNTING_ENTITY,
                         "Description": "Demo seller US"}])
    if cls == "Account":
        return _static([{"FinanceEnterpriseGroup": feg, "Account": code, "Description": name}
                        for code, name in sorted(catalog.GL_ACCOUNTS.values())])
    if cls == "AccountingUnit":
        return _static([{"FinanceEnterpriseGroup": feg, "AccountingEntity": catalog.ACCOUNTING_ENTITY,
                         "AccountingUnit": unit, "Description": name} for unit, name in sorted(gl.accounting_units().items())])
    if cls == "Customer":
        return _static([{"FinanceEnterpriseGroup": feg, "Customer": catalog.CUSTOMER_NO, "Name": catalog.CUSTOMER_NAME,
                         "CustomerGroup": "MKTPL", "Currency": "USD", "Active": True}])
    return None


def _cursor(value):
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def _after(cursor):
    try:
        return int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


@ion.ion_api(SYSTEM)
@require_http_methods(["GET"])
def generic_list(request, account, tenant, cls):
    records = _records(cls, tenant)
    if records is None:
        return shapes.infor_error(404, f"Business class {cls} not found")
    params = request.GET.dict()
    try:
        limit = min(MAX_LIMIT, max(1, int(params.pop("_limit", DEFAULT_LIMIT))))
    except ValueError:
        return shapes.infor_error(400, "_limit must be a number")
    after = 0
    if "_next" in params:
        after = _after(params.pop("_next"))
        if after is None:
            return shapes.infor_error(400, "_next is not a cursor this server issued")
    filters = {k: v for k, v in params.items() if not k.startswith("_")}
    page, more = [], False
    for key, fields in records:
        unknown = [name for name in filters if name not in fields]
        if unknown:
            return shapes.infor_error(400, f"{', '.join(unknown)} is not a field of {cls}")
        if key <= after or any(str(fields[name]) != value for name, value in filters.items()):
            continue
        if len(page) == limit:
            more = True
            break
        page.append((key, fields))
    body = {"_records": [{"_fields": fields} for _, fields in page]}
    if more:
        body["_next"] = _cursor(page[-1][0])
    return JsonResponse(body)
