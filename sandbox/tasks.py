"""Background life for the demo: new Walmart orders and returns arrive, webhooks go out.

Scheduled by `manage.py demo` (never in production: the functions refuse when the sandbox is off).
"""

import random

from django.conf import settings

from sandbox import stats
from sandbox.models import Account

DEMO_ACCOUNT_CONNECTION = "demo-walmart"


def _demo_account():
    from connectors.models import Connection

    conn = Connection.objects.filter(name=DEMO_ACCOUNT_CONNECTION).first()
    if conn is None:
        return None
    return Account.objects.filter(system="walmart", key=conn.typed_config.client_id).first()


def demo_tick(max_orders=3, return_chance=0.2):
    """A few new orders on the demo Walmart account, sometimes a return, then send due webhooks."""
    if not settings.SANDBOX_ENABLED:
        return "sandbox disabled"
    from sandbox.walmart import generator

    account = _demo_account()
    if account is None:
        return "no demo account (run manage.py demo)"
    rng = random.Random()
    created = generator.generate_orders(account, rng.randint(1, max_orders))
    returns = generator.generate_returns(account, 1) if rng.random() < return_chance else []
    delivered = stats.deliver_webhooks()
    shipped = ship_some(rng)
    return f"{len(created)} orders, {len(returns)} returns, deliveries {delivered}, shipped {shipped}"


def ship_some(rng, per_system=2):
    """The demo warehouses at work: a few orders that reached M3 and IFS are shipped there (now and
    then only part of them, or in two packages), so shipments_out has something to confirm."""
    from sandbox.ifs_cloud import fulfil as ifs_fulfil
    from sandbox.ifs_cloud.models import CustomerOrder
    from sandbox.infor_m3 import fulfil as m3_fulfil
    from sandbox.infor_m3.models import Order

    candidates = {
        "infor_m3": (m3_fulfil, Order.objects.filter(confirmed=True).exclude(cuor="").values_list("cuor", flat=True)),
        "ifs_cloud": (ifs_fulfil, CustomerOrder.objects.filter(objstate__in=["Planned", "Released", "Reserved"])
                      .exclude(customer_po_no="").values_list("customer_po_no", flat=True)),
    }
    shipped = {}
    for system, (fulfil, references) in candidates.items():
        shipped[system] = 0
        for reference in list(references.order_by("-pk")[:20]):
            if shipped[system] >= per_system:
                break
            try:
                fulfil.ship(reference, packages=2 if rng.random() < 0.2 else 1)
            except (LookupError, ValueError):
                continue  # nothing open any more, or several tenants carry it: leave it
            shipped[system] += 1
    return shipped


def deliver_webhooks():
    """Send due webhook deliveries (retries run on the sandbox clock), and let Walmart auto-cancel
    lines not shipped by their estimated ship date + 4 days, as it does."""
    if not settings.SANDBOX_ENABLED:
        return "sandbox disabled"
    from sandbox.walmart.autocancel import cancel_overdue

    return {"deliveries": stats.deliver_webhooks(), "auto_cancelled": cancel_overdue()}
