"""Releasing the day's GL journal for CloudSuite integrations in `daily_summary` posting mode.

In that mode each order's balanced rows are loaded unreleased into its day's run group at posting
time (the order is `posted`: FSM holds it, exactly once); this step releases every finished day —
one journal per day and accounting entity — and then shows the journal number on the day's orders.
FSM's refusals (a closed period...) are audited and logged as an alert with the orders concerned;
the rows stay loaded and the next run tries again once staff fixed the cause in FSM. Today is never
released: it still takes orders.
"""

import logging
from zoneinfo import ZoneInfo

from audit import log as audit_log
from connectors import clock, registry
from connectors.errors import AmbiguousOutcome, ConnectorError, RecoverableError
from syncs.models import Integration, MarketplaceOrder

logger = logging.getLogger("alerts")
LOADED = "gl_interface"


def daily_integrations():
    for integration in Integration.objects.filter(active=True, erp__system="infor_cloudsuite").select_related("erp"):
        if integration.erp.typed_config.posting_mode == "daily_summary":
            yield integration


def pending_days(integration, zone):
    """The days before today (posting calendar) whose orders are loaded but not yet in a journal."""
    today = clock.now().astimezone(zone).date()
    loaded = MarketplaceOrder.objects.filter(integration=integration, erp_document_kind=LOADED,
                                             status__in=["posted", "acknowledged"]).values_list("order_date", flat=True)
    return sorted({when.astimezone(zone).date() for when in loaded if when and when.astimezone(zone).date() < today})


def release(integration, *, adapter=None):
    """Release the integration's finished days; returns counts."""
    adapter = adapter or registry.adapter(integration.erp)
    zone = ZoneInfo(adapter.config.posting_timezone)
    counts = {"released_days": 0, "failed_days": 0}
    for day in pending_days(integration, zone):
        try:
            try:
                result = adapter.release_day(day)
            except AmbiguousOutcome:
                result = adapter.release_day(day)  # releasing twice is safe: FSM answers with the journal made
        except RecoverableError as exc:
            logger.warning("%s: GL day %s waits, CloudSuite cannot be reached: %s", integration.slug, day, exc)
            break
        except ConnectorError as exc:
            _alert(integration, day, f"CloudSuite refused the release of {day}: {exc}", {})
            counts["failed_days"] += 1
            break
        if result["errors"]:
            _alert(integration, day, "; ".join(result["errors"])[:2000], result.get("orders_in_error") or {})
            counts["failed_days"] += 1
            continue
        journal = result.get("journal") or ""
        if journal:
            MarketplaceOrder.objects.filter(integration=integration, erp_document_kind=LOADED,
                                            erp_document_number=result["run_group"]).update(
                erp_document_kind="gl_journal", erp_document_number=journal)
            audit_log.record("gl.day.released", object_type="integration", object_id=integration.slug,
                             message=f"{day}: run group {result['run_group']} → journal {journal}",
                             data={"day": day.isoformat(), "rows": result.get("released", 0), "journal": journal})
            counts["released_days"] += 1
    return counts


def _alert(integration, day, message, orders_in_error):
    logger.warning("%s: GL day %s not released: %s", integration.slug, day, message)
    audit_log.record("gl.day.release_failed", object_type="integration", object_id=integration.slug, ok=False,
                     message=message, data={"day": day.isoformat(), "orders": sorted(orders_in_error)})


def release_all():
    return {integration.slug: release(integration) for integration in daily_integrations()}

