"""prices_out end to end: IFS Cloud list prices (and Exact Online prices with cost) to Walmart by
PRICE_AND_PROMOTION feed, through the real adapters and the feed emulator. Only changes go, never a
single PUT /v3/price; the guardrail holds big changes, prices of 0 and prices below cost for staff."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from audit.models import AuditEvent
from mappings.models import SkuMap
from sandbox.exact_online import levels as exact_levels
from sandbox.ifs_cloud import levels as ifs_levels
from sandbox.models import Call
from sandbox.walmart_listings.models import Listing
from syncs import flows
from syncs.models import PriceApproval, PriceState
from syncs.stock import prices_out
from tests.stock.conftest import enable, walmart_account


@pytest.fixture
def ifs(demo):
    return enable("demo-ifs", "prices_out")


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("pricing", password="x")


def settle(integration, advance):
    advance(70)
    return prices_out.work_feeds(integration)


def walmart_price(integration, sku):
    return Listing.objects.get(account=walmart_account(integration), sku=sku).price


def no_single_price_calls():
    return not Call.objects.filter(system="walmart", method="PUT", path__contains="/v3/price").exists()


def test_prices_go_by_feed_and_only_changes_follow(ifs, advance):
    first = flows.run(ifs, "prices_out")
    mapped = SkuMap.objects.filter(integration=ifs, active=True).exclude(erp_item="").count()
    sent = PriceState.objects.filter(integration=ifs, desired__isnull=False).count()
    assert first["lines"] == sent > 0 and sent <= mapped
    settle(ifs, advance)
    row = PriceState.objects.filter(integration=ifs, sent__isnull=False).order_by("sku").first()
    assert walmart_price(ifs, row.sku) == row.sent == row.desired

    ifs_levels.set_price(row.erp_item, change_percent=Decimal("10"))
    second = flows.run(ifs, "prices_out")
    assert second["lines"] == 1 and second["awaiting_approval"] == 0
    settle(ifs, advance)
    row.refresh_from_db()
    assert walmart_price(ifs, row.sku) == row.sent == (row.erp_price * 1).quantize(Decimal("0.01"))
    assert flows.run(ifs, "prices_out")["lines"] == 0
    assert no_single_price_calls()


def test_a_change_beyond_the_guardrail_waits_for_approval_then_goes(ifs, advance, staff):
    flows.run(ifs, "prices_out")
    settle(ifs, advance)
    row = PriceState.objects.filter(integration=ifs, sent__isnull=False).order_by("sku").first()
    before = walmart_price(ifs, row.sku)
    ifs_levels.set_price(row.erp_item, change_percent=Decimal("35"))
    held = flows.run(ifs, "prices_out")
    assert (held["lines"], held["awaiting_approval"]) == (0, 1)
    approval = PriceApproval.objects.get(integration=ifs, sku=row.sku, state="pending")
    assert approval.reason == "change" and approval.old_price == before and approval.change_percent == Decimal("35.0")
    assert flows.run(ifs, "prices_out")["lines"] == 0  # still waiting, asked once
    assert PriceApproval.objects.filter(integration=ifs, sku=row.sku).count() == 1
    settle(ifs, advance)
    assert walmart_price(ifs, row.sku) == before

    prices_out.decide(approval, approve=True, user=staff)
    assert flows.run(ifs, "prices_out")["lines"] == 1
    settle(ifs, advance)
    assert walmart_price(ifs, row.sku) == approval.new_price
    assert AuditEvent.objects.filter(action="price.approved", object_id=row.sku, user=staff).exists()
    assert no_single_price_calls()


def test_a_rejected_price_is_held_until_the_erp_price_changes_again(ifs, advance, staff):
    flows.run(ifs, "prices_out")
    settle(ifs, advance)
    row = PriceState.objects.filter(integration=ifs, sent__isnull=False).order_by("sku").first()
    ifs_levels.set_price(row.erp_item, price=Decimal("0"))
    assert flows.run(ifs, "prices_out")["awaiting_approval"] == 1
    approval = PriceApproval.objects.get(integration=ifs, sku=row.sku, state="pending")
    assert approval.reason == "not_positive"
    prices_out.decide(approval, approve=False, user=staff)
    assert flows.run(ifs, "prices_out")["lines"] == 0
    row.refresh_from_db()
    assert row.held_value == Decimal("0") and "Rejected" in row.error
    ifs_levels.set_price(row.erp_item, price=row.sent + Decimal("1"))
    assert flows.run(ifs, "prices_out")["lines"] == 1


def test_another_currency_cannot_be_approved(ifs, staff):
    ifs.price_currency = "CAD"
    ifs.save()
    counts = flows.run(ifs, "prices_out")
    assert counts["lines"] == 0 and counts["awaiting_approval"] > 0
    approval = PriceApproval.objects.filter(integration=ifs, state="pending").first()
    assert approval.reason == "currency"
    with pytest.raises(ValueError, match="CAD"):
        prices_out.decide(approval, approve=True, user=staff)


def test_below_cost_waits_for_approval_with_exact(demo, advance):
    exact = enable("demo-exact", "prices_out")
    flows.run(exact, "prices_out")
    settle(exact, advance)
    row = PriceState.objects.filter(integration=exact, cost__isnull=False, sent__gt=0).order_by("sku").first()
    assert row is not None, "Exact Online prices carry a cost"
    exact_levels.set_price(row.erp_item, price=(row.cost - Decimal("0.50")) / (row.desired / row.erp_price))
    counts = flows.run(exact, "prices_out")
    assert counts["awaiting_approval"] == 1
    assert PriceApproval.objects.get(integration=exact, sku=row.sku, state="pending").reason == "below_cost"
