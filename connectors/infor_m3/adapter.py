"""Infor M3 adapter: our dataclasses <-> MI transactions. Flows (orders_in, returns_in, inventory_out,
prices_out, items_out, shipments_out, customers) add their methods with their issues.

Musts (connectors.contract): every customer order we create carries our reference in CUOR
(customer's order number, A20), so `find_document` can tell whether an unanswered call took effect.
"""

import logging

from connectors.contract import ErpAdapter, ErpDocument, PingResult
from connectors.infor_m3.client import M3Client, M3TransactionError

logger = logging.getLogger(__name__)


class Adapter(ErpAdapter):
    capabilities = frozenset()

    def __init__(self, connection):
        super().__init__(connection)
        self.client = M3Client(connection)

    def ping(self):
        """Log in and read the service account's M3 user (MNS150MI/GetUserData: CONO, DIVI)."""
        # Without cono/divi on the URL, M3 answers with the user's own defaults, which is what we compare.
        user = self.client.call("MNS150MI", "GetUserData", company=False).record
        cono, divi = user.get("CONO", ""), user.get("DIVI", "")
        details = {"user": user.get("USID", ""), "cono": cono, "divi": divi}
        wanted_divi = self.config.divi
        if str(cono).lstrip("0") != str(self.config.cono).lstrip("0") or (wanted_divi and divi != wanted_divi):
            return PingResult(
                ok=False, details=details,
                summary=(f"token works, but M3 user {details['user'] or '(service account)'} works in company {cono} "
                         f"division {divi or '(none)'} while this connection is set to company {self.config.cono} "
                         f"division {wanted_divi or '(any)'}: fix the connection or the user's defaults in MNS150"),
            )
        return PingResult(ok=True, details=details,
                          summary=f"token obtained; M3 user {details['user']} in company {cono} division {divi}")

    def find_document(self, reference):
        """The confirmed customer order whose CUOR is `reference`, or None.

        Lookup: OIS100MI/SearchHead with SQRY `CUOR:<reference>` (M3's search over order heads; a
        key-less field like CUOR cannot be reached through LstHead, which lists by CUNO only). Search
        can match loosely, so each hit is confirmed with GetHead and an exact CUOR comparison.
        UNCONFIRMED: that every tenant's search index covers CUOR (it is a standard OOHEAD field).
        When M3 refuses the search, the configured customer's orders are listed with LstHead (all of
        them: maxrecs 0) and compared instead: slower, but it does not depend on the search index.
        Batch orders that were never confirmed are not found: they are not customer orders yet.
        """
        try:
            hits = self.client.execute("OIS100MI", "SearchHead", {"SQRY": f'CUOR:"{reference}"'}, maxrecs=20,
                                       returncols=["ORNO"])
        except M3TransactionError as exc:
            if not self.config.customer:
                raise
            logger.info("%s: SearchHead refused (%s); listing %s's orders instead", self.connection.name, exc,
                        self.config.customer)
            hits = [h for h in self.client.execute("OIS100MI", "LstHead", {"CUNO": self.config.customer}, maxrecs=0)
                    if h.get("CUOR") == reference]
        matches = []
        for orno in sorted({h.get("ORNO", "") for h in hits if h.get("ORNO")}):
            head = self.client.call("OIS100MI", "GetHead", {"ORNO": orno}).record
            if head.get("CUOR") == reference:
                matches.append(head)
        if not matches:
            return None
        head = matches[0]
        return ErpDocument(
            reference=reference, number=head["ORNO"], kind="customer_order",
            data={"status": head.get("STAT", ""), "customer": head.get("CUNO", ""), "warehouse": head.get("WHLO", ""),
                  "duplicates": [m["ORNO"] for m in matches[1:]]},
        )

    # MI reads that confirm a code exists, per lookup kind: (program, transaction, key field, label).
    LOOKUPS = {"item": ("MMS200MI", "GetItmBasic", "ITNO", "item"),
               "customer": ("CRS610MI", "GetBasicData", "CUNO", "customer")}

    def lookup(self, kind, codes):
        """Which codes M3 knows, for mapping verification (mappings/verify.py): M3's own "does not
        exist" message for a missing one. Warehouses and GL kinds answer nothing (rows stay unverified)."""
        if kind not in self.LOOKUPS:
            return {}
        program, transaction, field, label = self.LOOKUPS[kind]
        answers = {}
        for code in codes:
            try:
                record = self.client.call(program, transaction, {field: code}).record
            except M3TransactionError as exc:
                answers[code] = (False, exc.m3_message or f"M3 has no {label} {code}")
                continue
            answers[code] = (True, record.get("ITDS") or record.get("CUNM") or "")
        return answers

