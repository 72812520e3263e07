"""The posting state machine (syncs.posting) over orders, driven through an in-memory ERP double:
every branch of DESIGN §4.6 — post once, back off, give up, ambiguous outcomes, stale claims, replay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from connectors.errors import PermanentError, RecoverableError
from connectors.models import Connection
from mappings import demo as mapping_demo
from syncs.models import Integration, MarketplaceOrder, StockReservation
from syncs.orders import review
from syncs.orders.post import OrderJob, post_due
from syncs.orders.validate import validate
from tests.syncs.orderkit import ScriptedErp, add_order

S = MarketplaceOrder.Status
SKU, ITEM = "WM-KITC-0001", "ITM00001"


@pytest.fixture
def exact(db):
    walmart = Connection.objects.create(name="wm", system="walmart", config={"client_id": "x"})
    erp = Connection.objects.create(name="exact", system="exact_online", config={})
    integration = Integration.objects.create(slug="acme", name="Acme", walmart=walmart, erp=erp,
                                             enabled_flows=["orders_in"], post_max_attempts=3)
    mapping_demo.seed(integration)
    return integration


def ready_order(integration, erp, po="1000000000001", lines=((SKU, 1, "19.99", "1.65", "4.99"),)):
    order = add_order(integration, po, list(lines))
    assert validate(integration, adapter=erp) == {"ready": 1}
    order.refresh_from_db()
    return order


def actions(order):
    return list(AuditEvent.objects.filter(object_id=order.purchase_order_id, action__startswith="order.post")
                .order_by("id").values_list("action", flat=True))


def test_ready_order_posts_once_and_releases_its_reservation(exact):
    erp = ScriptedErp(stock={(ITEM, "DAL"): 5})
    order = ready_order(exact, erp)
    assert StockReservation.objects.filter(order=order, released_at__isnull=True).count() == 1
    assert post_due(exact, adapter=erp) == {"posted": 1}
    order.refresh_from_db()
    assert (order.status, order.erp_document_number, order.attempts) == (S.POSTED, "DOC0001", 1)
    assert erp.lookups == 0  # a first attempt costs no lookup (M3: one call per order)
    assert not StockReservation.objects.filter(order=order, released_at__isnull=True).exists()
    assert actions(order) == ["order.post.requested", "order.post.succeeded"]
    assert post_due(exact, adapter=erp) == {}  # nothing due: never a second post
    posting = erp.posts[0][0]
    assert posting.reference == order.purchase_order_id and posting.customer == "WALMART-MP"
    assert posting.order_total == order.order_total == posting.product_total + posting.shipping_total + posting.tax_total


def test_recoverable_errors_back_off_then_give_up_to_review(exact, monkeypatch):
    erp = ScriptedErp(stock={(ITEM, "DAL"): 5})
    erp.script.extend(["recoverable"] * 3)
    order = ready_order(exact, erp)
    before = timezone.now()
    assert post_due(exact, adapter=erp) == {"retry_wait": 1}
    order.refresh_from_db()
    assert order.status == S.RETRY_WAIT and order.next_attempt_at >= before + timedelta(seconds=15)
    assert post_due(exact, adapter=erp) == {}  # not due yet: no retry storm
    assert post_due(exact, adapter=erp, retry_now=True) == {"retry_wait": 1}
    first_wait = order.next_attempt_at - before
    order.refresh_from_db()
    assert order.next_attempt_at - timezone.now() > first_wait / 2  # the wait grows (30 s, 60 s, ... with jitter)
    assert post_due(exact, adapter=erp, retry_now=True) == {"needs_review": 1}
    order.refresh_from_db()
    assert (order.status, order.review_reason) == (S.NEEDS_REVIEW, "attempts_exceeded")
    assert "503" in order.review_message and erp.documents == {}
    failed = AuditEvent.objects.filter(object_id=order.purchase_order_id, action="order.post.failed")
    assert [e.data.get("retry_in_seconds") is not None for e in failed.order_by("id")] == [True, True, False]


def test_commit_then_dropped_answer_is_reconciled_without_a_second_post(exact):
    erp = ScriptedErp(stock={(ITEM, "DAL"): 5})
    erp.script.append("commit_then_drop")
    order = ready_order(exact, erp)
    assert post_due(exact, adapter=erp) == {"posted": 1}
    order.refresh_from_db()
    assert order.status == S.POSTED and order.erp_document_number == "DOC0001"
    assert len(erp.posts) == 1 and erp.lookups == 1
    assert actions(order) == ["order.post.requested", "order.post.ambiguous", "order.post.reconciled"]


def test_lost_request_is_retried_after_looking_first(exact):
    erp = ScriptedErp(stock={(ITEM, "DAL"): 5})
    erp.script.append("drop")
    order = ready_order(exact, erp)
    assert post_due(exact, adapter=erp) == {"retry_wait": 1}
    assert post_due(exact, adapter=erp, retry_now=True) == {"posted": 1}
    assert len(erp.documents) == 1 and erp.lookups == 2  # after the drop, and again before the retry
    order.refresh_from_db()
    assert order.attempts == 2


def test_half_done_post_is_completed_not_duplicated(exact):
    erp = ScriptedErp(stock={(ITEM, "DAL"): 5})
    erp.script.append("half")
    order = ready_order(exact, erp)
    assert post_due(exact, adapter=erp) == {"retry_wait": 1}
    assert post_due(exact, adapter=erp, retry_now=True) == {"posted": 1}
    assert erp.posts[1][1] is not None and erp.posts[1][1].complete is False  # completed via `existing`
    assert len(erp.documents) == 1 and erp.documents[order.purchase_order_id].complete


def test_stale_claim_of_a_killed_worker_is_reconciled(exact):
    erp = ScriptedErp(stock={(ITEM, "DAL"): 5})
    order = ready_order(exact, erp)
    # A worker claimed the order, the ERP committed, the worker died before recording it.
    erp._create(erp_posting := OrderJob(exact).build(order))
    MarketplaceOrder.objects.filter(pk=order.pk).update(status=S.POSTING, attempts=1, claim_owner="dead",
                                                        claimed_until=timezone.now() - timedelta(seconds=1))
    assert post_due(exact, adapter=erp) == {"posted": 1}
    order.refresh_from_db()
    assert order.status == S.POSTED and erp.posts == [] and erp_posting.reference in erp.documents
    assert actions(order) == ["order.post.reconciled"]


def test_live_claim_is_not_taken(exact):
    erp = ScriptedErp(stock={(ITEM, "DAL"): 5})
    order = ready_order(exact, erp)
    MarketplaceOrder.objects.filter(pk=order.pk).update(status=S.POSTING, claim_owner="alive",
                                                        claimed_until=timezone.now() + timedelta(seconds=60))
    assert post_due(exact, adapter=erp) == {}
    assert erp.posts == []


@pytest.mark.parametrize("code, reason", [("no_po_match", "no_po_match"), (None, "erp_rejected")])
def test_permanent_errors_go_to_review_with_the_erp_message(exact, code, reason):
    erp = ScriptedErp(stock={(ITEM, "DAL"): 5})
    erp.script.append(("permanent", code))
    order = ready_order(exact, erp)
    assert post_due(exact, adapter=erp) == {"needs_review": 1}
    order.refresh_from_db()
    assert (order.status, order.review_reason) == (S.NEEDS_REVIEW, reason)
    assert "ERP says no" in order.review_message


def test_ambiguous_outcome_the_erp_cannot_settle_goes_to_review(exact):
    erp = ScriptedErp(stock={(ITEM, "DAL"): 5})
    erp.script.append("drop")
    erp.lookup_error = PermanentError("lookup by reference is not possible")
    order = ready_order(exact, erp)
    assert post_due(exact, adapter=erp) == {"needs_review": 1}
    order.refresh_from_db()
    assert order.review_reason == "ambiguous_outcome" and "lookup by reference" in order.review_message


def test_lookup_outage_before_a_retry_waits_instead_of_posting(exact):
    erp = ScriptedErp(stock={(ITEM, "DAL"): 5})
    erp.script.append("drop")
    order = ready_order(exact, erp)
    post_due(exact, adapter=erp)
    erp.lookup_error = RecoverableError("ERP down")
    assert post_due(exact, adapter=erp, retry_now=True) == {"retry_wait": 1}
    assert len(erp.posts) == 1  # never posted blind
    erp.lookup_error = None
    assert post_due(exact, adapter=erp, retry_now=True) == {"posted": 1}
    order.refresh_from_db()
    assert order.status == S.POSTED and len(erp.documents) == 1


def test_replay_after_fixing_posts_once_looking_first(exact):
    erp = ScriptedErp(stock={(ITEM, "DAL"): 5})
    erp.script.append(("permanent", None))
    order = ready_order(exact, erp)
    post_due(exact, adapter=erp)
    order.refresh_from_db()
    review.replay(order)
    assert post_due(exact, adapter=erp) == {"posted": 1}
    assert erp.lookups == 1 and len(erp.documents) == 1
    order.refresh_from_db()
    with pytest.raises(review.DecisionError):
        review.replay(order)  # posted: nothing to replay
