"""Issue 6's crash guarantee (PostgreSQL): two worker processes post orders into IFS Cloud (the
emulator, with latency so every post takes several calls' time); 20 times a worker is killed with
SIGKILL while it holds a claim, and a fresh one takes its place. Every order ends posted exactly
once or in review, and the ERP holds no reference twice."""

import multiprocessing
import os
import signal
import time

import pytest

# Nothing from Django at module level: the spawned workers import this module before django.setup().
ORDERS = 40
KILLS = 20
LEASE_SECONDS = 3


def _worker(db_name, integration_pk):
    """A separate OS process posting the integration's due orders until it is killed or nothing is left."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    os.environ["POSTING_LEASE_SECONDS"] = str(LEASE_SECONDS)
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = db_name
    import django

    django.setup()
    from syncs.models import Integration, MarketplaceOrder
    from syncs.orders.post import post_due

    integration = Integration.objects.select_related("erp").get(pk=integration_pk)
    idle_since = time.monotonic()
    while time.monotonic() - idle_since < LEASE_SECONDS * 3:
        if post_due(integration, limit=2, retry_now=True):
            idle_since = time.monotonic()
        elif not MarketplaceOrder.objects.filter(integration=integration, status__in=["ready", "posting", "retry_wait"]).exists():
            return
        else:
            time.sleep(0.2)  # a dead worker's claim is still running out


@pytest.mark.postgres_only
@pytest.mark.slow
def test_workers_killed_mid_post_never_post_twice(sandbox, settings):
    from django.db import connection as db_connection

    from connectors.models import Connection
    from mappings import demo as mapping_demo
    from sandbox import catalog, clock
    from sandbox.ifs_cloud import stats
    from sandbox.ifs_cloud.seed import provision_connection, seed_demo
    from sandbox.models import Fault
    from syncs.models import Integration, MarketplaceOrder
    from syncs.orders.validate import validate
    from tests.syncs.orderkit import add_order

    if db_connection.vendor != "postgresql":
        pytest.skip("needs a database shared by several processes (PostgreSQL)")
    settings.POSTING_LEASE_SECONDS = LEASE_SECONDS
    walmart = Connection.objects.create(name="wm", system="walmart", config={"client_id": "x"})
    erp = provision_connection("ifs", sandbox)
    seed_demo()
    integration = Integration.objects.create(slug="acme", name="Acme", walmart=walmart, erp=erp,
                                             enabled_flows=["orders_in"], check_stock=False, post_max_attempts=50)
    mapping_demo.seed(integration)
    items = [i for i in catalog.items()][:3]
    for n in range(ORDERS):
        add_order(integration, f"91000000{n:05d}",
                  [(items[0].sku, 1, "10.00", "0.80", "4.99"), (items[1].sku, 2, "7.50", "1.20", 0),
                   (items[2].sku, 1, "3.25", "0.26", 0)])
    assert validate(integration) == {"ready": ORDERS}
    # Every IFS call takes a while: a post is header + 3 lines + charge, so a kill lands mid-post.
    Fault.objects.create(system="ifs_cloud", mode="latency", seconds=0.15, starts_at=clock.now())

    context = multiprocessing.get_context("spawn")
    name = db_connection.settings_dict["NAME"]

    def spawn():
        process = context.Process(target=_worker, args=(name, integration.pk))
        process.start()
        return process

    workers = [spawn(), spawn()]
    kills, deadline = 0, time.monotonic() + 300
    while kills < KILLS and time.monotonic() < deadline:
        holders = {int(owner.split("-")[0]) for owner in MarketplaceOrder.objects.filter(
            status="posting", claimed_until__isnull=False).values_list("claim_owner", flat=True) if owner}
        victim = next((w for w in workers if w.pid in holders and w.is_alive()), None)
        if victim is None:
            if not any(w.is_alive() for w in workers) and not MarketplaceOrder.objects.filter(
                    status__in=["ready", "retry_wait", "posting"]).exists():
                break  # everything posted before 20 kills: the assertion below says so
            workers = [w if w.is_alive() else spawn() for w in workers]
            time.sleep(0.05)
            continue
        os.kill(victim.pid, signal.SIGKILL)
        victim.join(10)
        kills += 1
        workers = [spawn() if w is victim else w for w in workers]
    for worker in workers:
        worker.join(120)
    Fault.objects.all().delete()
    time.sleep(LEASE_SECONDS + 1)  # the last victims' claims run out; one more clean pass reconciles them
    final = spawn()
    final.join(120)

    assert kills == KILLS
    states = dict(MarketplaceOrder.objects.values_list("purchase_order_id", "status"))
    assert set(states.values()) <= {"posted", "needs_review"}, states
    assert stats.duplicate_references() == 0
    from connectors.ifs_cloud.adapter import Adapter

    adapter = Adapter(erp)
    for order in MarketplaceOrder.objects.filter(status="posted"):
        document = adapter.find_document(order.reference)
        assert document is not None and document.complete and document.number == order.erp_document_number
    assert stats.documents()["customer_orders"] == MarketplaceOrder.objects.filter(status="posted").count() \
        + MarketplaceOrder.objects.filter(status="needs_review", review_reason="ambiguous_outcome").count()
