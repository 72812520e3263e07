"""The feed engine under Walmart's failures, through inventory_out, the real client and the feed
emulator: a SKU Walmart does not know, a feed stuck in progress, a 429 on submit, an upload whose
answer is lost, and a throttle that allows fewer feeds than a run needs. Nothing lost, nothing doubled."""

import pytest

from connectors import clock
from mappings.models import SkuMap
from sandbox import stats
from sandbox.models import Fault
from sandbox.walmart_listings.models import Feed as WalmartFeed
from sandbox.walmart_listings.models import FeedItem
from syncs import flows
from syncs.models import Feed, InventoryState
from syncs.stock import inventory_out, outbound
from tests.stock.conftest import enable, set_throttle, walmart_account

S = Feed.State


@pytest.fixture
def ifs(demo):
    return enable("demo-ifs", "inventory_out")


def settle(ifs, advance, seconds=70):
    advance(seconds)
    return inventory_out.work_feeds(ifs)


def test_a_sku_walmart_does_not_know_is_marked_held_and_sent_again_only_after_a_fix(ifs, advance):
    known = SkuMap.objects.filter(integration=ifs, active=True).exclude(erp_item="").order_by("walmart_sku").first()
    SkuMap.objects.create(integration=ifs, walmart_sku="NOT-ON-WALMART-1", erp_item=known.erp_item)
    flows.run(ifs, "inventory_out")
    settle(ifs, advance)
    refused = InventoryState.objects.filter(integration=ifs, sku="NOT-ON-WALMART-1")
    assert refused.count() == 3
    assert all(r.error_kind == "data" and r.held_value == r.desired and r.sent is None for r in refused)
    mapping = SkuMap.objects.get(integration=ifs, walmart_sku="NOT-ON-WALMART-1")
    assert "SKU not found" in mapping.feed_error
    feed = Feed.objects.get(integration=ifs)
    assert feed.state == S.PROCESSED and feed.items_failed == 1
    assert InventoryState.objects.filter(integration=ifs, sent__isnull=True).count() == 3  # only the refused lines

    # Unchanged and unfixed: not sent again.
    assert flows.run(ifs, "inventory_out")["lines"] == 0
    # A fix of the mapping (changed after the refusal) releases the hold; only the failed lines go.
    SkuMap.objects.filter(pk=mapping.pk).update(updated_at=clock.now())
    again = flows.run(ifs, "inventory_out")
    assert again["lines"] == 3
    assert set(InventoryState.objects.filter(integration=ifs).exclude(feed=None).values_list("sku", flat=True)) == {
        "NOT-ON-WALMART-1"}
    settle(ifs, advance)
    assert flows.run(ifs, "inventory_out")["lines"] == 0  # refused again, held again
    # Staff's retry sends them once more.
    assert outbound.retry(InventoryState.objects.filter(integration=ifs, sku="NOT-ON-WALMART-1")) == 3
    assert flows.run(ifs, "inventory_out")["lines"] == 3


def test_a_feed_stuck_in_progress_times_out_and_its_lines_go_again(ifs, advance):
    account = walmart_account(ifs)
    account.settings = {**account.settings, "feed_processing_seconds": 10_000}
    account.save()
    first = flows.run(ifs, "inventory_out")
    stuck = Feed.objects.get(integration=ifs)
    advance(ifs.feed_timeout_minutes * 60 + 5)
    counts = inventory_out.work_feeds(ifs)
    stuck.refresh_from_db()
    assert stuck.state == S.TIMED_OUT
    assert counts["resent_lines"] == first["lines"]
    assert Feed.objects.filter(integration=ifs, state=S.SUBMITTED).count() == 1


def test_a_429_on_submit_leaves_the_feed_queued_then_it_goes(ifs, advance):
    Fault.objects.create(system="walmart", mode="throttle", method="POST", path_contains="/v3/feeds",
                         seconds=30, starts_at=clock.now())
    first = flows.run(ifs, "inventory_out")
    feed = Feed.objects.get(integration=ifs)
    assert feed.state == S.QUEUED and first["submit"] == {"waiting": 1}
    assert feed.next_attempt_at > clock.now()
    Fault.objects.all().delete()
    advance(60)
    # Walmart said 0 tokens left until the window refills; at 30 feeds an hour the next is 2 minutes on.
    assert inventory_out.work_feeds(ifs)["submit"] == {"waiting": 1}
    advance(150)
    counts = inventory_out.work_feeds(ifs)
    feed.refresh_from_db()
    assert counts["submit"] == {"submitted": 1} and feed.state == S.SUBMITTED
    settle(ifs, advance)
    assert WalmartFeed.objects.count() == 1
    assert InventoryState.objects.filter(integration=ifs, sent__isnull=True).count() == 0


def test_a_lost_answer_on_the_upload_is_found_not_sent_twice(ifs, advance):
    Fault.objects.create(system="walmart", mode="drop_after_commit", method="POST", path_contains="/v3/feeds",
                         starts_at=clock.now())
    first = flows.run(ifs, "inventory_out")
    Fault.objects.all().delete()
    feed = Feed.objects.get(integration=ifs)
    assert feed.state == S.SUBMITTED and first["submit"] == {"submitted": 1}
    assert WalmartFeed.objects.count() == 1
    assert feed.walmart_feed_id == WalmartFeed.objects.get().feed_id
    settle(ifs, advance)
    assert FeedItem.objects.count() == first["lines"] // 3  # one record per SKU, three nodes each
    assert stats.collect()["walmart"]["duplicate_references"] == 0
    assert InventoryState.objects.filter(integration=ifs).exclude(sent=models_f("desired")).count() == 0


def models_f(name):
    from django.db.models import F

    return F(name)


def test_n_feeds_an_hour_submits_n_and_the_rest_after_replenishment_without_a_429(ifs, advance):
    account = walmart_account(ifs)
    set_throttle(account, "MP_INVENTORY", count=4, window=3600, file_size=12_000)
    first = flows.run(ifs, "inventory_out")
    assert first["feeds"] == 6, "the file size should cut this run into N + 2 = 6 chunks"
    assert first["submit"] == {"submitted": 4, "waiting": 2}
    assert Feed.objects.filter(integration=ifs, state=S.QUEUED).count() == 2
    advance(900)  # one token every 15 minutes
    inventory_out.work_feeds(ifs)
    assert Feed.objects.filter(integration=ifs, state=S.QUEUED).count() == 1
    advance(900)
    inventory_out.work_feeds(ifs)
    assert Feed.objects.filter(integration=ifs, state=S.QUEUED).count() == 0
    assert stats.collect()["walmart"]["throttled"] == 0
    settle(ifs, advance)
    assert InventoryState.objects.filter(integration=ifs, sent__isnull=True).count() == 0
