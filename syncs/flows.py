"""Running a flow of an integration: the one entry point used by the schedule, `manage.py sync` and the admin.

Each run is recorded (SyncRun) with its counts or its error, so `status` and the dashboard can
say when each flow last ran and whether it worked.
"""

from django.utils import timezone

from connectors import registry
from connectors.errors import ConnectorError
from syncs.locking import Busy
from syncs.models import SyncRun
from syncs.orders import watchdog
from syncs.orders.inbox import process_account
from syncs.orders.poll import poll_account
from syncs.orders.post import post_due
from syncs.orders.validate import validate
from syncs.orders.walmart_side import acknowledge_due, cancel_rejected
from syncs.returns import inbox as returns_inbox
from syncs.returns.normalise import link_waiting
from syncs.returns.poll import poll_returns
from syncs.items import flow as items_flow
from syncs.shipments import flow as shipments_flow
from syncs.stock import guard, inventory_in, inventory_out, prices_out

AVAILABLE = {"orders_in", "returns_in", "inventory_out", "prices_out", "inventory_in", "shipments_out", "items_out"}
# Which adapter method each outbound flow needs: an ERP without it cannot run the flow.
NEEDS = {"inventory_out": "stock_snapshot", "prices_out": "price_snapshot", "inventory_in": "post_stock_count",
         "shipments_out": "shipments", "items_out": "items"}


class FlowNotAvailable(Exception):
    pass


def _orders_in(integration, *, poll=True, retry_now=False):
    """Fetch, normalise, validate, post, acknowledge (DESIGN §8 `sync ... orders_in`), then the watchdogs."""
    counts = {}
    if poll:
        try:
            counts["poll"] = poll_account(integration.walmart)
        except Busy:
            counts["poll"] = "skipped: another worker is polling this Walmart account"
    counts["inbox"] = process_account(integration.walmart, retry_now=retry_now)
    counts["returns_linked"] = link_waiting(integration)  # orders that just arrived release their returns
    adapter = registry.adapter(integration.erp)
    counts["validate"] = validate(integration, adapter=adapter)
    if "inventory_out" in (integration.enabled_flows or []):
        counts["zeros"] = guard.push_zeros(integration)  # the oversell guard: before the next scheduled run
    counts["post"] = post_due(integration, adapter=adapter, retry_now=retry_now)
    counts["acknowledge"] = acknowledge_due(integration)
    counts["cancel"] = cancel_rejected(integration)
    counts["watchdog"] = watchdog.check(integration)
    return counts


def _returns_in(integration, *, poll=True, retry_now=False):
    """Receive and normalise Walmart returns; link those that waited for their order (posting comes later)."""
    counts = {}
    if poll:
        try:
            counts["poll"] = poll_returns(integration.walmart)
        except Busy:
            counts["poll"] = "skipped: another worker is polling this Walmart account's returns"
    counts["inbox"] = returns_inbox.process_account(integration.walmart, retry_now=retry_now)
    counts["linked"] = link_waiting(integration)
    return counts


def _inventory_out(integration, *, poll=True, retry_now=False, full=None):
    return inventory_out.run(integration, full=full)


def _prices_out(integration, *, poll=True, retry_now=False, full=None):
    return prices_out.run(integration, full=full)


def _inventory_in(integration, *, poll=True, retry_now=False, full=None):
    return inventory_in.run(integration, retry_now=retry_now)


def _shipments_out(integration, *, poll=True, retry_now=False, full=None):
    return shipments_flow.run(integration, retry_now=retry_now)


def _items_out(integration, *, poll=True, retry_now=False, full=None):
    return items_flow.run(integration, full=full)


RUNNERS = {"orders_in": _orders_in, "returns_in": _returns_in, "inventory_out": _inventory_out,
           "prices_out": _prices_out, "inventory_in": _inventory_in, "shipments_out": _shipments_out,
           "items_out": _items_out}


def check_available(integration, flow):
    if flow not in AVAILABLE:
        raise FlowNotAvailable(f"The {flow} flow is not available yet.")
    if flow in NEEDS and not hasattr(registry.adapter_class(integration.erp.system), NEEDS[flow]):
        raise FlowNotAvailable(f"{integration.erp.system_label} has no {flow} (DESIGN §1).")


def run(integration, flow, *, trigger="schedule", **options):
    """Run `flow` for `integration` to the end; returns its counts. Connector errors are recorded, then raised."""
    check_available(integration, flow)
    record = SyncRun.objects.create(integration=integration, flow=flow, trigger=trigger)
    try:
        counts = RUNNERS[flow](integration, **options)
    except ConnectorError as exc:
        SyncRun.objects.filter(pk=record.pk).update(finished_at=timezone.now(), ok=False, error=str(exc)[:5000])
        raise
    SyncRun.objects.filter(pk=record.pk).update(finished_at=timezone.now(), ok=True, counts=counts)
    return counts
