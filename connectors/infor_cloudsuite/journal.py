"""An OrderPosting as GLTransactionInterface rows: one balanced journal per Walmart order.

Signs follow FSM: a positive TransactionAmount is a debit, a negative one a credit. One debit row
(the Walmart order total to the receivable account) and one credit row per order line and charge
type (revenue, shipping, fees, then the line's tax), each to the GL target the mapping rules
resolved for that charge type. Nothing here calls FSM; the adapter sends what this builds.
"""

import hashlib
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from connectors.errors import ConfigError, PermanentError

CENT = Decimal("0.01")
# UNCONFIRMED: FSM's RunGroup length. The one real record we have (erp-samples) uses 29 characters;
# 30 is the largest length every sample and the emulator accept.
RUN_GROUP_MAX = 30
# Description and Reference are 60 characters in the emulator (FSM's own limit is UNCONFIRMED).
TEXT_MAX = 60
UNMAPPED_GL = "unmapped_gl"  # review reason code (mappings.resolve) for a charge without a GL target


@dataclass(frozen=True)
class Row:
    """One interface row as we mean it, before FSM field names."""

    sequence: int
    accounting_entity: str
    accounting_unit: str
    account: str
    amount: Decimal  # + debit, - credit
    description: str


def run_group_for(prefix, reference):
    """Deterministic run group of a reference: `<prefix>-<reference>`, upper case as FSM keys are.

    When that is too long or holds characters other than letters, digits, `-` and `_`, the readable
    part is cut and a digest of the full reference is appended, so two references never share a group.
    """
    name = f"{prefix}-{reference}" if prefix else str(reference)
    if len(name) <= RUN_GROUP_MAX and re.fullmatch(r"[A-Z0-9_-]+", name):
        return name
    digest = hashlib.sha256(str(reference).encode()).hexdigest()[:8].upper()
    readable = re.sub(r"[^A-Z0-9_-]", "", name.upper())[: RUN_GROUP_MAX - len(digest) - 1]
    return f"{readable}-{digest}"


def posting_date(posting, zone):
    """The order date as FSM's YYYYMMDD, on the ledger's calendar."""
    moment = posting.order_date
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(zone))
    return moment.strftime("%Y%m%d")


def _cents(amount, what):
    amount = Decimal(amount)
    if amount != amount.quantize(CENT):
        raise PermanentError(f"{what}: amount {amount} is not in whole cents; FSM takes 2 decimals")
    return amount


def _text(purchase_order_id, what):
    # The order id comes first so a cut never loses it.
    return f"Walmart PO {purchase_order_id} {what}".strip()[:TEXT_MAX]


def _credit_row(cfg, posting, line, charge_type, amount, sequence):
    target = line.gl.get(charge_type)
    account = (target.account_code or target.gl_account) if target else ""
    if not account:
        raise PermanentError(
            f"Order {posting.purchase_order_id} line {line.line_number}: no GL account for {charge_type} "
            f"({amount}); add a GL rule for it", vendor_code=UNMAPPED_GL)
    return Row(sequence=sequence,
               accounting_entity=target.accounting_entity or cfg.accounting_entity,
               accounting_unit=target.accounting_unit or cfg.default_accounting_unit,
               account=account, amount=-amount,
               description=_text(posting.purchase_order_id, f"L{line.line_number} {charge_type}"))


def build_rows(cfg, posting):
    """The rows of one order, balanced to the cent against Walmart's order total, or PermanentError."""
    if not cfg.receivable_account:
        raise ConfigError("Infor CloudSuite: set receivable_account in the connection's config before posting orders")
    total = _cents(posting.order_total, f"Order {posting.purchase_order_id} total")
    credits = []
    for line in posting.lines:
        # Charges of one type on a line (Walmart may split them) post as one row per GL target.
        types = list(dict.fromkeys(c.charge_type for c in line.charges))
        for charge_type in types + ["TAX"]:
            amount = line.tax if charge_type == "TAX" else line.amount(charge_type)
            amount = _cents(amount, f"Order {posting.purchase_order_id} line {line.line_number} {charge_type}")
            if amount:
                credits.append((line, charge_type, amount))
    debit = Row(sequence=1, accounting_entity=cfg.accounting_entity,
                accounting_unit=cfg.receivable_accounting_unit or cfg.default_accounting_unit,
                account=cfg.receivable_account, amount=total,
                description=_text(posting.purchase_order_id, f"AR {posting.customer}"))
    rows = [debit] + [_credit_row(cfg, posting, line, charge_type, amount, n)
                      for n, (line, charge_type, amount) in enumerate(credits, start=2)]
    if not total:
        raise PermanentError(f"Order {posting.purchase_order_id} has a zero total: there is no journal to post")
    credited = -sum((row.amount for row in rows[1:]), Decimal("0"))
    if credited != total:
        raise PermanentError(
            f"Order {posting.purchase_order_id} does not balance: debit {total} (Walmart order total), "
            f"credits {credited} (lines' charges and tax); nothing was sent to FSM")
    return rows


def interface_fields(cfg, posting, rows, run_group):
    """FSM GLTransactionInterface fields of our rows (erp-apis.md B.4, erp-samples record)."""
    date = posting_date(posting, cfg.posting_timezone)
    return [{
        "FinanceEnterpriseGroup": cfg.finance_enterprise_group,
        "GLTransactionInterface.RunGroup": run_group,
        "GLTransactionInterface.SequenceNumber": row.sequence,
        "AccountingEntity": row.accounting_entity,
        # UNCONFIRMED field name; blank units are left out rather than sent empty.
        **({"AccountingUnit": row.accounting_unit} if row.accounting_unit else {}),
        "AccountCode": row.account,
        "GeneralLedgerEvent": cfg.ledger_event,
        "System": cfg.system_code,
        "PostingDate": date,
        "TransactionDate": date,
        "TransactionAmount": row.amount,
        "Description": row.description,
        cfg.reference_field: posting.reference,
    } for row in rows]


# --- daily summary mode (SETUP.md "Posting modes") ------------------------------------------
# The orders of one posting day share one run group, so each order gets its own block ("slot") of
# sequence numbers: slot * SLOT_ROWS + row (rows 1..SLOT_ROWS-1). The first slot tried is a digest
# of the reference, so a replay of the same order lands on the same keys and FSM's unique row key
# refuses it; a slot already held by another order is skipped to the next one (the adapter claims
# a slot by loading the order's first row alone, so two orders never share one).
SLOT_ROWS = 1000
# UNCONFIRMED: FSM's SequenceNumber size. SLOTS * SLOT_ROWS stays below 2**31 (the emulator's integer).
SLOTS = 2_000_000
SLOT_PROBES = 64  # slots tried before giving up; a day of 100,000 orders fills 5% of them
DAY_COUNT = re.compile(r"^Walmart PO \S+ (\d+) rows AR")


def day_key(day):
    """A posting day as FSM's YYYYMMDD, from a date, a datetime (its own date) or 'YYYYMMDD'/'YYYY-MM-DD'."""
    if hasattr(day, "strftime"):
        return day.strftime("%Y%m%d")
    text = str(day).replace("-", "")
    if not re.fullmatch(r"\d{8}", text):
        raise PermanentError(f"{day!r} is not a day (a date, or YYYYMMDD)")
    return text


def day_run_group(prefix, day, entity):
    """The run group of one posting day of one accounting entity: `<prefix>-<YYYYMMDD>-<entity>`.

    Config validation keeps it within RUN_GROUP_MAX; entities are FSM keys (letters and digits).
    """
    return f"{prefix}-{day_key(day)}-{entity}".upper()


def is_day_run_group(prefix, name):
    return bool(re.fullmatch(rf"{re.escape(prefix.upper())}-\d{{8}}-.+", str(name or "")))


def slots(reference):
    """The slots an order may take, in the order they are tried: the same for every attempt."""
    start = int(hashlib.sha256(str(reference).encode()).hexdigest(), 16) % SLOTS
    return [(start + n) % SLOTS for n in range(SLOT_PROBES)]


def slot_of(sequence):
    return int(sequence) // SLOT_ROWS


def day_rows(posting, rows, slot):
    """The order's rows renumbered into its slot. The first row (the debit, which claims the slot)
    says how many rows the order has, so find_document can tell a complete load from a partial one."""
    if len(rows) >= SLOT_ROWS:
        raise PermanentError(
            f"Order {posting.purchase_order_id} makes {len(rows)} GL rows; daily summary mode takes at most "
            f"{SLOT_ROWS - 1} per order. Post it with posting_mode per_order")
    base = slot * SLOT_ROWS
    first = replace(rows[0], description=_text(posting.purchase_order_id, f"{len(rows)} rows AR {posting.customer}"))
    return [replace(row, sequence=base + row.sequence) for row in [first, *rows[1:]]]


def expected_rows(description):
    """The row count the first row of a day slot announces, or None (cut or not ours)."""
    found = DAY_COUNT.match(str(description or ""))
    return int(found.group(1)) if found else None
