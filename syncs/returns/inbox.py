"""Work the inbox of a Walmart account: each return event becomes the integrations' MarketplaceReturns.

The same discipline as orders (syncs.orders.inbox, whose claim expiry, backoff and finishing it
reuses): rows are claimed by conditional UPDATE committed before any Walmart call; RETURN_* webhook
payloads are thin (ids, one item per line), so the return is read again by REST
(GET /v3/returns?returnOrderId=); a polled row already holds the whole return. Walmart or network
trouble backs off and retries; a return Walmart does not know, or cannot be read, fails with the
reason, never silently.
"""

import logging

from django.db import IntegrityError

from connectors.errors import AmbiguousOutcome, ConfigError, PermanentError, RecoverableError
from connectors.walmart.client import WalmartClient
from syncs.locking import claim
from syncs.models import InboxEvent
from syncs.orders.inbox import CLAIM_SECONDS, _back_off, _finish, due, flow_integrations
from syncs.orders.parse import OrderShapeError
from syncs.returns.normalise import store

logger = logging.getLogger(__name__)


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
    counts = {"processed": 0, "failed": 0, "retry": 0}
    integrations = return_integrations(account)
    ids = claim(due(account, "return", retry_now)[:limit], status_field="status", from_status=InboxEvent.Status.PENDING,
                to_status=InboxEvent.Status.PROCESSING, until_field="claimed_until", seconds=CLAIM_SECONDS)
    client = WalmartClient(account)
    for row in InboxEvent.objects.filter(pk__in=ids).order_by("id"):
        rid = row.return_order_id or str((row.payload or {}).get("returnOrderId") or "")
        try:
            if not rid:
                raise OrderShapeError("the inbox row names no returnOrderId")
            data = row.payload if row.source == InboxEvent.Source.POLL else fetch_return(client, rid)
            if data is None:
                _finish(row, InboxEvent.Status.FAILED, f"Walmart does not know return order {rid}")
                counts["failed"] += 1
                continue
            _store_everywhere(integrations, data, rid)
        except (RecoverableError, AmbiguousOutcome, ConfigError) as exc:
            # Walmart down, throttled or our credentials broken: nothing is lost, the row waits.
            _back_off(row, exc)
            counts["retry"] += 1
            continue
        except (PermanentError, OrderShapeError) as exc:  # ReturnShapeError is an OrderShapeError
            _finish(row, InboxEvent.Status.FAILED, str(exc))
            counts["failed"] += 1
            continue
        _finish(row, InboxEvent.Status.PROCESSED)
        counts["processed"] += 1
    return counts
