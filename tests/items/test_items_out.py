"""items_out end to end (M3 and IFS through the real adapters, the feed engine and Walmart's item
feed emulator): a first run lists every mapped item once; a changed ERP item goes out once, an
unchanged one never; an invalid one is held with its problems on the SKU mapping; ERP items nobody
mapped show in the unmapped report as "not listed yet"."""

import io

import pytest
from django.core.management import call_command

from mappings.models import SkuMap, UnmappedSighting
from sandbox import stats
from sandbox.ifs_cloud import fulfil as ifs_fulfil
from sandbox.infor_m3 import fulfil as m3_fulfil
from syncs import flows
from syncs.items import flow as items_flow
from syncs.models import ItemState
from tests.shipments.conftest import integration
from tests.stock.conftest import set_throttle, walmart_account

TOUCH = {"demo-m3": m3_fulfil, "demo-ifs": ifs_fulfil}


def roomy(integ):
    set_throttle(walmart_account(integ), "MP_ITEM", file_size=25_000_000)
    return integ


@pytest.mark.parametrize("slug", ["demo-m3", "demo-ifs"])
def test_changed_items_go_once_unchanged_never(demo, advance, slug):
    integ = roomy(integration(slug, "items_out"))
    first = flows.run(integ, "items_out")
    valid = ItemState.objects.filter(integration=integ, desired__isnull=False).count()
    assert first["lines"] == valid > 0 and first["feeds"] >= 1
    advance(70)
    items_flow.work_feeds(integ)
    assert ItemState.objects.filter(integration=integ, sent__isnull=True, desired__isnull=False).count() == 0

    assert flows.run(integ, "items_out")["lines"] == 0  # nothing changed in the ERP: nothing sent
    touched = TOUCH[slug].touch_items(2)
    again = flows.run(integ, "items_out")
    mapped = SkuMap.objects.filter(integration=integ, erp_item__in=touched, active=True).count()
    assert again["lines"] == mapped and again["feeds"] == 1
    before = stats.collect()["walmart"]["documents"]["item_feeds"]
    advance(70)
    items_flow.work_feeds(integ)
    assert flows.run(integ, "items_out")["lines"] == 0
    assert stats.collect()["walmart"]["documents"]["item_feeds"] == before


def test_an_invalid_item_is_held_with_its_problems(demo):
    integ = roomy(integration("demo-ifs", "items_out"))
    mapping = SkuMap.objects.filter(integration=integ, active=True).exclude(erp_item="").order_by("walmart_sku").first()
    SkuMap.objects.filter(pk=mapping.pk).update(gtin="00012345678901")  # a wrong check digit, as an override
    flows.run(integ, "items_out")
    state = ItemState.objects.get(integration=integ, sku=mapping.walmart_sku)
    assert state.desired is None and state.in_flight is None and "check digit" in state.problems
    mapping.refresh_from_db()
    assert mapping.feed_error.startswith("Not sent to Walmart") and "check digit" in mapping.feed_error


def test_erp_items_nobody_mapped_show_as_not_listed_yet(demo):
    integ = roomy(integration("demo-m3", "items_out"))
    mapping = SkuMap.objects.filter(integration=integ, active=True).exclude(erp_item="").order_by("walmart_sku").first()
    SkuMap.objects.filter(pk=mapping.pk).update(active=False)
    integ.items_sku_pattern = "WM-{item}"
    integ.save()
    flows.run(integ, "items_out")
    sighting = UnmappedSighting.objects.get(integration=integ, value=f"WM-{mapping.erp_item}")
    assert sighting.detail == "not listed yet" and sighting.suggested_item == mapping.erp_item


def test_items_and_shipments_dry_runs_print_and_write_nothing(demo):
    from tests.stock.test_outbound_dry_run import snapshot

    integration("demo-m3", "items_out", "shipments_out")
    before = snapshot()
    out = io.StringIO()
    call_command("sync", "demo-m3", "items_out", "--dry-run", stdout=out)
    call_command("sync", "demo-m3", "shipments_out", "--dry-run", stdout=out)
    assert snapshot() == before
    assert "new listing" in out.getvalue() and "nothing written" in out.getvalue()
