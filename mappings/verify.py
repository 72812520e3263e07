"""Verify mapping rows against the ERP: one batched lookup per kind of code, per integration.

Adapter contract (the ERP adapters implement it; `connectors.contract` owns the docstring):

    adapter.lookup(kind, codes) -> {code: (exists: bool, message: str)}

with kind one of LOOKUP_KINDS and codes a list of distinct, trimmed codes. The adapter raises
only the typed errors of `connectors.errors`. Outcomes per row:

- every code it carries exists → `verified` (with the ERP's message, if any);
- a code does not exist → `invalid`, with the ERP's message, so staff see why;
- the ERP could not answer (RecoverableError, AmbiguousOutcome, or any other typed error, or
  no answer for that code) → the row keeps its state. An outage never marks a mapping invalid:
  that would block every order using it for a reason that has nothing to do with the mapping.
"""

from collections import defaultdict

import pydantic

from django.utils import timezone

from audit.log import record
from connectors import registry
from connectors.errors import ConnectorError
from mappings.models import VerifyState

LOOKUP_KINDS = ("item", "warehouse", "gl_account", "accounting_unit", "cost_center", "customer", "supplier")

# mapping kind -> [(lookup kind, field)]: the codes of a row the ERP can confirm.
CODES = {
    "sku": [("item", "erp_item")],
    # PeopleSoft answers `warehouse` with its inventory business units (BUS_UNIT_TBL_IN).
    "shipnode": [("warehouse", "warehouse")],
    "gl": [("gl_account", "gl_account"), ("gl_account", "account_code"), ("accounting_unit", "accounting_unit"),
           ("cost_center", "cost_center")],
    "customer": [("customer", "erp_customer")],
    # Only the vendor: a supplier row's business_unit is a purchasing unit, which no lookup kind covers
    # (PeopleSoft's `warehouse` answers inventory units; asking it would mark good rows invalid).
    "supplier": [("supplier", "vendor_id")],
    "carrier": [],  # ship-via codes are free text in the ERPs we support: nothing to look up
}

# Where an ERP posts with only some of a kind's columns, ask it about those only: a column it
# ignores (an Exact cost center typed on a CloudSuite rule) would otherwise get no answer and keep
# the whole row unverified for ever.
SYSTEM_CODES = {
    ("gl", "infor_cloudsuite"): [("gl_account", "account_code"), ("accounting_unit", "accounting_unit")],
    ("gl", "exact_online"): [("gl_account", "gl_account"), ("cost_center", "cost_center")],
}


def codes_for(kind, system):
    """[(lookup kind, field)] that the integration's ERP is asked about for a row of this mapping kind."""
    return SYSTEM_CODES.get((kind, system), CODES[kind])


def adapter_for(integration):
    """The integration's ERP adapter (connectors.registry), built once per verification."""
    return registry.adapter(integration.erp)


def verify_rows(rows, *, user=None, adapter_factory=adapter_for):
    """Verify mapping rows (any iterable of one model). Returns {"verified", "invalid", "unverified", "errors"}."""
    summary = {"verified": 0, "invalid": 0, "unverified": 0, "errors": []}
    by_integration = defaultdict(list)
    for row in rows:
        by_integration[row.integration_id].append(row)
    for group in by_integration.values():
        _verify_group(group, adapter_factory, user, summary)
    return summary


def _verify_group(rows, adapter_factory, user, summary):
    kind = rows[0].KIND
    integration = rows[0].integration
    try:
        adapter = adapter_factory(integration)
    except ConnectorError as exc:
        adapter, setup_problem = None, str(exc)
    except pydantic.ValidationError as exc:
        adapter, setup_problem = None, f"the {integration.erp} connection's settings are incomplete ({exc.error_count()} problems)"
    else:
        setup_problem = "" if hasattr(adapter, "lookup") else (
            f"the {registry.label(integration.erp_system)} adapter cannot look codes up yet")
    code_fields = codes_for(kind, integration.erp_system)
    wanted = defaultdict(set)
    for row in rows:
        for lookup_kind, field in code_fields:
            code = (getattr(row, field) or "").strip()
            if code:
                wanted[lookup_kind].add(code)
    answers, failures = {}, [setup_problem] if setup_problem and wanted else []
    for lookup_kind, codes in (wanted.items() if not setup_problem else ()):
        try:
            reply = adapter.lookup(lookup_kind, sorted(codes))
        except ConnectorError as exc:
            failures.append(f"{lookup_kind}: {exc}")
            continue
        except NotImplementedError:
            failures.append(f"{lookup_kind}: the {registry.label(integration.erp_system)} adapter cannot look these up yet")
            continue
        answers[lookup_kind] = {str(code).strip(): answer for code, answer in reply.items()}
    now = timezone.now()
    changed = []
    counts = {"verified": 0, "invalid": 0, "unverified": 0}
    for row in rows:
        outcome = _outcome(row, code_fields, answers)
        if outcome is None:
            counts["unverified"] += 1
            continue
        row.verify_state, row.verify_message = outcome
        row.verified_at = now
        changed.append(row)
        counts[row.verify_state] += 1
    if changed:
        type(rows[0]).objects.bulk_update(changed, ["verify_state", "verify_message", "verified_at"], batch_size=500)
    for key in counts:
        summary[key] += counts[key]
    summary["errors"] += failures
    record(
        "mapping.verify.completed", user=user, connection=integration.erp, object_type=f"mapping.{kind}",
        object_id=integration.slug, ok=not failures,
        message=f"{kind} verify: {counts['verified']} verified, {counts['invalid']} invalid, "
                f"{counts['unverified']} not checked" + (f"; ERP unavailable: {'; '.join(failures)}" if failures else ""),
        data={"kind": kind, "counts": counts, "rows": len(rows), "failures": failures},
    )


def _outcome(row, code_fields, answers):
    """(state, message) for one row, or None when the ERP did not answer for one of its codes."""
    problems, notes = [], []
    fields = [(lookup_kind, field, (getattr(row, field) or "").strip()) for lookup_kind, field in code_fields]
    fields = [entry for entry in fields if entry[2]]
    if not fields:
        return None
    for lookup_kind, field, code in fields:
        answer = answers.get(lookup_kind, {}).get(code)
        if answer is None:
            return None
        exists, message = answer
        if not exists:
            problems.append(f"{field} {code}: {message or 'not found in the ERP'}")
        elif message:
            notes.append(message)
    if problems:
        return VerifyState.INVALID, "; ".join(problems)[:500]
    return VerifyState.VERIFIED, "; ".join(notes)[:500]
