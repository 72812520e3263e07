"""Posted demo orders to ship: the demo (every emulator seeded), an order loaded into the Walmart
emulator and posted by orders_in into the ERP under test."""

import pytest
from django.core.management import call_command

from sandbox import catalog
from sandbox.peoplesoft.seed import ambiguous, no_match
from sandbox.walmart import loader
from syncs.orders.normalise import store
from syncs.orders.post import post_one
from syncs.orders.validate import validate
from syncs.models import Integration
from tests.stock.conftest import walmart_account
from tests.syncs.orderkit import walmart_order

SHIPPING_ERPS = ["demo-m3", "demo-ifs", "demo-exact"]


@pytest.fixture
def demo(sandbox, settings):
    settings.SITE_URL = sandbox
    call_command("demo", stdout=open("/dev/null", "w"))
    return sandbox


def stocked_items(n=2):
    """Catalog items every demo ERP can take: in stock at Dallas, one open PO in PeopleSoft."""
    found = [item for index, item in enumerate(catalog.items(), start=1)
             if index > 3 and not no_match(index) and not ambiguous(index) and item.stock.get("DAL", 0) >= 15]
    return found[:n]


def integration(slug, *flows_):
    integ = Integration.objects.select_related("walmart", "erp").get(slug=slug)
    integ.enabled_flows = sorted(set(integ.enabled_flows) | {"orders_in", *flows_})
    integ.save()
    return integ


def posted_order(integ, po, lines):
    """lines: [(sku, quantity)] → the order posted into the integration's ERP (and acknowledged)."""
    order = walmart_order(po, [(sku, qty, "10.00", "0.80", 0) for sku, qty in lines])
    loader.load_orders({"order": order}, walmart_account(integ), deliver=False)
    # Only this order goes through validation and posting (the demo's own orders would meet Exact's
    # 60 calls a minute and wait).
    stored, _ = store(integ, order)
    validate(integ, orders=[stored])
    stored.refresh_from_db()
    post_one(stored)
    stored.refresh_from_db()
    assert stored.status in ("posted", "acknowledged"), (stored.status, stored.review_message)
    return stored
