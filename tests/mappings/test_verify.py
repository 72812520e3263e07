"""Verify against the ERP: verified, invalid with the ERP's message, or unchanged during an outage.

The ERP side is `CatalogAdapter`, a double AT THE CONTRACT BOUNDARY (`adapter.lookup(kind, codes)`,
documented in mappings/verify.py), answering from the shared demo catalog the emulators use. The
real adapters are wired by the connectors work; this tests our side of the contract: one batched
call per kind, the state transitions and the audit trail.
"""

import pytest

from audit.models import AuditEvent
from connectors.errors import AmbiguousOutcome, RecoverableError
from mappings.models import GlRule, SkuMap
from mappings.verify import verify_rows
from sandbox import catalog

pytestmark = pytest.mark.django_db


class CatalogAdapter:
    def __init__(self, fail_with=None):
        self.calls = []
        self.fail_with = fail_with

    def lookup(self, kind, codes):
        self.calls.append((kind, list(codes)))
        if self.fail_with:
            raise self.fail_with
        known = {
            "item": {item.item_code for item in catalog.items()},
            "gl_account": {code for code, _ in catalog.GL_ACCOUNTS.values()},
            "cost_center": set(catalog.COST_CENTERS),
        }[kind]
        return {code: (True, "") if code in known else (False, f"{kind} {code} does not exist (demo ERP)")
                for code in codes}


@pytest.fixture
def rows(exact):
    SkuMap.objects.create(integration=exact, walmart_sku="WM-1", erp_item="ITM00001")
    SkuMap.objects.create(integration=exact, walmart_sku="WM-2", erp_item="ITM00002", verify_state="verified")
    SkuMap.objects.create(integration=exact, walmart_sku="WM-X", erp_item="NOPE-1")
    return SkuMap.objects.order_by("walmart_sku")


def test_present_item_verified_missing_item_invalid_with_the_erps_message(rows, django_user_model):
    user = django_user_model.objects.create_user("ops")
    adapter = CatalogAdapter()
    summary = verify_rows(rows, user=user, adapter_factory=lambda integration: adapter)
    assert adapter.calls == [("item", ["ITM00001", "ITM00002", "NOPE-1"])]  # one batched read
    assert summary | {"errors": []} == {"verified": 2, "invalid": 1, "unverified": 0, "errors": []}
    states = {row.walmart_sku: (row.verify_state, row.verify_message) for row in rows}
    assert states == {"WM-1": ("verified", ""), "WM-2": ("verified", ""),
                      "WM-X": ("invalid", "erp_item NOPE-1: item NOPE-1 does not exist (demo ERP)")}
    assert all(row.verified_at for row in rows)
    event = AuditEvent.objects.get(action="mapping.verify.completed")
    assert event.user == user and event.data["counts"] == {"verified": 2, "invalid": 1, "unverified": 0}


@pytest.mark.parametrize("error", [RecoverableError("503 Service Unavailable"), AmbiguousOutcome("read timeout")])
def test_an_erp_outage_leaves_rows_unchanged_never_invalid(rows, error):
    summary = verify_rows(rows, adapter_factory=lambda integration: CatalogAdapter(fail_with=error))
    assert summary["unverified"] == 3 and summary["invalid"] == 0
    assert {row.walmart_sku: row.verify_state for row in rows} == {
        "WM-1": "unverified", "WM-2": "verified", "WM-X": "unverified"}
    event = AuditEvent.objects.get(action="mapping.verify.completed")
    assert not event.ok and str(error) in event.message


def test_gl_rules_check_account_and_cost_center_in_one_call_each(exact):
    GlRule.objects.create(integration=exact, level="default", scope="*", charge_type="PRODUCT",
                          gl_account="8000", cost_center="ECOM")
    GlRule.objects.create(integration=exact, level="default", scope="*", charge_type="FEE",
                          gl_account="4500", cost_center="NOPE")
    adapter = CatalogAdapter()
    verify_rows(GlRule.objects.all(), adapter_factory=lambda integration: adapter)
    assert sorted(kind for kind, _ in adapter.calls) == ["cost_center", "gl_account"]
    assert dict(GlRule.objects.values_list("charge_type", "verify_state")) == {"PRODUCT": "verified", "FEE": "invalid"}


def test_an_adapter_without_lookup_leaves_rows_unchanged_and_says_why(rows):
    class OldAdapter:
        pass

    summary = verify_rows(rows, adapter_factory=lambda integration: OldAdapter())
    assert summary["errors"] == ["the Exact Online adapter cannot look codes up yet"]
    assert summary["unverified"] == 3 and not SkuMap.objects.filter(verify_state="invalid").exists()
