"""Infor CloudSuite Financials (FSM) adapter: revenue goes to the GL through GLTransactionInterface
run groups: one run group (one balanced journal) per Walmart order (posting_mode per_order), or one
run group per posting day and accounting entity, released once a day by `release_day` (daily_summary).

Musts (connectors.contract): every interface row we create carries our reference in
`config.reference_field` (and the Walmart order id in Description), so `find_document` can tell
whether an unanswered call took effect: first among released journal lines, then among interface rows
not yet released (complete=False). The run group name is derived from the reference, and FSM's row key
(FinanceEnterpriseGroup, RunGroup, SequenceNumber) is unique, so a replayed load is refused rather
than doubled. In daily_summary mode each order owns a block of sequence numbers in the day's run
group, chosen from its reference, so the same holds there. SETUP.md "Posting orders" has the whole story.
"""

from collections import defaultdict
from decimal import Decimal

from connectors.contract import ErpAdapter, ErpDocument, PingResult
from connectors.errors import PermanentError
from connectors.infor_cloudsuite import journal
from connectors.infor_cloudsuite.client import FsmClient

SEQUENCE = "GLTransactionInterface.SequenceNumber"
# Fields compared when a run group already holds rows for a reference (only those FSM echoes back).
COMPARED = ("AccountingEntity", "AccountingUnit", "AccountCode", "PostingDate")
DAILY = "daily_summary"


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
        if self.config.posting_mode == DAILY:
            rows = self.client.interface_rows(**{self.config.reference_field: reference})
            ours = [row for row in rows if self._in_day_group(row)]
            if ours:
                return self._day_document(reference, ours)
            # Not in a day run group: the order may have been posted per order before the mode changed.
            return self._find_per_order(reference, rows)
        return self._find_per_order(reference)

    def _find_per_order(self, reference, rows=None):
        """`rows`: the interface rows of the reference when already read (saves the second read)."""
        lines = self.client.journal_lines(reference)
        journals = sorted({str(line.get("JournalEntry")) for line in lines if line.get("JournalEntry")}, key=_number)
        if journals:
            return ErpDocument(reference=reference, number=journals[0], kind="gl_journal",
                               data={"lines": len(lines), "run_group": lines[0].get("RunGroup", ""),
                                     "duplicates": journals[1:]})
        if rows is None:
            rows = self.client.interface_rows(**{self.config.reference_field: reference})
        if not rows:
            return None
        if any(self._in_day_group(row) for row in rows):
            # Loaded in daily_summary mode, and the mode changed back since: it is still a day load.
            return self._day_document(reference, [row for row in rows if self._in_day_group(row)])
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
        if self.config.posting_mode == DAILY:
            return self._preview_day(posting)
        run_group, fields = self._journal(posting)
        calls = []
        for path, body in (self.client.batch_request(fields), self.client.release_request(run_group)):
            calls.append({"method": "POST", "path": path, "body": body})
        return {"calls": calls}

    def post_order(self, posting, existing=None):
        """per_order: load the order's rows in one batch, then release its run group.

        Calls: 1 batch create + 1 release (2 per order, plus a token when the cached one is due).
        With `existing` (rows loaded earlier, not released): read the run group back, load only the
        rows missing, release. A refusal or an error row raises PermanentError with FSM's text.
        daily_summary: load the rows unreleased into the day's run group (`_post_day`), no release.
        """
        if existing is not None and existing.complete:
            return existing  # already a released journal (or a complete day load): nothing to add
        # A half-done post is finished the way it was started, whatever the mode is now.
        daily = existing.data.get("mode") == DAILY if existing is not None else self.config.posting_mode == DAILY
        if daily:
            return self._post_day(posting, existing)
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

    def _complete_load(self, run_group, fields, refused, reference=None):
        """Make the run group hold exactly our rows, or raise PermanentError.

        `refused` (sequence -> FSM's message) comes from a load that was just answered: rows refused
        because an earlier attempt already loaded them identically are fine; any other refusal is a data
        problem. Without it (recovering a half-done post), the rows not stored yet are loaded now.
        """
        wanted = {int(f[SEQUENCE]): f for f in fields}
        # A day run group holds other orders too: only the rows carrying this reference are ours.
        filters = {self.config.reference_field: reference} if reference else {}
        stored = {int(row["SequenceNumber"]): row for row in self.client.interface_rows(run_group, **filters)}
        different = [seq for seq, row in sorted(stored.items())
                     if seq not in wanted or not _same(row, wanted[seq], self.config)]
        if different:
            remedy = (f"Delete the rows of reference {reference} from that run group" if reference
                      else "Delete that run group")
            raise PermanentError(
                f"FSM run group {run_group} already holds rows (sequence {', '.join(map(str, different))}) that differ "
                f"from this posting of {fields[0][self.config.reference_field]}, "
                "from an earlier attempt with other data. "
                f"{remedy} in FSM's GL Transaction Interface, then post again")
        if refused is not None:
            problems = {seq: message for seq, message in refused.items() if seq not in stored}
        else:
            missing = [f for seq, f in sorted(wanted.items()) if seq not in stored]
            results = self.client.create_batch(missing) if missing else []
            problems = {f[SEQUENCE]: r.message for f, r in zip(missing, results) if not r.ok}
        if problems:
            detail = "; ".join(f"row {seq}: {message}" for seq, message in sorted(problems.items()))
            held = ("they do not balance alone, so the day's run group cannot be released until they are completed"
                    if reference else "they do not balance alone, so they are never released")
            raise PermanentError(
                f"FSM refused rows of run group {run_group}: {detail}. The rows it accepted stay unreleased "
                f"({held}); posting again loads only what is missing")

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

    # --- daily summary mode -------------------------------------------------------------------

    def _in_day_group(self, row):
        return journal.is_day_run_group(self.config.summary_run_group_prefix, row.get("RunGroup", ""))

    def _day_group(self, day, entity=None):
        return journal.day_run_group(self.config.summary_run_group_prefix, day, entity or self.config.accounting_entity)

    def _day_load(self, posting):
        """(run group, balanced rows, posting day) of an order in daily mode; raises before any call."""
        cfg = self.config
        rows = journal.build_rows(cfg, posting)
        day = journal.posting_date(posting, cfg.posting_timezone)
        return self._day_group(day), rows, day

    def _day_fields(self, posting, rows, run_group, slot):
        return journal.interface_fields(self.config, posting, journal.day_rows(posting, rows, slot), run_group)

    def _preview_day(self, posting):
        run_group, rows, _ = self._day_load(posting)
        fields = self._day_fields(posting, rows, run_group, journal.slots(posting.reference)[0])
        calls = [{"method": "POST", "path": path, "body": body}
                 for path, body in (self.client.batch_request(fields[:1]), self.client.batch_request(fields[1:]))]
        return {"calls": calls, "note": (
            f"daily_summary: the first call claims the order's sequence block in run group {run_group} (the next "
            "block is tried if another order holds it), the second loads the other rows. Nothing is released per "
            f"order: the daily release (release_day) makes one journal of run group {run_group}")}

    def _post_day(self, posting, existing):
        """Load the order's rows, unreleased, into its day's run group.

        Calls: 1 create of the first row (claims the order's sequence block), 1 batch create of the
        others. A replay finds its own first row under the key it tries (1 read), then reads its rows
        back (1 read) and loads only what is missing; it never loads a second copy.
        """
        run_group, rows, day = self._day_load(posting)
        reference = posting.reference
        if existing is not None:
            run_group = existing.data.get("run_group") or run_group
            fields = self._day_fields(posting, rows, run_group, existing.data["slot"])
            self._complete_load(run_group, fields, None, reference=reference)
            return _day_loaded(posting, run_group, existing.data["slot"], fields, day)
        for slot in journal.slots(reference):
            fields = self._day_fields(posting, rows, run_group, slot)
            claim = self.client.create_batch(fields[:1])
            if claim and claim[0].ok:
                results = self.client.create_batch(fields[1:])
                refused = {f[SEQUENCE]: r.message for f, r in zip(fields[1:], results) if not r.ok}
                refused.update({f[SEQUENCE]: "no result returned for this row" for f in fields[1 + len(results):]})
                if refused:
                    self._complete_load(run_group, fields, refused, reference=reference)
                return _day_loaded(posting, run_group, slot, fields, day)
            holder = self.client.interface_rows(run_group, SequenceNumber=fields[0][SEQUENCE])
            if not holder:
                # Nothing under that key: FSM refused the row itself (a field it does not accept).
                message = claim[0].message if claim else "no result returned"
                raise PermanentError(f"FSM refused the first row of {reference} in run group {run_group}: {message}")
            if str(holder[0].get(self.config.reference_field, "")) == reference:
                # Our own first row from an earlier attempt: complete that load, never start a second one.
                self._complete_load(run_group, fields, None, reference=reference)
                return _day_loaded(posting, run_group, slot, fields, day)
            # Another order of the day holds this block: try the next one.
        raise PermanentError(
            f"No free sequence block for {reference} in run group {run_group} after {journal.SLOT_PROBES} tries")

    def _day_document(self, reference, rows):
        """What find_document says of an order's rows in a day run group.

        Complete when the order's block holds as many rows as its first row announces and they balance:
        loaded is all daily mode promises per order (the journal comes from the day's release).
        """
        groups = sorted({row.get("RunGroup", "") for row in rows})
        run_group = groups[0]
        mine = sorted((row for row in rows if row.get("RunGroup") == run_group), key=lambda r: int(r["SequenceNumber"]))
        slot = journal.slot_of(mine[0]["SequenceNumber"])
        mine = [row for row in mine if journal.slot_of(row["SequenceNumber"]) == slot]
        first = next((row for row in mine if int(row["SequenceNumber"]) % journal.SLOT_ROWS == 1), None)
        expected = journal.expected_rows(first.get("Description")) if first else None
        balanced = sum((Decimal(str(row.get("TransactionAmount", "0"))) for row in mine), Decimal("0")) == 0
        complete = first is not None and balanced and expected in (None, len(mine))
        statuses = {row.get("Status") for row in mine}
        status = ("released" if statuses == {"Released"} else "error" if "Error" in statuses else "unreleased")
        journals = sorted({str(row["JournalEntry"]) for row in mine if row.get("JournalEntry")}, key=_number)
        return ErpDocument(reference=reference, number=run_group, kind="gl_interface", complete=complete, data={
            "mode": DAILY, "run_group": run_group, "slot": slot, "rows": len(mine), "expected_rows": expected,
            "posting_date": mine[0].get("PostingDate", ""), "status": status, "journals": journals,
            "errors": _errors(mine), "duplicates": groups[1:]})

    def release_day(self, day, entity=None):
        """Release the run group of one posting day (daily_summary mode) as one journal.

        `day`: a date (or 'YYYYMMDD'/'YYYY-MM-DD') on the posting_timezone calendar; `entity`: the
        accounting entity of the run group, default the connection's. One call when it releases; one
        read more when it does not. Returns
        {"run_group": str, "released": rows released now, "journal": the journal made now, else the
        latest journal of the run group, else None, "journals": every journal of the run group,
        "errors": FSM's texts when nothing was released, "orders_in_error": {reference: [texts]}}.
        Safe to call again (after a lost answer, or once the cause of an error is fixed): released rows
        are never released twice. Raises only connectors.errors types.
        """
        run_group = self._day_group(day, entity)
        result = self.client.release(run_group)
        if result.journals and not result.in_error:
            numbers = sorted((str(n) for n in result.journals), key=_number)
            return {"run_group": run_group, "released": result.processed, "journal": numbers[-1],
                    "journals": numbers, "errors": [], "orders_in_error": {}}
        rows = self.client.interface_rows(run_group)
        journals = sorted({str(row["JournalEntry"]) for row in rows if row.get("JournalEntry")}, key=_number)
        if not result.processed:
            # Nothing unreleased: an empty day, or one released before (perhaps by a call whose answer was lost).
            return {"run_group": run_group, "released": 0, "journal": journals[-1] if journals else None,
                    "journals": journals, "errors": [], "orders_in_error": {}}
        pending = [row for row in rows if row.get("Status") != "Released"]
        return {"run_group": run_group, "released": 0, "journal": None, "journals": journals,
                "errors": _errors(pending) or [f"FSM released nothing of run group {run_group} and gave no reason"],
                "orders_in_error": self._orders_in_error(pending)}

    def _orders_in_error(self, rows):
        """References whose rows keep the day from releasing, with why.

        An out-of-balance day is caused by an order loaded only in part (its rows alone do not balance);
        FSM then marks every row, so those orders are named instead of all of them.
        """
        by_reference = defaultdict(list)
        for row in rows:
            by_reference[str(row.get(self.config.reference_field, ""))].append(row)
        unbalanced = sorted(ref for ref, mine in by_reference.items()
                            if sum((Decimal(str(r.get("TransactionAmount", "0"))) for r in mine), Decimal("0")) != 0)
        if unbalanced:
            return {ref: ["its rows do not balance (loaded only in part): posting the order again loads the rest"]
                    for ref in unbalanced}
        return {ref: _errors(mine) for ref, mine in sorted(by_reference.items()) if _errors(mine)}

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


def _day_loaded(posting, run_group, slot, fields, day):
    sequences = [int(f[SEQUENCE]) for f in fields]
    return ErpDocument(reference=posting.reference, number=run_group, kind="gl_interface", complete=True, data={
        "mode": DAILY, "run_group": run_group, "slot": slot, "rows": len(fields), "posting_date": day,
        "sequences": [min(sequences), max(sequences)], "status": "loaded"})
