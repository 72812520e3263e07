"""Verify asks each ERP about the codes it posts with: CloudSuite accounting units and account codes
of GL rules, PeopleSoft suppliers, items and inventory business units (through the real adapters
against the emulators), and never a column the ERP ignores."""

import pytest

from mappings.models import GlRule, ShipNodeMap, SkuMap, SupplierMap
from mappings.verify import codes_for, verify_rows
from tests.mappings.test_verify_against_sandbox import integration_for


def _state(row):
    row.refresh_from_db()
    return row.verify_state, row.verify_message


def test_cloudsuite_gl_rules_check_accounting_unit_and_account_code(sandbox):
    integration = integration_for("infor_cloudsuite", sandbox)
    rule = dict(integration=integration, level="default", scope="*", accounting_entity="1000")
    good = GlRule.objects.create(**rule, charge_type="PRODUCT", accounting_unit="ECOM", account_code="8000")
    bad_account = GlRule.objects.create(**rule, charge_type="FEE", accounting_unit="ECOM", account_code="9999")
    bad_unit = GlRule.objects.create(**rule, charge_type="TAX", accounting_unit="NOPE", account_code="2200")
    summary = verify_rows([good, bad_account, bad_unit])
    assert _state(good)[0] == "verified"
    assert _state(bad_account) == ("invalid", "account_code 9999: Account 9999 does not exist in finance enterprise group 1")
    assert _state(bad_unit) == ("invalid", "accounting_unit NOPE: Accounting unit NOPE does not exist in accounting entity 1000")
    assert summary["errors"] == []


def test_peoplesoft_checks_suppliers_items_and_business_units(sandbox):
    integration = integration_for("peoplesoft", sandbox)
    supplier = SupplierMap.objects.create(integration=integration, walmart_sku="WM-KITC-0001", vendor_id="V1001",
                                          business_unit="US001")
    no_supplier = SupplierMap.objects.create(integration=integration, walmart_sku="WM-X", vendor_id="V9999",
                                             business_unit="US001")
    item = SkuMap.objects.create(integration=integration, walmart_sku="WM-KITC-0001", erp_item="ITM00001")
    no_item = SkuMap.objects.create(integration=integration, walmart_sku="WM-X", erp_item="ITM99999")
    unit = ShipNodeMap.objects.create(integration=integration, ship_node="721407", warehouse="DAL")
    no_unit = ShipNodeMap.objects.create(integration=integration, ship_node="721499", warehouse="CHI")
    for rows in ([supplier, no_supplier], [item, no_item], [unit, no_unit]):
        assert verify_rows(rows)["errors"] == []
    assert _state(supplier)[0] == _state(item)[0] == _state(unit)[0] == "verified"
    assert _state(no_supplier) == ("invalid", "vendor_id V9999: PeopleSoft has no supplier (VENDOR) V9999")
    assert _state(no_item) == ("invalid", "erp_item ITM99999: PeopleSoft has no item (MASTER_ITEM_TBL) ITM99999")
    assert _state(no_unit) == ("invalid", "warehouse CHI: PeopleSoft has no inventory business unit (BUS_UNIT_TBL_IN) CHI")


@pytest.mark.django_db
def test_a_column_the_erp_does_not_post_with_is_not_asked_about(exact):
    calls = []

    class Adapter:
        def lookup(self, kind, codes):
            calls.append(kind)
            return {code: (True, "") for code in codes}

    # An accounting unit typed on an Exact rule: Exact has no such thing and would leave the row unverified.
    row = GlRule.objects.create(integration=exact, level="default", scope="*", charge_type="PRODUCT",
                                gl_account="8000", accounting_unit="ECOM")
    verify_rows([row], adapter_factory=lambda integration: Adapter())
    assert sorted(calls) == ["gl_account"] and _state(row)[0] == "verified"
    assert ("accounting_unit", "accounting_unit") in codes_for("gl", "infor_cloudsuite")
    assert ("supplier", "vendor_id") in codes_for("supplier", "peoplesoft")
