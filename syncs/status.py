"""What `manage.py status` reports (DESIGN §9 shape): per integration, orders by state, review by
reason, last run of each flow, feeds in flight, prices waiting for approval, shipment confirmations
by state, and the token state of its connections."""

from django.db.models import Count

from syncs.models import (Feed, InboxEvent, Integration, MarketplaceOrder, MarketplaceReturn, PriceApproval,
                          ShipmentConfirmation, SyncRun)


def _token(connection):
    return {
        "name": connection.name, "system": connection.system, "auth_state": connection.auth_state,
        "token_expires_at": connection.token_expires_at.isoformat() if connection.token_expires_at else None,
        "last_ping_ok": connection.last_ping_ok,
    }


def collect():
    integrations = list(Integration.objects.select_related("walmart", "erp").order_by("slug"))
    by_state, review = {}, {}
    for row in MarketplaceOrder.objects.values("integration_id", "status").annotate(n=Count("id")):
        by_state.setdefault(row["integration_id"], {})[row["status"]] = row["n"]
    waiting = MarketplaceOrder.objects.filter(status=MarketplaceOrder.Status.NEEDS_REVIEW)
    for row in waiting.values("integration_id", "review_reason").annotate(n=Count("id")):
        review.setdefault(row["integration_id"], {})[row["review_reason"] or "unspecified"] = row["n"]
    returns = {}
    for row in MarketplaceReturn.objects.values("integration_id", "status").annotate(n=Count("id")):
        returns.setdefault(row["integration_id"], {})[row["status"]] = row["n"]
    feeds, approvals, shipments = {}, {}, {}
    for row in Feed.objects.filter(state__in=Feed.OPEN_STATES).values("integration_id").annotate(n=Count("id")):
        feeds[row["integration_id"]] = row["n"]
    pending = PriceApproval.objects.filter(state=PriceApproval.State.PENDING)
    for row in pending.values("integration_id").annotate(n=Count("id")):
        approvals[row["integration_id"]] = row["n"]
    for row in ShipmentConfirmation.objects.values("integration_id", "status").annotate(n=Count("id")):
        shipments.setdefault(row["integration_id"], {})[row["status"]] = row["n"]
    inbox = {}
    for row in InboxEvent.objects.values("account_id", "status").annotate(n=Count("id")):
        inbox.setdefault(row["account_id"], {})[row["status"]] = row["n"]
    result = []
    for integ in integrations:
        last_runs = {}
        for run in SyncRun.objects.filter(integration=integ).order_by("-started_at")[:50]:
            last_runs.setdefault(run.flow, {"at": run.started_at.isoformat(), "ok": bool(run.ok)})
        result.append({
            "slug": integ.slug,
            "erp": integ.erp.system,
            "active": integ.active,
            "orders": by_state.get(integ.pk, {}),
            "returns": returns.get(integ.pk, {}),
            "review": review.get(integ.pk, {}),
            "inbox": inbox.get(integ.walmart_id, {}),
            "last_runs": last_runs,
            "feeds_in_flight": feeds.get(integ.pk, 0),
            "prices_awaiting_approval": approvals.get(integ.pk, 0),
            "shipments": shipments.get(integ.pk, {}),
            "connections": [_token(integ.walmart), _token(integ.erp)],
        })
    return {"integrations": result}
