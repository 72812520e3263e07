"""Issue 5's intake guarantee: 200 Walmart orders, each delivered 3 times by webhook AND seen again by
a poll, worked by two worker processes at once (PostgreSQL): exactly 200 orders, 200 inbox rows, 0 errors."""

import multiprocessing
import os

import pytest

# Nothing from Django at module level: the spawned workers import this module before django.setup().
ORDERS = 200
WORKERS = 2


def _worker(db_name, account_pk, barrier, results):
    """A separate OS process with its own Django and database connection, working the inbox until it is empty."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = db_name
    import django

    django.setup()
    from connectors.models import Connection
    from syncs.orders.inbox import process_account

    account = Connection.objects.get(pk=account_pk)
    barrier.wait(timeout=60)
    totals = {"processed": 0, "failed": 0, "retry": 0}
    try:
        while True:
            counts = process_account(account, limit=20)
            for key, value in counts.items():
                totals[key] += value
            if not any(counts.values()):
                break
        results.put(("ok", totals))
    except Exception as exc:  # reported to the parent, which fails the test with it
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        from django.db import connections

        connections.close_all()


@pytest.mark.postgres_only
@pytest.mark.slow
def test_duplicates_from_webhooks_retries_and_polls_make_one_order_each(sandbox, settings):
    from django.db import connection as db_connection

    from connectors.models import Connection
    from sandbox import clock, credentials
    from sandbox.walmart import generator, webhooks
    from sandbox.walmart.models import Delivery
    from sandbox.walmart.seed import provision_connection
    from syncs.intake.subscribe import subscribe
    from syncs.models import InboxEvent, Integration, MarketplaceOrder
    from syncs.orders.poll import poll_account

    if db_connection.vendor != "postgresql":
        pytest.skip("needs a database shared by several processes (PostgreSQL)")
    settings.SITE_URL = sandbox  # Walmart (the emulator) delivers to our live test server
    walmart = provision_connection("wm", sandbox)
    integrations = []
    for slug, system in (("acme-ifs", "ifs_cloud"), ("acme-m3", "infor_m3")):
        erp = Connection.objects.create(name=f"erp-{slug}", system=system, config={})
        integration = Integration(slug=slug, name=slug, walmart=walmart, erp=erp, enabled_flows=["orders_in"],
                                  webhook_auth="hmac", webhook_header="X-Walmart-Signature")
        integration.set_webhook_secret("two-workers-secret")
        integration.save()
        integrations.append(integration)
    subscribe(integrations[0], test=False)
    account = credentials.find_account("walmart", walmart.typed_config.client_id)

    generator.generate_orders(account, ORDERS, seed=7)  # first delivery of every event
    assert InboxEvent.objects.count() == ORDERS
    for _ in range(2):  # Walmart retries every delivery twice more (same event, same body)
        Delivery.objects.update(status=Delivery.Status.PENDING, attempts=0, next_attempt_at=clock.now())
        webhooks.deliver_due()
        assert Delivery.objects.filter(status=Delivery.Status.DELIVERED, last_status_code=200).count() == ORDERS
    assert InboxEvent.objects.count() == ORDERS  # 600 deliveries, 200 rows
    assert poll_account(walmart)["new"] == 0  # the poll sees them all again, and adds nothing

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(WORKERS), context.Queue()
    processes = [context.Process(target=_worker, args=(db_connection.settings_dict["NAME"], walmart.pk, barrier, results))
                 for _ in range(WORKERS)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=30)

    assert [kind for kind, _ in outcomes] == ["ok"] * WORKERS, outcomes
    totals = [counts for _, counts in outcomes]
    assert sum(t["processed"] for t in totals) == ORDERS and sum(t["failed"] + t["retry"] for t in totals) == 0
    assert InboxEvent.objects.filter(kind="order").count() == ORDERS
    assert not InboxEvent.objects.exclude(status=InboxEvent.Status.PROCESSED).exists()
    for integration in integrations:
        assert MarketplaceOrder.objects.filter(integration=integration).count() == ORDERS
