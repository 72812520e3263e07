"""inventory_out: ERP stock to Walmart, per SKU × ship node, only what changed (DESIGN §5).

quantity offered = floor((ERP available at the node's warehouse − open reservations) / SKU factor)
                   − safety buffer (the SKU's, else the node's, else the integration's), never below 0.
Open reservations are accepted orders not yet in the ERP (syncs.models.StockReservation, shared
by every integration posting into that ERP), so they are never counted twice: once posted, the
ERP's own stock carries them and the reservation is released. A negative or non-numeric ERP value
offers 0 and says so on the line.

A run: read the ERP in bulk into a staging table (one call per page), bring the state rows in line
with the mappings and compute every line's quantity in set-based SQL, mark the changed lines in
flight (one UPDATE), stream them into MP_INVENTORY feeds, submit within the throttle, track.
"""

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor

from django import db
from django.db import connection

from connectors import clock, registry
from connectors.errors import PermanentError
from mappings.models import NodeType, ShipNodeMap, SkuMap
from syncs.feeds import files
from syncs.models import InventoryState, StockReservation
from syncs.stock import guard, outbound, staging

FLOW = "inventory_out"
FEED_TYPE = "MP_INVENTORY"
COLUMNS = ("sku", "ship_node", "in_flight")
READERS = 4  # warehouses read at once

STATE, SKU, NODE = InventoryState._meta.db_table, SkuMap._meta.db_table, ShipNodeMap._meta.db_table
STAGE, RESERVED = staging.TABLE, StockReservation._meta.db_table
# The mapping pairs inventory_out covers: active SKUs with an ERP item × active nodes synced out
# that have a warehouse (WFS stock is Walmart's own).
PAIRS = f"""{SKU} s JOIN {NODE} n ON n.integration_id = s.integration_id
    AND n.active = %(yes)s AND n.stock_sync = 'out' AND n.node_type <> '{NodeType.WFS}' AND n.warehouse <> ''
    WHERE s.integration_id = %(integ)s AND s.active = %(yes)s AND s.erp_item <> ''"""


def out_nodes(integration):
    return ShipNodeMap.objects.filter(integration=integration, active=True, stock_sync=ShipNodeMap.StockSync.OUT,
                                      warehouse__gt="").exclude(node_type=NodeType.WFS)


def read_erp(integration, adapter, sink):
    """Every mapped item's stock at every out-node warehouse into `sink(rows)`, once per warehouse:
    the ERP is read page by page, the staging table written in one statement per warehouse, so a run
    makes as many SQL queries for 100,000 SKUs as for 1,000."""
    if not hasattr(adapter, "stock_snapshot"):
        raise PermanentError(f"{integration.erp.system_label} offers no stock to send to Walmart (no inventory_out)")
    items = sorted(set(SkuMap.objects.filter(integration=integration, active=True, erp_item__gt="")
                       .values_list("erp_item", flat=True)))
    warehouses = sorted(set(out_nodes(integration).values_list("warehouse", flat=True)))

    def read(warehouse):
        # Warehouses are read side by side: while one waits for the ERP, another's page is parsed.
        try:
            return [(lvl.item, lvl.warehouse, lvl.available, (lvl.raw or "")[:100], "", None)
                    for lvl in adapter.stock_snapshot(items, warehouse)]
        finally:
            if threading.current_thread() is not threading.main_thread():
                db.connection.close()

    if len(warehouses) <= 1:
        return sum(sink(read(warehouse)) for warehouse in warehouses)
    # Each reader runs in a copy of this context (a dry run's "unaudited" flag goes along).
    contexts = {warehouse: contextvars.copy_context() for warehouse in warehouses}
    with ThreadPoolExecutor(max_workers=min(READERS, len(warehouses))) as pool:
        return sum(sink(rows) for rows in pool.map(lambda w: contexts[w].run(read, w), warehouses))


def compute(integration):
    """Bring the state rows in line with the mappings and set every line's quantity: a few statements.
    New lines come in by INSERT ... ON CONFLICT DO NOTHING (the unique key decides, row by row through
    its index), not NOT EXISTS: a planner with stale statistics turned that into a quadratic scan."""
    params = {"integ": integration.pk, "yes": True, "no": False, "erp": integration.erp_id,
              "buffer": integration.safety_buffer, "now": clock.now()}
    units = staging.floor_int("(m.qty - m.reserved) / m.factor")
    desired = f"CASE WHEN m.qty IS NULL OR m.qty - m.reserved <= 0 OR {units} - m.buffer <= 0 THEN 0 ELSE {units} - m.buffer END"
    problem = "((m.qty IS NULL AND m.raw <> '') OR m.qty < 0)"
    # Only rows whose numbers (or ERP problem) changed are written: an unchanged run rewrites nothing.
    changed = " OR ".join([staging.differs(f"{STATE}.desired", desired), staging.differs(f"{STATE}.erp_available", "m.qty"),
                           staging.differs(f"{STATE}.reserved", "m.reserved"), staging.differs(f"{STATE}.buffer", "m.buffer"),
                           staging.differs(f"{STATE}.erp_item", "m.erp_item"), staging.differs(f"{STATE}.warehouse", "m.warehouse"),
                           f"{problem} OR {STATE}.error_kind = 'erp'"])
    staging.analyze()
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO {STATE} (integration_id, sku, ship_node, erp_item, warehouse, reserved, buffer, push_zero,
                                 run, error, error_kind, system_retries)
            SELECT s.integration_id, s.walmart_sku, n.ship_node, s.erp_item, n.warehouse, 0, 0, %(no)s, '', '', '', 0
            FROM {PAIRS}
            ON CONFLICT DO NOTHING""", params)
        staging.analyze_after_insert(STATE, cursor.rowcount)
        cursor.execute(f"""
            DELETE FROM {STATE} WHERE integration_id = %(integ)s AND in_flight IS NULL AND NOT EXISTS (
                SELECT 1 FROM {PAIRS} AND s.walmart_sku = {STATE}.sku AND n.ship_node = {STATE}.ship_node)""", params)
        cursor.execute(f"""
            UPDATE {STATE} SET erp_item = m.erp_item, warehouse = m.warehouse, buffer = m.buffer,
                erp_available = m.qty, reserved = m.reserved, computed_at = %(now)s,
                desired = {desired},
                error = CASE WHEN m.qty IS NULL AND m.raw <> ''
                                 THEN 'The ERP reported a quantity that is not a number (' || m.raw || '); 0 is offered.'
                             WHEN m.qty < 0
                                 THEN 'The ERP reported a negative quantity (' || CAST(m.qty AS TEXT) || '); 0 is offered.'
                             WHEN error_kind = 'erp' THEN '' ELSE error END,
                error_kind = CASE WHEN (m.qty IS NULL AND m.raw <> '') OR m.qty < 0 THEN 'erp'
                                  WHEN error_kind = 'erp' THEN '' ELSE error_kind END
            FROM (SELECT t.id, s.erp_item, n.warehouse, s.factor,
                         COALESCE(s.safety_buffer, n.safety_buffer, %(buffer)s) AS buffer,
                         g.qty, COALESCE(g.raw, '') AS raw, COALESCE(r.total, 0) AS reserved
                  FROM {STATE} t
                  JOIN {SKU} s ON s.integration_id = t.integration_id AND s.walmart_sku = t.sku
                  JOIN {NODE} n ON n.integration_id = t.integration_id AND n.ship_node = t.ship_node
                  LEFT JOIN (SELECT erp_item, warehouse, SUM(value) AS qty, MAX(raw) AS raw FROM {STAGE}
                             GROUP BY erp_item, warehouse) g
                         ON g.erp_item = s.erp_item AND g.warehouse = n.warehouse
                  LEFT JOIN (SELECT erp_item, warehouse, SUM(quantity) AS total FROM {RESERVED}
                             WHERE erp_id = %(erp)s AND released_at IS NULL GROUP BY erp_item, warehouse) r
                         ON r.erp_item = s.erp_item AND r.warehouse = n.warehouse
                  WHERE t.integration_id = %(integ)s) m
            WHERE {STATE}.id = m.id AND ({changed})""", params)
        # A mapping fixed since Walmart refused a value releases the hold (DATA errors wait for a fix).
        cursor.execute(f"""
            UPDATE {STATE} SET held_value = NULL WHERE integration_id = %(integ)s AND held_value IS NOT NULL
            AND EXISTS (SELECT 1 FROM {SKU} s WHERE s.integration_id = {STATE}.integration_id
                        AND s.walmart_sku = {STATE}.sku AND s.updated_at > {STATE}.error_at)""", params)


def run(integration, *, adapter=None, full=None):
    """One inventory_out run to the end (but for Walmart's processing, tracked by later runs)."""
    adapter = adapter or registry.adapter(integration.erp)
    counts = {"zeros": guard.push_zeros(integration)}
    with outbound.run_lease(integration, FLOW) as state:
        counts["erp_levels"] = outbound.compute_from_erp(integration, adapter, read_erp, compute)
        full = outbound.full_due(state, integration) if full is None else full
        counts["lines"], feeds = send(integration, full=full)
        counts["feeds"] = len(feeds)
        if full:
            outbound.record_full(state)
            counts["full"] = True
    counts.update(work_feeds(integration))
    return counts


def send(integration, *, full=False):
    return outbound.send(InventoryState, integration, FLOW, FEED_TYPE, files.inventory_records, COLUMNS, full=full)


def work_feeds(integration):
    return outbound.work_feeds(integration, FLOW, send)


def plan(integration, *, adapter=None, full=None):
    """The dry run: what the next run would send, as (sku, node, old, new, why) — nothing kept."""
    adapter = adapter or registry.adapter(integration.erp)
    result = []
    with outbound.computed_then_undone(integration, FLOW, adapter, read_erp, compute, full) as full:
        for row in outbound.delta(InventoryState, integration, full=full).order_by(*COLUMNS[:-1]).values(
                "sku", "ship_node", "sent", "desired", "erp_available", "reserved", "buffer", "error"):
            why = ("new line" if row["sent"] is None else "full resend" if row["sent"] == row["desired"]
                   else "changed")
            why += f"; ERP {_n(row['erp_available'])}, reserved {_n(row['reserved'])}, buffer {row['buffer']}"
            result.append({**row, "why": why + (f"; {row['error']}" if row["error"] else "")})
    return result


def _n(value):
    return "-" if value is None else format(value.normalize(), "f")
