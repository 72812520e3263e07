"""Work the inbox of a Walmart account: each return event becomes the integrations' MarketplaceReturns.

The same discipline as orders (syncs.orders.inbox, whose claim expiry, backoff and finishing it
reuses): rows are claimed by conditional UPDATE committed before any Walmart call; RETURN_* webhook
payloads are thin (ids, one item per line), so the return is read again by REST
(GET /v3/returns?returnOrderId=); a polled row already holds the whole return. Walmart or network
trouble backs off and retries; a return Walmart does not know, or cannot be read, fails with the
reason, never silently.
"""

from django.db import IntegrityError

from syncs.models import InboxEvent
from syncs.orders.inbox import _finish, flow_integrations, work
from syncs.orders.parse import OrderShapeError
from syncs.returns.normalise import store


def return_integrations(account):
    return flow_integrations(account, "returns_in")


def fetch_return(client, return_order_id):
    """The return as GET /v3/returns answers it, or None when Walmart does not know it."""
    for ret in client.iter_returns(returnOrderId=return_order_id):
        if str(ret.get("returnOrderId")) == str(return_order_id):
            return ret
    return None


def _store_everywhere(integrations, data, return_order_id):
    for integration in integrations:
        try:
            store(integration, data, return_order_id)
        except IntegrityError:
            store(integration, data, return_order_id)  # another worker created it a moment ago: now an update


def process_account(account, *, limit=500, retry_now=False):
    """Turn due return events of one Walmart account into MarketplaceReturns. Returns counts."""
    integrations = return_integrations(account)

    def handle(row, client):
        rid = row.return_order_id or str((row.payload or {}).get("returnOrderId") or "")
        if not rid:
            raise OrderShapeError("the inbox row names no returnOrderId")
        data = row.payload if row.source == InboxEvent.Source.POLL else fetch_return(client, rid)
        if data is None:
            _finish(row, InboxEvent.Status.FAILED, f"Walmart does not know return order {rid}")
            return "failed"
        _store_everywhere(integrations, data, rid)  # ReturnShapeError is an OrderShapeError: fails the row
        return None

    return work(account, "return", handle, limit=limit, retry_now=retry_now)
