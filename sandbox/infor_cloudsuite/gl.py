"""The GL interface rules of the FSM emulator: loading rows and running Interface Transactions.

Loading (CreateUnreleased) checks only structure: required fields, formats, lengths (RunGroup 30),
the unique row key. Business rules apply when a run group is interfaced, as in FSM: the accounting
entity, accounting unit (when given) and account must exist, the posting date must fall in a defined
period (current year +/- 1 on the sandbox clock, or the app's `open_years` setting) that is not closed
(the app's `closed_periods`, "YYYYMM"), and the run group's rows must balance to the cent. Rows with
their own error stay in error; if any row of the group is in error nothing is released (a partial
journal would be out of balance); an unbalanced group puts every row in error.
"""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max

from sandbox import catalog, clock
from sandbox.infor_cloudsuite.models import InterfaceRow, Journal

REQUIRED = ("FinanceEnterpriseGroup", "RunGroup", "SequenceNumber", "AccountingEntity", "AccountCode",
            "PostingDate", "TransactionAmount")
RUN_GROUP_MAX = 30
PREFIX = "GLTransactionInterface."  # FSM's qualified names for the key fields (sample record)


class RowError(Exception):
    pass


def accounts():
    return {code for code, _ in catalog.GL_ACCOUNTS.values()}


def accounting_units():
    """The demo entity's accounting units: the catalog's cost centres (the demo GL rules use them)."""
    return dict(catalog.COST_CENTERS)


def _date(fields, name, required=True):
    value = str(fields.get(name, "") or "")
    if not value and not required:
        return ""
    try:
        datetime.strptime(value, "%Y%m%d")
    except ValueError:
        raise RowError(f"{name} {value or '(blank)'} is not a valid date (YYYYMMDD)") from None
    return value


def normalise(raw):
    """Accept both `RunGroup` and `GLTransactionInterface.RunGroup` spellings."""
    return {(k[len(PREFIX):] if k.startswith(PREFIX) else k): v for k, v in raw.items()}


def create(tenant, raw):
    """Load one row; raises RowError with FSM-style text when the row cannot be stored."""
    fields = normalise(raw)
    missing = [name for name in REQUIRED if str(fields.get(name, "") or "").strip() == ""]
    if missing:
        raise RowError(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} required")
    try:
        amount = Decimal(str(fields["TransactionAmount"]))
        sequence = int(str(fields["SequenceNumber"]))
    except (InvalidOperation, ValueError):
        raise RowError("TransactionAmount and SequenceNumber must be numbers") from None
    if amount != amount.quantize(Decimal("0.01")):
        raise RowError(f"TransactionAmount {amount} has more than 2 decimals")
    key = {"tenant": tenant, "finance_enterprise_group": str(fields["FinanceEnterpriseGroup"]),
           "run_group": str(fields["RunGroup"]), "sequence": sequence}
    posting_date, transaction_date = _date(fields, "PostingDate"), _date(fields, "TransactionDate", required=False)
    if len(str(fields["RunGroup"])) > RUN_GROUP_MAX:
        raise RowError(f"RunGroup is longer than {RUN_GROUP_MAX} characters")
    for name in ("Description", "Reference"):
        if len(str(fields.get(name, "") or "")) > 60:
            raise RowError(f"{name} is longer than 60 characters")
    with transaction.atomic():
        if InterfaceRow.objects.select_for_update().filter(**key).exists():
            raise RowError(f"GLTransactionInterface already exists for RunGroup {key['run_group']} "
                           f"SequenceNumber {sequence}")
        return InterfaceRow.objects.create(
            **key, accounting_entity=str(fields["AccountingEntity"]), account_code=str(fields["AccountCode"]),
            to_accounting_entity=str(fields.get("ToAccountingEntity", "") or ""),
            accounting_unit=str(fields.get("AccountingUnit", "") or ""),
            dimensions={k: str(v) for k, v in fields.items() if re.fullmatch(r"FinanceDimension\d+", k)},
            ledger_event=str(fields.get("GeneralLedgerEvent", "") or ""), system=str(fields.get("System", "") or ""),
            posting_date=posting_date, transaction_date=transaction_date, amount=amount,
            description=str(fields.get("Description", "") or ""), reference=str(fields.get("Reference", "") or ""),
            created_at=clock.now(),
        )


def open_years(settings):
    years = settings.get("open_years")
    if years:
        return {int(y) for y in years}
    year = clock.now().year
    return {year - 1, year, year + 1}


def closed_periods(settings):
    return {str(p) for p in settings.get("closed_periods") or ()}


def _row_error(row, years, closed):
    if row.accounting_entity != catalog.ACCOUNTING_ENTITY:
        return f"Accounting entity {row.accounting_entity} does not exist"
    if row.accounting_unit and row.accounting_unit not in accounting_units():
        return f"Accounting unit {row.accounting_unit} does not exist in accounting entity {row.accounting_entity}"
    if row.account_code not in accounts():
        return f"Account {row.account_code} does not exist"
    if int(row.posting_date[:4]) not in years:
        return f"No period found for Posting Date {row.posting_date}"
    if row.posting_date[:6] in closed:
        return (f"Period {row.posting_date[:4]}/{row.posting_date[4:6]} is closed for accounting entity "
                f"{row.accounting_entity}; Posting Date {row.posting_date} cannot be used")
    return ""


def release(tenant, feg, run_group, settings):
    """Interface Transactions for one run group -> (processed, in_error, [journal numbers])."""
    years, closed = open_years(settings), closed_periods(settings)
    with transaction.atomic():
        rows = list(InterfaceRow.objects.select_for_update().filter(
            tenant=tenant, finance_enterprise_group=feg, run_group=run_group,
        ).exclude(status=InterfaceRow.Status.RELEASED).order_by("sequence"))
        if not rows:
            return 0, 0, []
        errors = {row.pk: _row_error(row, years, closed) for row in rows}
        if any(errors.values()):
            for row in rows:
                row.status = InterfaceRow.Status.ERROR if errors[row.pk] else InterfaceRow.Status.UNRELEASED
                row.error_message = errors[row.pk]
        elif sum(row.amount for row in rows) != 0:
            for row in rows:
                row.status, row.error_message = InterfaceRow.Status.ERROR, "Journal is out of balance"
        else:
            number = (Journal.objects.filter(tenant=tenant, finance_enterprise_group=feg)
                      .aggregate(m=Max("number"))["m"] or 0) + 1
            journal = Journal.objects.create(tenant=tenant, finance_enterprise_group=feg, number=number,
                                             accounting_entity=rows[0].accounting_entity, run_group=run_group,
                                             posting_date=rows[0].posting_date, released_at=clock.now())
            for row in rows:
                row.status, row.error_message, row.journal = InterfaceRow.Status.RELEASED, "", journal
        for row in rows:
            row.save(update_fields=["status", "error_message", "journal"])
    in_error = sum(1 for row in rows if row.status == InterfaceRow.Status.ERROR)
    released = sorted({row.journal.number for row in rows if row.journal_id})
    return len(rows), in_error, released
