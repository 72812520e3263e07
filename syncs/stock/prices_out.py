"""prices_out: ERP selling prices to Walmart by PRICE_AND_PROMOTION feed, only what changed (DESIGN §5).
Never single PUT /v3/price calls (Walmart allows 100 an hour).

price on Walmart = ERP price per ERP unit × the SKU's factor (Walmart sells the pack), 2 decimals.
The guardrail stops a change above `price_change_limit_percent`, a price of 0 or less, a price below
the ERP cost and a price in another currency than the account's: those wait in the PriceApproval
queue (who, when, old → new). Approved: the next feed carries it. Rejected: held until the ERP price
changes again. Currency mismatches cannot be approved: the ERP or the mapping must change.
"""

from decimal import Decimal
from django.db import connection
from django.db.models import F, Q

from audit import log as audit_log
from connectors import clock, registry
from connectors.errors import PermanentError
from mappings.models import SkuMap
from syncs.feeds import files
from syncs.models import PriceApproval, PriceState
from syncs.models.outbound import ErrorKind
from syncs.stock import outbound, staging

FLOW = "prices_out"
FEED_TYPE = "PRICE_AND_PROMOTION"
COLUMNS = ("sku", "in_flight")
STATE, SKU, STAGE = PriceState._meta.db_table, SkuMap._meta.db_table, staging.TABLE
R = PriceApproval.Reason


def read_erp(integration, adapter, sink):
    if not hasattr(adapter, "price_snapshot"):
        raise PermanentError(f"{integration.erp.system_label} offers no prices to send to Walmart (no prices_out)")
    items = sorted(set(SkuMap.objects.filter(integration=integration, active=True, erp_item__gt="")
                       .values_list("erp_item", flat=True)))
    # One staging statement for the whole price list (see inventory_out.read_erp).
    return sink([(p.item, "", p.price, (p.raw or "")[:100], (p.currency or "")[:3], p.cost)
                 for p in adapter.price_snapshot(items)])


def compute(integration):
    params = {"integ": integration.pk, "yes": True, "now": clock.now()}
    staging.analyze()
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO {STATE} (integration_id, sku, erp_item, currency, run, error, error_kind, system_retries)
            SELECT s.integration_id, s.walmart_sku, s.erp_item, '', '', '', '', 0 FROM {SKU} s
            WHERE s.integration_id = %(integ)s AND s.active = %(yes)s AND s.erp_item <> ''
            ON CONFLICT DO NOTHING""", params)
        staging.analyze_after_insert(STATE, cursor.rowcount)
        cursor.execute(f"""
            DELETE FROM {STATE} WHERE integration_id = %(integ)s AND in_flight IS NULL AND NOT EXISTS (
                SELECT 1 FROM {SKU} s WHERE s.integration_id = {STATE}.integration_id AND s.walmart_sku = {STATE}.sku
                AND s.active = %(yes)s AND s.erp_item <> '')""", params)
        cursor.execute(f"""
            UPDATE {STATE} SET erp_item = m.erp_item, erp_price = m.price, currency = COALESCE(m.currency, ''),
                cost = ROUND(m.cost * m.factor, 2), computed_at = %(now)s,
                desired = CASE WHEN m.price IS NULL THEN NULL ELSE ROUND(m.price * m.factor, 2) END,
                error = CASE WHEN m.price IS NULL AND m.raw <> ''
                                 THEN 'The ERP price is not a number (' || m.raw || '); nothing is sent.'
                             WHEN error_kind = 'erp' THEN '' ELSE error END,
                error_kind = CASE WHEN m.price IS NULL AND m.raw <> '' THEN 'erp'
                                  WHEN error_kind = 'erp' THEN '' ELSE error_kind END
            FROM (SELECT t.id, s.erp_item, s.factor, g.price, g.cost, g.currency, COALESCE(g.raw, '') AS raw
                  FROM {STATE} t JOIN {SKU} s ON s.integration_id = t.integration_id AND s.walmart_sku = t.sku
                  LEFT JOIN (SELECT erp_item, MAX(value) AS price, MAX(cost) AS cost, MAX(currency) AS currency,
                                    MAX(raw) AS raw FROM {STAGE} GROUP BY erp_item) g
                         ON g.erp_item = s.erp_item
                  WHERE t.integration_id = %(integ)s) m
            WHERE {STATE}.id = m.id""", params)
        cursor.execute(f"""
            UPDATE {STATE} SET held_value = NULL WHERE integration_id = %(integ)s AND held_value IS NOT NULL
            AND error_kind <> 'review' AND EXISTS (SELECT 1 FROM {SKU} s WHERE s.integration_id = {STATE}.integration_id
                        AND s.walmart_sku = {STATE}.sku AND s.updated_at > {STATE}.error_at)""", params)


def beyond_guardrail(integration):
    """The Q of lines the guardrail stops (unless staff approved exactly this price)."""
    share = Decimal(integration.price_change_limit_percent) / 100
    stopped = (Q(desired__lte=0) | Q(cost__isnull=False, desired__lt=F("cost")) | ~Q(currency=integration.price_currency)
               | Q(sent__gt=0, desired__gt=F("sent") * (1 + share)) | Q(sent__gt=0, desired__lt=F("sent") * (1 - share)))
    return stopped & ~Q(approved_value=F("desired"), currency=integration.price_currency)


def _reason(integration, row):
    if row.currency != integration.price_currency:
        return R.CURRENCY
    if row.desired <= 0:
        return R.NOT_POSITIVE
    if row.cost is not None and row.desired < row.cost:
        return R.BELOW_COST
    return R.CHANGE


def hold_for_approval(integration):
    """Queue an approval for each stopped line (once per new price); returns how many are waiting."""
    stopped = list(outbound.delta(PriceState, integration, extra=beyond_guardrail(integration)))
    pending = {a.sku: a for a in PriceApproval.objects.filter(integration=integration, state=PriceApproval.State.PENDING)}
    new = []
    for row in stopped:
        waiting = pending.get(row.sku)
        if waiting is not None and waiting.new_price == row.desired and waiting.currency == row.currency:
            continue
        if waiting is not None:
            PriceApproval.objects.filter(pk=waiting.pk).update(state=PriceApproval.State.SUPERSEDED, decided_at=clock.now())
        change = ((row.desired - row.sent) / row.sent * 100).quantize(Decimal("0.1")) if row.sent else None
        new.append(PriceApproval(integration=integration, sku=row.sku, old_price=row.sent, new_price=row.desired,
                                 currency=row.currency, cost=row.cost, change_percent=change, reason=_reason(integration, row)))
    PriceApproval.objects.bulk_create(new)
    if stopped:
        PriceState.objects.filter(pk__in=[r.pk for r in stopped]).update(
            error="Waiting for approval in the price approval queue.", error_kind=ErrorKind.REVIEW, error_at=clock.now())
    # Lines no longer stopped (the ERP price came back within the limit) leave the queue.
    PriceApproval.objects.filter(integration=integration, state=PriceApproval.State.PENDING).exclude(
        sku__in=[r.sku for r in stopped]).update(state=PriceApproval.State.SUPERSEDED, decided_at=clock.now())
    return len(stopped)


def decide(approval, *, approve, user):
    """Staff's decision on a stopped price (the admin's approve/reject actions). Audited."""
    if approval.state != PriceApproval.State.PENDING:
        raise ValueError(f"{approval.sku}: this change was already {approval.get_state_display().lower()}")
    if approve and approval.reason == R.CURRENCY:
        raise ValueError(f"{approval.sku}: the ERP price is in {approval.currency}, the Walmart account sells in "
                         f"{approval.integration.price_currency}; fix the price list, not the approval")
    now = clock.now()
    rows = PriceState.objects.filter(integration=approval.integration, sku=approval.sku)
    if approve:
        rows.update(approved_value=approval.new_price, error="", error_kind=ErrorKind.NONE)
    else:
        rows.update(held_value=approval.new_price, error=f"Rejected by {user}: held until the ERP price changes.",
                    error_kind=ErrorKind.REVIEW, error_at=now)
    state = PriceApproval.State.APPROVED if approve else PriceApproval.State.REJECTED
    PriceApproval.objects.filter(pk=approval.pk).update(state=state, decided_by=user, decided_at=now)
    audit_log.record(f"price.{'approved' if approve else 'rejected'}", obj=approval, object_id=approval.sku, user=user,
                     message=f"{approval.old_price} → {approval.new_price} {approval.currency} ({approval.get_reason_display()})",
                     data={"integration": approval.integration.slug, "reason": approval.reason})


def send(integration, *, full=False):
    return outbound.send(PriceState, integration, FLOW, FEED_TYPE, files.price_records, COLUMNS, full=full,
                         extra=~beyond_guardrail(integration))


def run(integration, *, adapter=None, full=None):
    adapter = adapter or registry.adapter(integration.erp)
    counts = {}
    with outbound.run_lease(integration, FLOW) as state:
        counts["erp_prices"] = outbound.compute_from_erp(integration, adapter, read_erp, compute)
        counts["awaiting_approval"] = hold_for_approval(integration)
        full = outbound.full_due(state, integration) if full is None else full
        counts["lines"], feeds = send(integration, full=full)
        counts["feeds"] = len(feeds)
        if full:
            outbound.record_full(state)
            counts["full"] = True
    counts.update(work_feeds(integration))
    return counts


def work_feeds(integration):
    return outbound.work_feeds(integration, FLOW, send)


def plan(integration, *, adapter=None, full=None):
    adapter = adapter or registry.adapter(integration.erp)
    result = []
    with outbound.computed_then_undone(integration, FLOW, adapter, read_erp, compute, full) as full:
        rows = outbound.delta(PriceState, integration, full=full)
        stopped = set(rows.filter(beyond_guardrail(integration)).values_list("pk", flat=True))
        for row in rows.order_by("sku"):
            held = row.pk in stopped
            why = "new line" if row.sent is None else "full resend" if row.sent == row.desired else "changed"
            if held:
                why = f"would wait for approval ({_reason(integration, row).label})"
            result.append({"sku": row.sku, "sent": row.sent, "desired": row.desired, "currency": row.currency,
                           "why": why})
    return result
