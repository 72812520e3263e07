"""What posting an order would do, without doing it: the mapping decisions per line and the exact
ERP payload (the adapter's preview_order, which makes no write). Used by the admin's "preview
posting" page and by `sync INTEGRATION orders_in --dry-run`."""

from connectors import registry
from mappings.resolve import Resolver
from syncs.orders.build import build
from syncs.orders.validate import format_quantity


# The GL dimensions each ERP posts with, in the words staff know them by.
GL_SHOWN = {"exact_online": ("gl_account", "cost_center"),
            "infor_cloudsuite": ("accounting_entity", "accounting_unit", "account_code"),
            "ifs_cloud": ("company",)}


def _gl(target, system):
    dimensions = [getattr(target, name) for name in GL_SHOWN.get(system, ("gl_account",)) if getattr(target, name)]
    return f"{' / '.join(dimensions)} ({target.level} rule)"


def decisions(built, system=""):
    rows = []
    for line, resolved in built.resolved:
        rows.append({
            "line": line.line_number, "sku": line.sku, "walmart_quantity": format_quantity(line.quantity),
            "erp_item": resolved.erp_item,
            "erp_quantity": format_quantity(resolved.quantity) if resolved.quantity is not None else "",
            "warehouse": resolved.warehouse, "location": resolved.location,
            "gl": {charge: _gl(target, system) for charge, target in resolved.gl.items()},
            "supplier": resolved.vendor_id, "problems": [r.message for r in resolved.reasons],
        })
    return rows


def preview(order, *, resolver=None, adapter=None):
    """{"reference", "customer", "decisions", "reasons", "payload"}; payload is None when the order cannot post."""
    integration = order.integration
    built = build(order, resolver or Resolver(integration))
    result = {"purchase_order_id": order.purchase_order_id, "erp": integration.erp_system,
              "reference": built.posting.reference if built.posting else "",
              "customer": built.posting.customer if built.posting else "",
              "decisions": decisions(built, integration.erp_system), "reasons": [f"{r.code}: {r.message}" for r in built.reasons],
              "payload": None}
    if built.posting is not None:
        result["payload"] = (adapter or registry.adapter(integration.erp)).preview_order(built.posting)
    return result
