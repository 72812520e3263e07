"""The shipments_out run: read what the ERP shipped or cancelled since the last mark, turn it into
confirmation rows (syncs.shipments.intake), move the mark, then confirm what is due on Walmart
(syncs.shipments.confirm). The mark moves only after the rows are stored: a crash between the two
reads the same records again, and the rows' uniqueness absorbs them."""

from connectors import registry
from connectors.errors import PermanentError
from syncs.models import OutboundFlow, ShipmentConfirmation
from syncs.shipments import confirm, intake
from syncs.stock import outbound

FLOW = "shipments_out"


def _read(integration, adapter, mark):
    if not hasattr(adapter, "shipments"):
        raise PermanentError(f"{integration.erp.system_label} reports no shipments (no shipments_out)")
    return adapter.shipments(mark)


def run(integration, *, adapter=None, retry_now=False):
    adapter = adapter or registry.adapter(integration.erp)
    with outbound.run_lease(integration, FLOW) as state:
        page = _read(integration, adapter, state.mark)
        counts = intake.take(integration, page)
        OutboundFlow.objects.filter(pk=state.pk).update(mark=page.mark or state.mark)
    counts["packages"], counts["cancellations"] = len(page.packages), len(page.cancellations)
    counts["confirm"] = confirm.confirm_due(integration, retry_now=retry_now)
    return counts


def plan(integration, *, adapter=None):
    """The dry run: the confirmations the next run would send (or hold for review); nothing kept."""
    adapter = adapter or registry.adapter(integration.erp)
    state = OutboundFlow.objects.filter(integration=integration, flow=FLOW).first()
    page = _read(integration, adapter, state.mark if state else "")
    result = []
    with outbound.rolled_back():
        before = set(ShipmentConfirmation.objects.filter(integration=integration).values_list("pk", flat=True))
        intake.take(integration, page)
        waiting = ShipmentConfirmation.objects.filter(integration=integration).exclude(
            status=ShipmentConfirmation.Status.POSTED).order_by("purchase_order_id", "line_number")
        for row in waiting:
            result.append({"po": row.purchase_order_id, "line": row.line_number, "kind": row.kind, "quantity": row.quantity,
                           "carrier": row.carrier, "tracking": row.tracking_number, "new": row.pk not in before,
                           "status": row.status, "why": row.review_message})
    return result
