"""Infor CloudSuite Financials (FSM) adapter: revenue goes to the GL through GLTransactionInterface
run groups. The orders_in / returns_in flows add their methods with their issues.

Musts (connectors.contract): every interface row we create carries our reference in
`config.reference_field` (and in Description), so `find_document` can tell whether an unanswered call
took effect: first among released journal lines, then among interface rows not yet released.
"""

from connectors.contract import ErpAdapter, ErpDocument, PingResult
from connectors.infor_cloudsuite.client import FsmClient


class Adapter(ErpAdapter):
    capabilities = frozenset()

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

    def find_document(self, reference):
        lines = self.client.journal_lines(reference)
        journals = sorted({str(line.get("JournalEntry")) for line in lines if line.get("JournalEntry")})
        if journals:
            return ErpDocument(reference=reference, number=journals[0], kind="gl_journal",
                               data={"lines": len(lines), "duplicates": journals[1:]})
        rows = self.client.interface_rows(**{self.config.reference_field: reference})
        if not rows:
            return None
        groups = sorted({row.get("RunGroup", "") for row in rows})
        errors = [row.get("ErrorMessage") for row in rows if row.get("Status") == "Error"]
        return ErpDocument(reference=reference, number=groups[0], kind="gl_interface",
                           data={"rows": len(rows), "status": "error" if errors else "unreleased", "errors": errors,
                                 "duplicates": groups[1:]})
