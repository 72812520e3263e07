"""IFS Cloud adapter: our dataclasses on one side, IFS projections (through IfsClient) on the other.

Posting orders, stock levels and prices come with their flows; the client calls they need exist
and are tested against the emulator already. Until then the adapter claims no flow.
"""

from connectors.contract import ErpAdapter, ErpDocument, PingResult
from connectors.ifs_cloud.client import IfsClient

CANCELLED = "Cancelled"


class Adapter(ErpAdapter):
    capabilities = frozenset()

    def __init__(self, connection):
        super().__init__(connection)
        self.client = IfsClient(connection)

    def ping(self):
        """A token, then one read that proves the configured company and site exist."""
        cfg = self.config
        site = self.client.company_site(cfg.company, cfg.site)
        if site is None:
            return PingResult(
                ok=False, details={"company": cfg.company, "site": cfg.site},
                summary=f"token obtained, but site {cfg.site} not found in company {cfg.company} "
                        "(check the site (Contract) and company codes, and that the IAM client's user may read them)",
            )
        label = f" ({site.description})" if site.description else ""
        return PingResult(
            ok=True, details={"company": site.company, "site": site.site},
            summary=f"token obtained; company {site.company}, site {site.site}{label} found",
        )

    def find_document(self, reference):
        """The live customer order carrying `reference` in CustomerPoNo, or None.

        Cancelled orders do not count: a cancelled attempt must not stop a new post. If several live
        orders carry the reference (someone entered one by hand), the oldest (lowest OrderNo) is ours.
        """
        live = [o for o in self.client.find_orders_by_customer_po(reference) if o.state != CANCELLED]
        if not live:
            return None
        order = min(live, key=lambda o: o.order_no)
        return ErpDocument(
            reference=reference, number=order.order_no, kind="customer_order",
            data={"state": order.state, "site": order.site, "customer_no": order.customer_no,
                  "duplicates": [o.order_no for o in live if o is not order]},
        )

    def lookup(self, kind, codes):
        """Which codes IFS Cloud knows, for mapping verification (mappings/verify.py).

        item: sales parts of the configured site (one read); warehouse: company sites; customer:
        customers. GL kinds are not IFS postings' concern here and answer nothing (rows stay unverified).
        """
        cfg = self.config
        if kind == "item" and codes:
            found = {part.catalog_no: part for part in self.client.sales_parts(cfg.site, list(codes))}
            return {code: (True, found[code].description) if code in found
                    else (False, f"IFS Cloud has no sales part {code} at site {cfg.site}") for code in codes}
        if kind == "warehouse":
            answers = {}
            for code in codes:
                site = self.client.company_site(cfg.company, code)
                answers[code] = (True, site.description) if site else (False, f"site {code} not found in company {cfg.company}")
            return answers
        if kind == "customer":
            answers = {}
            for code in codes:
                customer = self.client.customer(code)
                answers[code] = (True, customer.name) if customer else (False, f"IFS Cloud has no customer {code}")
            return answers
        return {}

