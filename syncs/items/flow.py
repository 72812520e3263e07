"""The items_out run: the ERP's items new or changed since the last mark become MP_ITEM records
(syncs.items.records) for every SKU they are mapped to; a record whose content hash differs from
what Walmart accepted goes out through the feed engine, once. An invalid record is not sent: its
problems show on the item state and the SKU mapping. ERP items no SKU maps appear in the unmapped
report as "not listed yet", with a mapping prefilled (SKU from the integration's pattern)."""

from collections import defaultdict

from django.db.models import F, Q

from connectors import clock, registry
from connectors.errors import PermanentError
from mappings.feed_errors import record_feed_results
from mappings.models import SkuMap, UnmappedSighting
from syncs import bulk_sql
from syncs.feeds import files
from syncs.items.records import build, content_hash
from syncs.models import ItemState, OutboundFlow
from syncs.models.outbound import ErrorKind
from syncs.stock import outbound

FLOW = "items_out"
FEED_TYPE = "MP_ITEM"
COLUMNS = ("sku", "record")


def _read(integration, adapter, mark):
    if not hasattr(adapter, "items"):
        raise PermanentError(f"{integration.erp.system_label} lists no items (no items_out)")
    return adapter.items(mark)


def compute(integration, items):
    """State rows for the SKUs of these ERP items (one read of the mappings and states, one write
    each); returns (counts, the ERP items no SKU maps)."""
    by_item = defaultdict(list)
    for mapping in SkuMap.objects.filter(integration=integration, active=True, erp_item__in=[i.item for i in items]):
        by_item[mapping.erp_item].append(mapping)
    states = {s.sku: s for s in ItemState.objects.filter(
        integration=integration, sku__in=[m.walmart_sku for ms in by_item.values() for m in ms])}
    now, new, changed, unmapped, counts = clock.now(), [], [], [], defaultdict(int)
    invalid, valid = {}, []
    for item in items:
        if not by_item.get(item.item):
            unmapped.append(item)
            continue
        for mapping in by_item[item.item]:
            record, problems = build(mapping.walmart_sku, item, mapping)
            state = states.get(mapping.walmart_sku) or ItemState(integration=integration, sku=mapping.walmart_sku)
            state.erp_item, state.record, state.computed_at = item.item, record, now
            state.problems = "; ".join(problems)
            state.desired = None if problems else content_hash(record)
            if problems:
                invalid[mapping.walmart_sku] = f"Not sent to Walmart: {state.problems}."
                state.error, state.error_kind, state.error_at = invalid[mapping.walmart_sku], ErrorKind.ERP, now
                counts["invalid"] += 1
            else:
                valid.append(mapping.walmart_sku)
                if state.error_kind == ErrorKind.ERP:
                    state.error, state.error_kind = "", ErrorKind.NONE
            (changed if state.pk else new).append(state)
    fields = ("erp_item", "record", "computed_at", "problems", "desired", "error", "error_kind", "error_at")
    bulk_sql.insert(ItemState, ("integration_id", "sku", "run", "system_retries", *fields),
                    [(integration.pk, s.sku, "", 0, *(getattr(s, f) for f in fields)) for s in new])
    bulk_sql.update(ItemState, list(fields), [(s.pk, *(getattr(s, f) for f in fields)) for s in changed])
    _mark_mappings(integration, invalid, valid)
    counts["items"] = len(items)
    return dict(counts), unmapped


def _mark_mappings(integration, invalid, valid):
    """The SKU mapping shows why its item is held (and stops showing it once the item is valid)."""
    record_feed_results(integration, invalid)
    SkuMap.objects.filter(integration=integration, walmart_sku__in=valid, feed_error__startswith="Not sent to Walmart").update(
        feed_error="", feed_error_at=clock.now())


def note_unlisted(integration, items):
    """ERP items without a SKU mapping: in the unmapped report as "not listed yet", mapping prefilled."""
    now, pattern = clock.now(), integration.items_sku_pattern or "{item}"
    for item in items:
        sku = pattern.format(item=item.item)[:100]
        UnmappedSighting.objects.update_or_create(
            integration=integration, kind=UnmappedSighting.Kind.SKU, value=sku,
            defaults={"last_seen": now, "name": item.title[:255], "detail": "not listed yet", "gtin": (item.gtin or "")[:14],
                      "suggested_item": item.item[:50], "suggestion_note": "ERP item not listed on Walmart yet"},
            create_defaults={"first_seen": now, "last_seen": now, "name": item.title[:255], "detail": "not listed yet",
                             "gtin": (item.gtin or "")[:14], "suggested_item": item.item[:50],
                             "suggestion_note": "ERP item not listed on Walmart yet"})
    return len(items)


def send(integration, *, full=False):
    return outbound.send(ItemState, integration, FLOW, FEED_TYPE, files.item_records, COLUMNS, full=full)


def run(integration, *, adapter=None, full=None):
    adapter = adapter or registry.adapter(integration.erp)
    with outbound.run_lease(integration, FLOW) as state:
        items, mark = _read(integration, adapter, state.mark)
        counts, unmapped = compute(integration, items)
        counts["not_listed"] = note_unlisted(integration, unmapped)
        OutboundFlow.objects.filter(pk=state.pk).update(mark=mark or state.mark)
        counts["lines"], feeds = send(integration, full=bool(full))
        counts["feeds"] = len(feeds)
    counts.update(work_feeds(integration))
    return counts


def work_feeds(integration):
    return outbound.work_feeds(integration, FLOW, send)


def plan(integration, *, adapter=None):
    """The dry run: the item records the next run would send, or hold with their problems."""
    adapter = adapter or registry.adapter(integration.erp)
    state = OutboundFlow.objects.filter(integration=integration, flow=FLOW).first()
    items, _ = _read(integration, adapter, state.mark if state else "")
    result = []
    with outbound.rolled_back():
        compute(integration, items)
        rows = ItemState.objects.filter(integration=integration).filter(
            Q(problems__gt="") | Q(in_flight__isnull=True, desired__isnull=False) & (
                Q(sent__isnull=True) | ~Q(sent=F("desired")))).order_by("sku")
        for row in rows:
            title = (row.record.get("Orderable") or {}).get("productName", "")
            result.append({"sku": row.sku, "item": row.erp_item, "title": title, "problems": row.problems,
                           "why": "would hold: " + row.problems if row.problems else
                           ("new listing" if row.sent is None else "content changed")})
    return result
