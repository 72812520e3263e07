"""Validation of pending orders: reason codes, the stock reservation ledger, the out-of-stock policy,
and two orders racing for the last unit (exactly one passes)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from connectors.models import Connection
from mappings import demo as mapping_demo
from mappings.models import SightingKind, UnmappedSighting
from syncs.models import Integration, MarketplaceOrder, StockReservation
from syncs.orders.validate import validate
from tests.syncs.orderkit import ScriptedErp, add_order, walmart_order
from syncs.orders.normalise import store

S = MarketplaceOrder.Status
SKU, ITEM, SKU2, ITEM2 = "WM-KITC-0001", "ITM00001", "WM-GARD-0002", "ITM00002"


def make_integration(slug="acme"):
    walmart = Connection.objects.create(name=f"wm-{slug}", system="walmart", config={"client_id": "x"})
    erp = Connection.objects.create(name=f"exact-{slug}", system="exact_online", config={})
    integration = Integration.objects.create(slug=slug, name=slug, walmart=walmart, erp=erp, enabled_flows=["orders_in"])
    mapping_demo.seed(integration)
    return integration


@pytest.fixture
def exact(db):
    return make_integration()


def status(order):
    order.refresh_from_db()
    return order.status, order.review_reason


def test_mapping_problems_send_the_order_to_review_with_reason_codes(exact):
    erp = ScriptedErp(stock={(ITEM, "DAL"): 9})
    unmapped_sku = add_order(exact, "1", [("NOPE-1", 1, "5.00", "0.40", 0)])
    unmapped_node = add_order(exact, "2", [(SKU, 1, "5.00", "0.40", 0)], ship_node="721499")
    no_street = add_order(exact, "3", [(SKU, 1, "5.00", "0.40", 0)], address1="")
    good = add_order(exact, "4", [(SKU, 1, "5.00", "0.40", 0)])
    assert validate(exact, adapter=erp) == {"needs_review": 3, "ready": 1}
    assert status(unmapped_sku) == (S.NEEDS_REVIEW, "unmapped_sku")
    assert status(unmapped_node) == (S.NEEDS_REVIEW, "unmapped_node")
    assert status(no_street) == (S.NEEDS_REVIEW, "invalid_address")
    assert "no street" in no_street.review_message
    assert status(good) == (S.READY, "")
    assert UnmappedSighting.objects.filter(kind=SightingKind.SKU, value="NOPE-1").exists()


def test_an_order_cancelled_on_walmart_before_validation_is_cancelled(exact):
    data = walmart_order("5", [(SKU, 2, "5.00", "0.40", 0)])
    status_row = data["orderLines"]["orderLine"][0]["orderLineStatuses"]["orderLineStatus"][0]
    status_row.update(status="Cancelled", cancellationReason="CUSTOMER_CANCEL")
    order, _ = store(exact, data)
    assert validate(exact, adapter=ScriptedErp()) == {"cancelled": 1}
    assert status(order)[0] == S.CANCELLED


def test_stock_minus_reservations_decides_and_the_ledger_holds_ready_orders(exact):
    erp = ScriptedErp(stock={(ITEM, "DAL"): 3})
    first = add_order(exact, "10", [(SKU, 2, "5.00", "0.40", 0)])
    assert validate(exact, adapter=erp) == {"ready": 1}
    second = add_order(exact, "11", [(SKU, 2, "5.00", "0.40", 0)])
    assert validate(exact, adapter=erp) == {"needs_review": 1}
    assert status(second) == (S.NEEDS_REVIEW, "out_of_stock")
    assert "ITM00001 at DAL: 2 needed, 1 available" in second.review_message
    reserved = StockReservation.objects.get(order=first)
    assert (reserved.erp_item, reserved.warehouse, reserved.quantity) == (ITEM, "DAL", Decimal("2"))


def test_out_of_stock_policy_reject_cancels_with_the_chosen_reason(exact):
    exact.out_of_stock_policy = Integration.OutOfStock.REJECT
    exact.save()
    order = add_order(exact, "12", [(SKU, 1, "5.00", "0.40", 0)])
    assert validate(exact, adapter=ScriptedErp(stock={})) == {"rejected": 1}
    order.refresh_from_db()
    assert (order.status, order.cancel_state, order.cancel_reason) == (S.REJECTED, "pending", "SELLER_CANCEL_OUT_OF_STOCK")


def test_integrations_sharing_an_erp_share_its_reservations(db):
    one, two = make_integration("one"), make_integration("two")
    Integration.objects.filter(pk=two.pk).update(erp=one.erp)
    two.refresh_from_db()
    erp = ScriptedErp(stock={(ITEM, "DAL"): 1})
    add_order(one, "20", [(SKU, 1, "5.00", "0.40", 0)])
    late = add_order(two, "21", [(SKU, 1, "5.00", "0.40", 0)])
    assert validate(one, adapter=erp) == {"ready": 1}
    assert validate(two, adapter=erp) == {"needs_review": 1}
    assert status(late) == (S.NEEDS_REVIEW, "out_of_stock")


def test_erp_outage_during_validation_leaves_orders_pending(exact):
    from connectors.errors import RecoverableError

    class Down(ScriptedErp):
        def stock_levels(self, items, warehouse):
            raise RecoverableError("503")

    order = add_order(exact, "30", [(SKU, 1, "5.00", "0.40", 0)])
    assert validate(exact, adapter=Down()) == {"waiting": 1}
    assert status(order) == (S.PENDING, "")


@pytest.mark.django_db(transaction=True)
def test_two_orders_for_the_last_unit_validated_concurrently_one_passes():
    integration = make_integration()
    orders = [add_order(integration, f"4{i}", [(SKU2, 1, "9.00", "0.70", 0)]) for i in range(2)]
    barrier = threading.Barrier(2)
    results, errors = {}, []

    class Racing(ScriptedErp):
        def stock_levels(self, items, warehouse):
            levels = super().stock_levels(items, warehouse)
            barrier.wait(timeout=10)  # both have read "1 in stock" before either decides
            return levels

    def work(order):
        try:
            results[order.pk] = validate(integration, adapter=Racing(stock={(ITEM2, "DAL"): 1}), orders=[order])
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(MarketplaceOrder.objects.prefetch_related("lines__charges").get(pk=o.pk),))
               for o in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    outcomes = sorted(tuple(map(str, status(order))) for order in orders)
    assert outcomes == [("needs_review", "out_of_stock"), ("ready", "")]
    assert StockReservation.objects.filter(released_at__isnull=True).count() == 1
