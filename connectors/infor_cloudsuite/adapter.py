"""Infor CloudSuite Financials (FSM) adapter: revenue goes to the GL through GLTransactionInterface
run groups, one run group (one balanced journal) per Walmart order.

Musts (connectors.contract): every interface row we create carries our reference in
`config.reference_field` (and the Walmart order id in Description), so `find_document` can tell
whether an unanswered call took effect: first among released journal lines, then among interface rows
not yet released (complete=False). The run group name is derived from the reference, and FSM's row key
(FinanceEnterpriseGroup, RunGroup, SequenceNumber) is unique, so a replayed load is refused rather
than doubled. SETUP.md "Posting orders" has the whole story.
"""

from decimal import Decimal

from connectors.contract import ErpAdapter, ErpDocument, PingResult
from connectors.errors import PermanentError
from connectors.infor_cloudsuite import journal
from connectors.infor_cloudsuite.client import FsmClient

SEQUENCE = "GLTransactionInterface.SequenceNumber"
# Fields compared when a run group already holds rows for a reference (only those FSM echoes back).
COMPARED = ("AccountingEntity", "AccountingUnit", "AccountCode", "PostingDate")


class Adapter(ErpAdapter):
    capabilities = frozenset({"orders_in"})

    def __init__(self, connection):
        super().__init__(connection)
        self.client = FsmClient(connection)

    def ping(self):
        """Log in and read the configured accounting entity of the finance enterprise group."""
        cfg = self.config
        entity = self.client.accounting_entity()
        if entity is None:
            return PingResult(ok=False, summary=(
                f"token works, but accounting entity {cfg.accounting_entity} was not found in finance enterprise "
                f"group {cfg.finance_enterprise_group}: check both in the connection's config"))
        name = entity.get("Description") or entity.get("Name") or ""
        return PingResult(ok=True, details={"accounting_entity": entity},
                          summary=f"token obtained; accounting entity {cfg.accounting_entity} {name}".rstrip()
                          + f" in finance enterprise group {cfg.finance_enterprise_group}")

    # --- reading back -------------------------------------------------------------------------

    def find_document(self, reference):
        lines = self.client.journal_lines(reference)
        journals = sorted({str(line.get("JournalEntry")) for line in lines if line.get("JournalEntry")}, key=_number)
        if journals:
            return ErpDocument(reference=reference, number=journals[0], kind="gl_journal",
                               data={"lines": len(lines), "run_group": lines[0].get("RunGroup", ""),
                                     "duplicates": journals[1:]})
        rows = self.client.interface_rows(**{self.config.reference_field: reference})
        if not rows:
            return None
        groups = sorted({row.get("RunGroup", "") for row in rows})
        errors = _errors(rows)
        status = "error" if errors else "unreleased"
        summary = (f"{len(rows)} rows in run group {groups[0]} not released: {'; '.join(errors)}" if errors
                   else f"{len(rows)} rows loaded in run group {groups[0]}, not released yet")
        # complete=False: post_order(existing=...) loads what is missing and releases the run group.
        return ErpDocument(reference=reference, number=groups[0], kind="gl_interface", complete=False,
                           data={"rows": len(rows), "run_group": groups[0], "status": status, "errors": errors,
                                 "summary": summary, "duplicates": groups[1:]})

    # --- posting ------------------------------------------------------------------------------

    def _journal(self, posting):
        """(run group, interface fields) of an order; raises PermanentError before any call if it does not balance."""
        cfg = self.config
        run_group = journal.run_group_for(cfg.run_group_prefix, posting.reference)
        rows = journal.build_rows(cfg, posting)
        return run_group, journal.interface_fields(cfg, posting, rows, run_group)

    def preview_order(self, posting):
        run_group, fields = self._journal(posting)
        calls = []
        for path, body in (self.client.batch_request(fields), self.client.release_request(run_group)):
            calls.append({"method": "POST", "path": path, "body": body})
        return {"calls": calls}

    def post_order(self, posting, existing=None):
        """Load the order's rows in one batch, then release its run group.

        Calls: 1 batch create + 1 release (2 per order, plus a token when the cached one is due).
        With `existing` (rows loaded earlier, not released): read the run group back, load only the
        rows missing, release. A refusal or an error row raises PermanentError with FSM's text.
        """
        if existing is not None and existing.complete:
            return existing  # already a released journal: nothing to add
        run_group, fields = self._journal(posting)
        if existing is not None and existing.data.get("run_group", existing.number) != run_group:
            # Found under another name (run_group_prefix changed since): finish that group, not a new one.
            run_group = existing.data.get("run_group", existing.number)
            fields = [{**f, "GLTransactionInterface.RunGroup": run_group} for f in fields]
        if existing is None:
            results = self.client.create_batch(fields)
            refused = {f[SEQUENCE]: r.message for f, r in zip(fields, results) if not r.ok}
            # A batch answer without a result for a row says nothing about that row: treat it as refused.
            refused.update({f[SEQUENCE]: "no result returned for this row" for f in fields[len(results):]})
            if refused:
                self._complete_load(run_group, fields, refused)
        else:
            self._complete_load(run_group, fields, None)
        return self._release(posting, run_group, len(fields))

    def _complete_load(self, run_group, fields, refused):
        """Make the run group hold exactly our rows, or raise PermanentError.

        `refused` (sequence -> FSM's message) comes from a load that was just answered: rows refused
        because an earlier attempt already loaded them identically are fine; any other refusal is a data
        problem. Without it (recovering a half-done post), the rows not stored yet are loaded now.
        """
        wanted = {int(f[SEQUENCE]): f for f in fields}
        stored = {int(row["SequenceNumber"]): row for row in self.client.interface_rows(run_group)}
        different = [seq for seq, row in sorted(stored.items())
                     if seq not in wanted or not _same(row, wanted[seq], self.config)]
        if different:
            raise PermanentError(
                f"FSM run group {run_group} already holds rows (sequence {', '.join(map(str, different))}) that differ "
                f"from this posting of {fields[0][self.config.reference_field]}, from an earlier attempt with other data. "
                "Delete that run group in FSM's GL Transaction Interface, then post again")
        if refused is not None:
            problems = {seq: message for seq, message in refused.items() if seq not in stored}
        else:
            missing = [f for seq, f in sorted(wanted.items()) if seq not in stored]
            results = self.client.create_batch(missing) if missing else []
            problems = {f[SEQUENCE]: r.message for f, r in zip(missing, results) if not r.ok}
        if problems:
            detail = "; ".join(f"row {seq}: {message}" for seq, message in sorted(problems.items()))
            raise PermanentError(
                f"FSM refused rows of run group {run_group}: {detail}. The rows it accepted stay unreleased "
                "(they do not balance alone, so they are never released); posting again loads only what is missing")

    def _release(self, posting, run_group, row_count):
        result = self.client.release(run_group)
        if result.journals and not result.in_error:
            return _document(posting.reference, run_group, result.journals, row_count)
        if not result.processed:
            # Nothing left to release: an earlier release whose answer was lost took effect.
            found = self.find_document(posting.reference)
            if found is not None and found.complete:
                return found
            raise PermanentError(f"FSM found no rows to release in run group {run_group}")
        errors = _errors(self.client.interface_rows(run_group))
        raise PermanentError(
            f"FSM did not release run group {run_group} ({result.in_error} of {result.processed} rows in error): "
            f"{'; '.join(errors) or 'no error text returned'}. The rows stay unreleased in GL Transaction Interface; "
            "posting again releases the same rows once the cause is fixed, it never loads them twice")

    # --- mapping verification -----------------------------------------------------------------

    def lookup(self, kind, codes):
        """Account codes (kind gl_account) and accounting units of the configured entity (kind accounting_unit)."""
        cfg = self.config
        if kind == "gl_account":
            read, where = self.client.account, f"finance enterprise group {cfg.finance_enterprise_group}"
            noun = "Account"
        elif kind == "accounting_unit":
            read, where = self.client.accounting_unit, f"accounting entity {cfg.accounting_entity}"
            noun = "Accounting unit"
        else:
            return {}
        answers = {}
        for code in codes:
            record = read(code)
            answers[code] = ((True, record.get("Description") or "") if record is not None
                             else (False, f"{noun} {code} does not exist in {where}"))
        return answers


def _errors(rows):
    """FSM's distinct error texts of interface rows in error."""
    return sorted({row["ErrorMessage"] for row in rows if row.get("Status") == "Error" and row.get("ErrorMessage")})


def _number(value):
    return (0, int(value), "") if str(value).isdigit() else (1, 0, str(value))


def _same(stored, fields, cfg):
    """True when a stored row is the row we would load (FSM echoes only some fields; compare those)."""
    if Decimal(str(stored.get("TransactionAmount", "0"))) != Decimal(str(fields["TransactionAmount"])):
        return False
    if str(stored.get(cfg.reference_field, "")) != str(fields[cfg.reference_field]):
        return False
    return all(str(stored[name]) == str(fields.get(name, "")) for name in COMPARED if name in stored)


def _document(reference, run_group, journals, row_count):
    numbers = sorted((str(n) for n in journals), key=_number)
    return ErpDocument(reference=reference, number=numbers[0], kind="gl_journal",
                       data={"run_group": run_group, "journals": numbers, "lines": row_count})
