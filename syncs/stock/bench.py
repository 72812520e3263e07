"""Benchmarks `inventory_out` and `prices_out` (`manage.py bench`): 100,000 SKUs (× 2 ship nodes for
stock) in IFS Cloud's emulator, served over real HTTP by a server thread of this process, and the
Walmart feed emulator behind it. A first run sends everything and is accepted (not measured); then
5 % of the ERP values change and the measured run computes and submits the delta; then a run with
nothing changed. Figures: `seconds`, `rss_mb` (peak of this process: setup, the runs),
`lines_sent`, `skus`, `unchanged_seconds`. Everything it creates is deleted at the end. The
emulators run in a gunicorn process of their own, as the vendors' systems would.
"""

import os
import resource
import socket
import subprocess
import sys
import time
import uuid
from decimal import Decimal

import requests
from django.conf import settings
from django.db import connection

from connectors.models import Connection
from mappings.models import ShipNodeMap, SkuMap
from syncs.models import Feed, Integration, InventoryState, PriceState

SKUS = 100_000
SITES = ("DAL1", "RNO1")
CHANGED = 0.05
SEED_SLICE = 10_000


def _serve():
    """The sandbox as the ERP and Walmart are in production: another process (gunicorn, as `dev.py run`
    starts it, on the same database), so the emulators' work does not share this process's core."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "SANDBOX_ENABLED": "true",
           "SITE_URL": base}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(settings.BASE_DIR / "config" / "gunicorn.conf.py"),
                               "config.wsgi"], cwd=settings.BASE_DIR, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            requests.get(base + "/healthz", timeout=1)
            return server, base
        except requests.RequestException:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the sandbox server for the benchmark did not start")


def _setup(base, skus, tag, *, page_size=5000):
    from sandbox.ifs_cloud import levels
    from sandbox.ifs_cloud.seed import provision_connection as ifs_connection
    from sandbox.walmart.seed import provision_connection as walmart_connection

    roomy = {"count": 1000, "window": 3600, "file_size": 25 * 2**20}
    walmart = walmart_connection(f"bench-wm-{tag}", base, feed_throttles={"MP_INVENTORY": roomy, "PRICE_AND_PROMOTION": roomy})
    realm = f"bench{tag}"
    # IFS serves at most `page_size` rows a call (server-driven paging), and we ask for that many.
    erp = ifs_connection(f"bench-ifs-{tag}", base, realm=realm, snapshot_site_read_above=200, max_page_size=page_size,
                         snapshot_page_size=page_size)
    integration = Integration.objects.create(slug=f"bench-{tag}", name="bench", walmart=walmart, erp=erp,
                                             enabled_flows=["inventory_out", "prices_out"], full_resend_hours=10_000,
                                             price_change_limit_percent=1000)
    items = [f"B{n:07d}" for n in range(skus)]
    for n, site in enumerate(SITES):
        ShipNodeMap.objects.create(integration=integration, ship_node=f"72140{7 + n}", warehouse=site)
    # Seeded in slices, so the setup's objects do not set the process's peak memory.
    for start in range(0, skus, SEED_SLICE):
        part = range(start, min(skus, start + SEED_SLICE))
        SkuMap.objects.bulk_create([SkuMap(integration=integration, walmart_sku=f"WM-B{n:07d}", erp_item=items[n])
                                    for n in part], batch_size=5000)
        levels.bulk_stock([(items[n], site, (n * 7 + i) % 50) for i, site in enumerate(SITES) for n in part], realm=realm)
        levels.bulk_prices([(items[n], Decimal(1000 + n % 9000) / 100) for n in part], realm=realm, site=SITES[0])
    return integration, items, realm


def _accept_everything(model, integration):
    model.objects.filter(integration=integration, in_flight__isnull=False).update(
        sent=models_f("in_flight"), in_flight=None, feed=None, run="")


def models_f(name):
    from django.db.models import F

    return F(name)


def _cleanup(integration, realm):
    from sandbox.ifs_cloud.models import InventoryPartInStock, SalesPart
    from sandbox.models import Account

    InventoryState.objects.filter(integration=integration).delete()
    PriceState.objects.filter(integration=integration).delete()
    Feed.objects.filter(integration=integration).delete()
    SkuMap.objects.filter(integration=integration).delete()
    ShipNodeMap.objects.filter(integration=integration).delete()
    from syncs.models import OutboundFlow, SyncRun

    OutboundFlow.objects.filter(integration=integration).delete()
    SyncRun.objects.filter(integration=integration).delete()
    walmart, erp = integration.walmart, integration.erp
    integration.delete()
    InventoryPartInStock.objects.filter(realm=realm).delete()
    SalesPart.objects.filter(realm=realm).delete()
    for conn in (walmart, erp):
        Account.objects.filter(key=conn.typed_config.client_id).delete()
        Connection.objects.filter(pk=conn.pk).delete()


def _measure(flow_run, integration):
    started = time.perf_counter()
    counts = flow_run(integration)
    return time.perf_counter() - started, counts


def _bench(flow, skus, change):
    from syncs import flows
    from syncs.stock import inventory_out, prices_out

    module = inventory_out if flow == "inventory_out" else prices_out
    model = InventoryState if flow == "inventory_out" else PriceState
    server, base = _serve()
    tag = uuid.uuid4().hex[:6]
    integration, items, realm = _setup(base, skus, tag)
    try:
        flows.run(integration, flow)  # the first run: every line; Walmart accepts them (not measured)
        _accept_everything(model, integration)
        change(items[: int(len(items) * CHANGED)], realm)
        seconds, counts = _measure(lambda i: module.run(i), integration)
        _accept_everything(model, integration)
        unchanged, quiet = _measure(lambda i: module.run(i), integration)
        submitted = Feed.objects.filter(integration=integration, state=Feed.State.SUBMITTED).count()
        return {"seconds": round(seconds, 2), "feeds_submitted": submitted, "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "lines_sent": counts["lines"], "skus": skus, "feeds": counts["feeds"],
                "unchanged_seconds": round(unchanged, 2), "unchanged_lines_sent": quiet["lines"]}
    finally:
        server.terminate()
        server.wait(timeout=30)
        connection.close()
        _cleanup(integration, realm)


def _change_stock(items, realm):
    from sandbox.ifs_cloud.models import InventoryPartInStock

    InventoryPartInStock.objects.filter(realm=realm, part_no__in=items).update(
        qty_onhand=models_f("qty_onhand") + 3, available_qty=models_f("available_qty") + 3)


def _change_prices(items, realm):
    from sandbox.ifs_cloud.models import SalesPart

    SalesPart.objects.filter(realm=realm, catalog_no__in=items).update(list_price=models_f("list_price") + 1)


def inventory_out(skus=SKUS):
    return _bench("inventory_out", skus, _change_stock)


def prices_out(skus=SKUS):
    return _bench("prices_out", skus, _change_prices)
