"""The database itself refuses duplicate natural keys, unknown enum values and a factor <= 0.

Run on SQLite (default) and PostgreSQL (DATABASE_URL=postgres://...): uniqueness checked only in
Python is one of the complaints about other connectors.
"""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from mappings.models import CarrierMap, CustomerMap, GlRule, ShipNodeMap, SkuMap, SupplierMap

pytestmark = pytest.mark.django_db


def _refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_duplicate_sku_raises_integrity_error(exact):
    SkuMap.objects.create(integration=exact, walmart_sku="WM-1", erp_item="ITM1")
    _refused(lambda: SkuMap.objects.create(integration=exact, walmart_sku="WM-1", erp_item="ITM2"))


def test_same_sku_in_two_integrations_is_allowed(exact, ifs):
    SkuMap.objects.create(integration=exact, walmart_sku="WM-1", erp_item="ITM1")
    SkuMap.objects.create(integration=ifs, walmart_sku="WM-1", erp_item="ITM1")
    assert SkuMap.objects.count() == 2


@pytest.mark.parametrize("model, key", [
    (ShipNodeMap, {"ship_node": "721407", "warehouse": "DAL"}),
    (GlRule, {"level": "default", "scope": "*", "charge_type": "TAX", "gl_account": "2200"}),
    (CustomerMap, {"channel": "*", "ship_to_state": "*", "erp_customer": "C1"}),
    (CarrierMap, {"erp_carrier": "UPSG", "walmart_carrier": "UPS"}),
    (SupplierMap, {"walmart_sku": "WM-1", "vendor_id": "V1", "business_unit": "US001"}),
])
def test_duplicate_natural_key_raises_integrity_error(exact, model, key):
    model.objects.create(integration=exact, **key)
    _refused(lambda: model.objects.create(integration=exact, **key))


def test_wildcard_customer_keys_collide_where_null_would_not(exact):
    # With NULL meaning "any state" two such rows would both be accepted; '*' makes them collide.
    CustomerMap.objects.create(integration=exact, channel="*", erp_customer="C1")
    _refused(lambda: CustomerMap.objects.create(integration=exact, channel="*", erp_customer="C2"))


@pytest.mark.parametrize("factor", [Decimal("0"), Decimal("-1")])
def test_factor_must_be_positive(exact, factor):
    _refused(lambda: SkuMap.objects.create(integration=exact, walmart_sku="WM-1", factor=factor))


@pytest.mark.parametrize("model, values", [
    (ShipNodeMap, {"ship_node": "1", "node_type": "DropShip"}),
    (GlRule, {"level": "brand", "scope": "x", "charge_type": "TAX"}),
    (GlRule, {"level": "sku", "scope": "x", "charge_type": "DISCOUNT"}),
    (GlRule, {"level": "sku", "scope": "*", "charge_type": "TAX"}),
    (GlRule, {"level": "default", "scope": "WM-1", "charge_type": "TAX"}),
    (SkuMap, {"walmart_sku": "WM-1", "verify_state": "maybe"}),
    (SkuMap, {"walmart_sku": ""}),
    (CarrierMap, {"erp_carrier": "X", "walmart_carrier": "UPS", "other_carrier": "Acme", "tracking_url": "https://t"}),
    (CarrierMap, {"erp_carrier": "X"}),
    (CarrierMap, {"erp_carrier": "X", "other_carrier": "Acme"}),
])
def test_check_constraints_refuse_invalid_rows(exact, model, values):
    _refused(lambda: model.objects.create(integration=exact, **values))
