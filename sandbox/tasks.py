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
    return f"{len(created)} orders, {len(returns)} returns, deliveries {delivered}"


def deliver_webhooks():
    """Send due webhook deliveries (retries run on the sandbox clock), and let Walmart auto-cancel
    lines not shipped by their estimated ship date + 4 days, as it does."""
    if not settings.SANDBOX_ENABLED:
        return "sandbox disabled"
    from sandbox.walmart.autocancel import cancel_overdue

    return {"deliveries": stats.deliver_webhooks(), "auto_cancelled": cancel_overdue()}
