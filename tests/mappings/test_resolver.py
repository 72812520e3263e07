"""The resolver: ERP targets or reason codes per order line, in a fixed number of queries."""

from decimal import Decimal

import pytest

from mappings.models import CarrierMap, CustomerMap, GlRule, ShipNodeMap, SkuMap, SupplierMap, UnmappedSighting
from mappings.resolve import OrderLine, Resolver
from mappings.unmapped import record_misses

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(exact):
    SkuMap.objects.create(integration=exact, walmart_sku="WM-1", erp_item="ITM1", factor=Decimal("12"),
                          unit="EA", category="Toys")
    SkuMap.objects.create(integration=exact, walmart_sku="WM-2", erp_item="ITM2", category="Garden")
    ShipNodeMap.objects.create(integration=exact, ship_node="721407", warehouse="DAL")
    return exact


def _gl(integration, level, scope, charge, account):
    GlRule.objects.create(integration=integration, level=level, scope=scope, charge_type=charge, gl_account=account)


def test_line_resolves_to_item_quantity_and_warehouse(mapped):
    _gl(mapped, "default", "*", "PRODUCT", "8000")
    [line] = Resolver(mapped).resolve_lines([OrderLine("WM-1", Decimal("2"), "721407")])
    assert line.ok
    assert (line.erp_item, line.quantity, line.unit, line.warehouse) == ("ITM1", Decimal("24"), "EA", "DAL")
    assert line.gl["PRODUCT"].gl_account == "8000"


def test_gl_precedence_per_charge_type_sku_then_category_then_default(mapped):
    _gl(mapped, "default", "*", "PRODUCT", "8000")
    _gl(mapped, "category", "Toys", "PRODUCT", "8010")
    _gl(mapped, "sku", "WM-1", "PRODUCT", "8011")
    _gl(mapped, "category", "Toys", "SHIPPING", "8110")
    _gl(mapped, "default", "*", "SHIPPING", "8100")
    _gl(mapped, "default", "*", "TAX", "2200")
    charges = ("PRODUCT", "SHIPPING", "TAX", "FEE")
    one, two = Resolver(mapped).resolve_lines(
        [OrderLine("WM-1", 1, "721407", charges), OrderLine("WM-2", 1, "721407", charges)])
    assert {c: (t.level, t.gl_account) for c, t in one.gl.items()} == {
        "PRODUCT": ("sku", "8011"), "SHIPPING": ("category", "8110"), "TAX": ("default", "2200")}
    assert {c: (t.level, t.gl_account) for c, t in two.gl.items()} == {
        "PRODUCT": ("default", "8000"), "SHIPPING": ("default", "8100"), "TAX": ("default", "2200")}
    # FEE has no rule at any level: a reason, never a guess.
    assert [r.code for r in one.reasons] == ["unmapped_gl"] and "FEE" in one.reasons[0].message


def test_inactive_rows_count_as_unmapped_and_misses_are_recorded(mapped):
    SkuMap.objects.filter(walmart_sku="WM-2").update(active=False)
    _gl(mapped, "default", "*", "PRODUCT", "8000")
    resolver = Resolver(mapped)
    lines = resolver.resolve_lines([OrderLine("WM-2", 1, "721407"), OrderLine("WM-9", 1, "999"),
                                    OrderLine("WM-9", 1, "721407")])
    assert [[r.code for r in line.reasons] for line in lines] == [
        ["unmapped_sku"], ["unmapped_sku", "unmapped_node"], ["unmapped_sku"]]
    record_misses(mapped, resolver.misses)
    record_misses(mapped, resolver.misses)
    assert sorted(UnmappedSighting.objects.values_list("kind", "value", "count")) == [
        ("ship_node", "999", 2), ("sku", "WM-2", 2), ("sku", "WM-9", 4)]


def test_rejected_or_incomplete_mapping_is_invalid_mapping(mapped):
    SkuMap.objects.filter(walmart_sku="WM-1").update(verify_state="invalid", verify_message="Item ITM1 not found")
    SkuMap.objects.filter(walmart_sku="WM-2").update(erp_item="")  # e.g. imported before the ERP changed
    _gl(mapped, "default", "*", "PRODUCT", "8000")
    one, two = Resolver(mapped).resolve_lines([OrderLine("WM-1", 1, "721407"), OrderLine("WM-2", 1, "721407")])
    assert [r.code for r in one.reasons] == ["invalid_mapping"] and "Item ITM1 not found" in one.reasons[0].message
    assert [r.code for r in two.reasons] == ["invalid_mapping"] and "Exact Online needs an item Code" in two.reasons[0].message


def test_customer_precedence_and_unmapped_customer(mapped):
    resolver = Resolver(mapped)
    assert resolver.resolve_customer("SellerFulfilled", "TX")[1].code == "unmapped_customer"
    CustomerMap.objects.create(integration=mapped, erp_customer="ALL")
    CustomerMap.objects.create(integration=mapped, ship_to_state="TX", erp_customer="TEXAS")
    CustomerMap.objects.create(integration=mapped, channel="WFSFulfilled", erp_customer="WFS")
    resolver = Resolver(mapped)
    assert resolver.resolve_customer("SellerFulfilled", "tx") == ("TEXAS", None)
    assert resolver.resolve_customer("WFSFulfilled", "TX") == ("WFS", None)
    assert resolver.resolve_customer("SellerFulfilled", "NV") == ("ALL", None)


def test_carrier_and_supplier_reasons(make_integration):
    soft = make_integration("peoplesoft", "acme-ps")
    SkuMap.objects.create(integration=soft, walmart_sku="WM-1", erp_item="ITM1")
    ShipNodeMap.objects.create(integration=soft, ship_node="721407", warehouse="US001")
    CarrierMap.objects.create(integration=soft, erp_carrier="UPSG", walmart_carrier="UPS", method_code="Standard")
    resolver = Resolver(soft)
    [line] = resolver.resolve_lines([OrderLine("WM-1", 1, "721407")])
    assert [r.code for r in line.reasons] == ["no_supplier"]
    SupplierMap.objects.create(integration=soft, walmart_sku="WM-1", vendor_id="V1001", business_unit="US001")
    [line] = Resolver(soft).resolve_lines([OrderLine("WM-1", 1, "721407")])
    assert line.ok and (line.vendor_id, line.business_unit) == ("V1001", "US001")
    target, reason = resolver.resolve_carrier("UPSG")
    assert reason is None and (target.walmart_carrier, target.method_code) == ("UPS", "Standard")
    assert resolver.resolve_carrier("DHLX")[1].code == "unmapped_carrier"


def test_a_thousand_line_batch_takes_a_fixed_number_of_queries(mapped, django_assert_max_num_queries):
    SkuMap.objects.bulk_create([SkuMap(integration=mapped, walmart_sku=f"B-{n}", erp_item=f"I{n}") for n in range(1000)])
    _gl(mapped, "default", "*", "PRODUCT", "8000")
    _gl(mapped, "default", "*", "SHIPPING", "8100")
    lines = [OrderLine(f"B-{n}", 1, "721407", ("PRODUCT", "SHIPPING")) for n in range(1000)]
    resolver = Resolver(mapped)
    with django_assert_max_num_queries(3):  # SKUs, ship nodes, GL rules
        resolved = resolver.resolve_lines(lines)
    assert all(line.ok for line in resolved) and len(resolved) == 1000
    with django_assert_max_num_queries(3):
        assert len(resolver.resolve_lines(lines[:1])) == 1


def test_feed_errors_are_recorded_and_cleared(mapped):
    from mappings.feed_errors import record_feed_results

    assert record_feed_results(mapped, {"WM-1": "ERR_PDI_0034: price is missing", "WM-404": "unknown"}) == 1
    row = SkuMap.objects.get(walmart_sku="WM-1")
    assert row.feed_error == "ERR_PDI_0034: price is missing" and row.feed_error_at
    record_feed_results(mapped, {}, succeeded=["WM-1"])
    assert SkuMap.objects.get(walmart_sku="WM-1").feed_error == ""
