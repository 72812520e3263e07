"""Work the inbox of a Walmart account: each order event becomes the integrations' MarketplaceOrders.

Rows are claimed one by one (conditional UPDATE, committed before any Walmart call); a claim that
outlives its worker expires and the row goes back to the pool. Webhook payloads are thin: the order
is re-read by REST. Walmart or network trouble backs off and retries; an order Walmart does not
know, or cannot be read, fails with the reason (visible in the admin), never silently.
"""

import logging
import random
from datetime import timedelta

from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone

from connectors.errors import AmbiguousOutcome, ConfigError, PermanentError, RecoverableError
from connectors.walmart.client import WalmartClient
from syncs.locking import claim
from syncs.models import InboxEvent, Integration
from syncs.orders.normalise import store
from syncs.orders.parse import OrderShapeError
from syncs.orders.review import hold

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 300
MAX_BACKOFF = 3600
UNKNOWN_ORDER_ATTEMPTS = 3


def flow_integrations(account, flow):
    """The active integrations of a Walmart account that run `flow` (they all take from its inbox)."""
    return [i for i in Integration.objects.filter(walmart=account, active=True) if flow in (i.enabled_flows or [])]


def order_integrations(account):
    return flow_integrations(account, "orders_in")


def due(account, kind, retry_now=False):
    """Inbox rows of `kind` ready to work: pending and due, or claimed by a worker whose claim ran out."""
    now = timezone.now()
    pending = Q(status=InboxEvent.Status.PENDING)
    if not retry_now:
        pending &= Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    stale = Q(status=InboxEvent.Status.PROCESSING, claimed_until__lt=now)
    return InboxEvent.objects.filter(account=account, kind=kind).filter(pending | stale).order_by("id")


HOLD_EVENTS = {"INTENT_TO_CANCEL"}


def _store_everywhere(integrations, order, row):
    for integration in integrations:
        try:
            stored, _ = store(integration, order)
        except IntegrityError:
            stored, _ = store(integration, order)  # another worker created it a moment ago: now it is an update
        if HOLD_EVENTS & {row.event_type, row.sub_event_type}:
            hold(integration, stored.purchase_order_id,
                 f"The buyer asked Walmart to cancel ({row.sub_event_type or row.event_type} at {row.event_time or row.received_at}).")


def _finish(row, status, error=""):
    InboxEvent.objects.filter(pk=row.pk).update(status=status, processed_at=timezone.now(), error=error[:5000],
                                                claimed_until=None)


def _back_off(row, exc):
    attempts = row.attempts + 1
    delay = random.uniform(0.5, 1.0) * min(MAX_BACKOFF, 30 * 2 ** (attempts - 1))
    InboxEvent.objects.filter(pk=row.pk).update(
        status=InboxEvent.Status.PENDING, attempts=attempts, next_attempt_at=timezone.now() + timedelta(seconds=delay),
        error=str(exc)[:5000], claimed_until=None,
    )


def work(account, kind, handle, *, limit, retry_now):
    """Claim the due inbox rows of `kind` and run handle(row, client) on each, one by one.

    `handle` stores what the row says and returns None, or sets the row aside itself and returns the
    count it belongs to. Walmart down, throttled or our credentials broken: the row waits (backoff);
    a refusal or an unreadable shape fails it with the reason. Returns counts.
    """
    counts = {"processed": 0, "failed": 0, "retry": 0}
    ids = claim(due(account, kind, retry_now)[:limit], status_field="status", from_status=InboxEvent.Status.PENDING,
                to_status=InboxEvent.Status.PROCESSING, until_field="claimed_until", seconds=CLAIM_SECONDS)
    client = WalmartClient(account)
    for row in InboxEvent.objects.filter(pk__in=ids).order_by("id"):
        try:
            outcome = handle(row, client)
        except (RecoverableError, AmbiguousOutcome, ConfigError) as exc:
            _back_off(row, exc)
            counts["retry"] += 1
            continue
        except (PermanentError, OrderShapeError) as exc:
            _finish(row, InboxEvent.Status.FAILED, str(exc))
            counts["failed"] += 1
            continue
        if outcome is None:
            _finish(row, InboxEvent.Status.PROCESSED)
            outcome = "processed"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def process_account(account, *, limit=500, retry_now=False):
    """Turn due order events of one Walmart account into MarketplaceOrders. Returns counts."""
    integrations = order_integrations(account)

    def handle(row, client):
        order = row.payload if row.source == InboxEvent.Source.POLL else client.get_order(row.purchase_order_id)
        if order is None:
            # A delivery can outrun the order's readability, so ask again a few times; what Walmart
            # still does not know then (e.g. the sample PO of POST /v3/webhooks/test) is set aside,
            # not failed: it is not work anyone can do anything about.
            message = f"Walmart does not know purchase order {row.purchase_order_id}"
            if row.attempts + 1 < UNKNOWN_ORDER_ATTEMPTS:
                _back_off(row, message)
                return "retry"
            _finish(row, InboxEvent.Status.IGNORED, f"{message} (asked {UNKNOWN_ORDER_ATTEMPTS} times: "
                                                    "a test delivery, or an order Walmart withdrew)")
            return "ignored"
        _store_everywhere(integrations, order, row)
        return None

    return work(account, "order", handle, limit=limit, retry_now=retry_now)
