"""django-q2 task entry points. Tasks take ids, never secrets or model instances (DESIGN §6)."""

import os
import socket

from django.conf import settings
from django.utils import timezone

from syncs.models import WorkerHeartbeat


def heartbeat():
    """Proves a worker is alive and consuming the queue (read by /healthz)."""
    WorkerHeartbeat.objects.update_or_create(
        cluster=settings.Q_CLUSTER["name"],
        defaults={"beat_at": timezone.now(), "host": socket.gethostname(), "pid": os.getpid()},
    )


def run_flow(integration_id, flow):
    """The scheduled run of one flow (scheduled per integration by syncs.schedules)."""
    from connectors.errors import ConnectorError
    from syncs import flows
    from syncs.models import Integration

    integration = Integration.objects.select_related("walmart", "erp").filter(pk=integration_id, active=True).first()
    if integration is None or flow not in (integration.enabled_flows or []):
        return "integration inactive or flow disabled"
    try:
        return flows.run(integration, flow)
    except ConnectorError as exc:
        return f"failed: {exc}"  # recorded in SyncRun; the next run retries


def release_gl_days():
    """Hourly: release the finished days' GL journals of CloudSuite integrations in daily_summary mode."""
    from syncs.orders.gl_days import release_all

    return release_all()


def work_feeds():
    """Every 2 minutes: submit queued feeds that have a token now, track submitted ones, resend what
    Walmart failed. Per integration with feeds open; each flow's own module does the work."""
    from connectors.errors import ConnectorError
    from syncs.models import Feed, Integration
    from syncs.items import flow as items_flow
    from syncs.stock import inventory_out, prices_out

    work = {"inventory_out": inventory_out.work_feeds, "prices_out": prices_out.work_feeds,
            "items_out": items_flow.work_feeds}
    done = {}
    open_feeds = Feed.objects.filter(state__in=Feed.OPEN_STATES).values_list("integration_id", "flow").distinct()
    for integration_id, flow in open_feeds:
        integration = Integration.objects.select_related("walmart", "erp").get(pk=integration_id)
        try:
            done[f"{integration.slug}:{flow}"] = work[flow](integration)
        except ConnectorError as exc:
            done[f"{integration.slug}:{flow}"] = f"failed: {exc}"
    return done
