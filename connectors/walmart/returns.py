"""Walmart Returns API calls (walmart-api.md §3). Returns come back as Walmart sends them."""

from urllib.parse import quote

from connectors import http
from connectors.walmart.paging import iter_pages

LIST_FILTERS = (
    "returnOrderId", "customerOrderId", "status", "replacementInfo", "returnType", "returnCreationStartDate",
    "returnCreationEndDate", "returnLastModifiedStartDate", "returnLastModifiedEndDate", "limit",
)


class ReturnsCalls:
    """Mixed into WalmartClient; `self.connection` is the Walmart Connection."""

    def iter_returns(self, **filters):
        """Every return order matching the filters (Walmart's names: returnCreationStartDate,
        returnLastModifiedStartDate, status, limit...), following `meta.nextCursor` verbatim; 404 is empty.

        # Reference: https://developer.walmart.com/us-marketplace/reference/getreturns (GET /v3/returns)
        """
        unknown = set(filters) - set(LIST_FILTERS)
        if unknown:
            raise ValueError(f"unknown GET /v3/returns filters: {', '.join(sorted(unknown))}")
        for page in iter_pages(self.connection, "/v3/returns", filters, bucket="returns.list", what="list returns"):
            yield from page.get("returnOrders") or []

    def refund_return(self, return_order_id, customer_order_id, line_numbers=()):
        """Issue the refund of a return order's lines (all of a one-line return when none are given).

        # Reference: https://developer.walmart.com/us-marketplace/reference/issuerefund (POST /v3/returns/{returnOrderId}/refund)
        """
        body = {"customerOrderId": str(customer_order_id),
                "refundLines": [{"returnOrderLineNumber": int(n)} for n in line_numbers]}
        return http.send(self.connection, "POST", f"/v3/returns/{quote(str(return_order_id), safe='')}/refund",
                         json=body, bucket="returns.refund", what=f"refund return {return_order_id}").json()
