"""Per ERP, a refusal the seller must fix lands in review with the ERP's own message, and after the
fix, approving posts the order once: unknown item in M3, closed period in CloudSuite, unknown GL
account in Exact, no open PO in PeopleSoft (caught by validation, before any receipt)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connectors import registry
from mappings.models import GlRule, SkuMap, SupplierMap
from sandbox import catalog
from sandbox import stats as sandbox_stats
from sandbox.peoplesoft.seed import ambiguous, no_match
from syncs.models import MarketplaceOrder
from syncs.orders import review
from syncs.orders.post import post_due
from syncs.orders.validate import validate
from tests.syncs.orderkit import add_order, demo_integration

S = MarketplaceOrder.Status


def item_for(system):
    """A catalog item each ERP takes as is (PeopleSoft: exactly one open PO of its supplier)."""
    for index, item in enumerate(catalog.items(), start=1):
        if index > 3 and not no_match(index) and not ambiguous(index):
            return item
    raise AssertionError


def approve(order):
    order.refresh_from_db()
    review.revalidate(order)
    validate(order.integration)
    post_due(order.integration)
    order.refresh_from_db()
    return order


def break_and_fix(system, integration, item):
    """(break the set-up, fix it, words of the ERP's message) for each ERP."""
    if system == "infor_m3":
        row = SkuMap.objects.get(integration=integration, walmart_sku=item.sku)
        return (lambda: SkuMap.objects.filter(pk=row.pk).update(erp_item="ITM99999"),
                lambda: SkuMap.objects.filter(pk=row.pk).update(erp_item=item.item_code), "ITM99999")
    if system == "exact_online":
        rules = GlRule.objects.filter(integration=integration, charge_type="PRODUCT")
        good = dict(rules.values_list("pk", "gl_account"))
        return (lambda: rules.update(gl_account="9999"),
                lambda: [GlRule.objects.filter(pk=pk).update(gl_account=code) for pk, code in good.items()], "9999")
    if system == "infor_cloudsuite":
        from sandbox.models import Account

        account = Account.objects.get(system=system)  # the one tenant app this test provisioned
        period = timezone.now().strftime("%Y%m")

        def close():
            account.settings["closed_periods"] = [period]
            account.save()

        def reopen():
            account.settings["closed_periods"] = []
            account.save()
        return close, reopen, "closed"
    if system == "peoplesoft":
        row = SupplierMap.objects.get(integration=integration, walmart_sku=item.sku)
        vendor = row.vendor_id
        return (lambda: SupplierMap.objects.filter(pk=row.pk).update(vendor_id="V9999"),
                lambda: SupplierMap.objects.filter(pk=row.pk).update(vendor_id=vendor), "V9999")
    raise AssertionError(system)


@pytest.mark.parametrize("system", ["infor_m3", "infor_cloudsuite", "exact_online", "peoplesoft"])
def test_erp_refusal_goes_to_review_with_its_message_then_posts_once_after_the_fix(sandbox, system):
    integration, _ = demo_integration(system, sandbox, check_stock=False)
    item = item_for(system)
    breaking, fixing, words = break_and_fix(system, integration, item)
    breaking()
    order = add_order(integration, "6600000000001", [(item.sku, 1, "15.00", "1.24", "3.99")],
                      ordered=timezone.now() - timedelta(minutes=2))
    validate(integration)
    post_due(integration)
    order.refresh_from_db()
    assert order.status == S.NEEDS_REVIEW and words in order.review_message, (order.review_reason, order.review_message)
    expected = {"peoplesoft": "no_po_match"}.get(system, "erp_rejected")
    assert order.review_reason == expected
    fixing()
    order = approve(order)
    assert order.status == S.POSTED and order.erp_document_number, (order.status, order.review_message)
    report = sandbox_stats.collect()[system]
    assert report["duplicate_references"] == 0
    document = registry.adapter_class(system)(integration.erp).find_document(order.reference)
    assert document is not None and document.number == order.erp_document_number
