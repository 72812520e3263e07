"""`sync INTEGRATION inventory_out|prices_out|inventory_in --dry-run` prints the lines the next run
would send (old -> new, why) and writes nothing: no feed, no state row, no audit, no run history,
no emulator document."""

import io

from django.apps import apps
from django.core.management import call_command

from sandbox import stats
from sandbox.ifs_cloud import levels as ifs_levels
from syncs import flows
from syncs.models import InventoryState
from syncs.stock import inventory_out
from tests.stock.conftest import enable

OURS = [m for label in ("syncs", "audit", "mappings", "connectors") for m in apps.get_app_config(label).get_models()]
SKIP = {"RateLimitBucket", "Connection"}  # reads refresh tokens and feed the shared limiter (DESIGN §8 --dry-run)


def snapshot():
    rows = {m.__name__: m.objects.count() for m in OURS if m.__name__ not in SKIP}
    return rows, {system: figures["documents"] for system, figures in stats.collect().items()}


def dry_run(slug, flow):
    out = io.StringIO()
    call_command("sync", slug, flow, "--dry-run", stdout=out)
    return out.getvalue()


def test_inventory_out_dry_run_prints_the_changed_lines_and_writes_nothing(demo, advance):
    ifs = enable("demo-ifs", "inventory_out")
    before = snapshot()
    text = dry_run("demo-ifs", "inventory_out")
    assert snapshot() == before
    assert "new line" in text and "nothing written" in text

    flows.run(ifs, "inventory_out")
    advance(70)
    inventory_out.work_feeds(ifs)
    state = InventoryState.objects.filter(integration=ifs, warehouse="DAL1").order_by("sku").first()
    ifs_levels.set_stock(state.erp_item, "DAL1", (state.erp_available or 0) + 4)
    before = snapshot()
    text = dry_run("demo-ifs", "inventory_out")
    assert snapshot() == before
    assert f"{state.sku} @ {state.ship_node}: {state.sent} -> {state.sent + 4} (changed" in text
    assert "1 lines would be sent" in text


def test_prices_out_and_inventory_in_dry_runs_write_nothing(demo):
    enable("demo-ifs", "prices_out")
    enable("demo-exact", "inventory_in")
    before = snapshot()
    text = dry_run("demo-ifs", "prices_out")
    assert "USD (new line)" in text
    dry_run("demo-exact", "inventory_in")
    assert snapshot() == before
