"""Exact Online adapter: our dataclasses <-> Exact's sales orders and invoices (flows add post_order etc.)."""

from connectors.contract import ErpAdapter, ErpDocument, PingResult
from connectors.errors import ConsentLost, PermanentError
from connectors.exact_online.client import DOCUMENTS, ExactClient


class Adapter(ErpAdapter):
    capabilities = frozenset()

    def __init__(self, connection):
        super().__init__(connection)
        self.client = ExactClient(connection)

    def ping(self):
        """Token (refreshing if due) and current/Me: who consented, which division the connection posts into."""
        try:
            me = self.client.me()
        except ConsentLost as exc:
            return PingResult(ok=False, summary=f"consent lost, reconnect: {exc}")
        division = self.config.division
        details = {"user": me.full_name, "current_division": me.current_division, "division": division}
        if not division:
            return PingResult(ok=False, details=details,
                              summary=f"token works ({me.full_name}), but no division is set; the user's current "
                                      f"division is {me.current_division}")
        return PingResult(ok=True, details=details,
                          summary=f"token works; connected as {me.full_name}, posting into division {division}")

    def find_document(self, reference):
        """The sales invoice or sales order whose YourRef is our reference, or None.

        Invoices are looked up first: with `documents="both"` the invoice is the revenue document, and
        a reference is never shared between an order and an invoice (the suffix differs per document).
        More than one live document with our reference is a double post that staff must resolve.
        """
        for kind in ("sales_invoice", "sales_order"):
            rows = self.client.find_by_your_ref(kind, reference)
            if len(rows) > 1:
                key = DOCUMENTS[kind][1]
                raise PermanentError(
                    f"{self.connection.system_label}: {len(rows)} {kind.replace('_', ' ')}s carry YourRef {reference!r} "
                    f"({', '.join(str(r.get(key)) for r in rows)}); resolve the duplicate in Exact Online"
                )
            if rows:
                return _document(kind, reference, rows[0])
        return None

    def lookup(self, kind, codes):
        """Which codes Exact Online knows, for mapping verification (mappings/verify.py): one read per kind.

        Returns {code: (exists, message)}; kinds Exact has no read for here (warehouse, supplier) answer
        nothing, which leaves those rows unverified.
        """
        reads = {"item": (self.client.items, "item", None),
                 "gl_account": (self.client.gl_accounts, "G/L account", "IsBlocked"),
                 "cost_center": (self.client.cost_centers, "cost center", None),
                 "customer": (self.client.accounts, "customer account", "Blocked")}
        if kind not in reads or not codes:
            return {}
        read, label, blocked_field = reads[kind]
        found = {(row.get("Code") or "").strip(): row for row in read(list(codes))}
        answers = {}
        for code in codes:
            row = found.get(code.strip())
            if row is None:
                answers[code] = (False, f"Exact Online has no {label} with code {code.strip()}")
            elif blocked_field and row.get(blocked_field):
                answers[code] = (False, f"Exact Online {label} {code.strip()} is blocked")
            elif kind == "cost_center" and row.get("Active") is False:
                answers[code] = (False, f"Exact Online cost center {code.strip()} is not active")
            else:
                answers[code] = (True, row.get("Description") or row.get("Name") or "")
        return answers


def _document(kind, reference, row):
    if kind == "sales_order":
        return ErpDocument(reference=reference, number=str(row.get("OrderNumber") or row["OrderID"]), kind=kind,
                           data={"id": row["OrderID"], "status": row.get("Status")})
    invoice_kind = "credit_note" if row.get("Type") == 8021 else "sales_invoice"
    return ErpDocument(reference=reference, number=str(row.get("InvoiceNumber") or row["InvoiceID"]), kind=invoice_kind,
                       data={"id": row["InvoiceID"], "type": row.get("Type"), "status": row.get("Status")})
