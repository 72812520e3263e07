"""ERP item suggestions for unmapped SKUs (same code in the ERP, or same GTIN-14 as a mapped SKU),
accepted in bulk from the report through the import's validation, audited as an import."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from connectors.errors import RecoverableError
from mappings.cells import gtin14
from mappings.models import SkuMap, UnmappedSighting
from mappings.suggestions import accept, suggest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.mappings.urls")]

GTIN = "00012345678905"  # UPC-A 012345678905 as GTIN-14


class Erp:
    def __init__(self, items=(), fail=None):
        self.items, self.fail, self.calls = set(items), fail, []

    def lookup(self, kind, codes):
        self.calls.append((kind, list(codes)))
        if self.fail:
            raise self.fail
        return {code: (True, f"Item {code}") if code in self.items else (False, f"no item {code}") for code in codes}


def sighting(integration, value, **fields):
    now = timezone.now()
    return UnmappedSighting.objects.create(integration=integration, kind="sku", value=value, first_seen=now,
                                           last_seen=now, **fields)


def outcome(value):
    row = UnmappedSighting.objects.get(value=value)
    return row.suggested_item, row.suggestion_basis, row.suggestion_note


@pytest.mark.parametrize("raw, expected", [("012345678905", GTIN), ("12345678905", ""), ("4006381333931", "04006381333931"),
                                           (GTIN, GTIN), ("012345678900", ""), ("", ""), (None, "")])
def test_gtins_compare_as_gtin_14(raw, expected):
    assert gtin14(raw) == expected


def test_same_code_in_the_erp_is_suggested_in_one_batched_read(exact):
    sighting(exact, "ITM-1")
    sighting(exact, "WM-2")
    erp = Erp(items={"ITM-1"})
    summary = suggest(exact, adapter_factory=lambda integration: erp)
    assert erp.calls == [("item", ["ITM-1", "WM-2"])]
    assert outcome("ITM-1") == ("ITM-1", "same_code", "Exact Online has an item with the SKU's code ITM-1: Item ITM-1")
    assert outcome("WM-2") == ("", "", "")
    assert summary["suggested"] == 1 and summary["same_code"] == 1


def test_same_gtin_as_a_mapped_sku_on_the_same_erp_is_suggested(exact, make_integration):
    SkuMap.objects.create(integration=exact, walmart_sku="WM-OLD", erp_item="ITM7", gtin=GTIN, active=False)
    sighting(exact, "WM-NEW", gtin=GTIN)
    suggest(exact, adapter_factory=lambda integration: Erp())
    assert outcome("WM-NEW") == ("ITM7", "gtin", f"GTIN {GTIN} is mapped to ITM7 on WM-OLD (acme-exact, retired)")

    # Another ERP connection has another item master: its mappings say nothing about ours.
    other = make_integration("exact_online", "other-exact")
    SkuMap.objects.create(integration=other, walmart_sku="WM-X", erp_item="ITM8", gtin="04006381333931")
    sighting(exact, "WM-EAN", gtin="04006381333931")
    suggest(exact, adapter_factory=lambda integration: Erp())
    assert outcome("WM-EAN") == ("", "", "")


def test_a_gtin_mapped_to_several_items_is_not_guessed(exact):
    SkuMap.objects.create(integration=exact, walmart_sku="WM-A", erp_item="ITM1", gtin=GTIN)
    SkuMap.objects.create(integration=exact, walmart_sku="WM-B", erp_item="ITM2", gtin=GTIN)
    sighting(exact, "WM-C", gtin=GTIN)
    summary = suggest(exact, adapter_factory=lambda integration: Erp())
    assert outcome("WM-C") == ("", "", f"GTIN {GTIN} is mapped to several ERP items (ITM1, ITM2); map this SKU by hand.")
    assert summary["ambiguous"] == 1


def test_a_relisted_product_inherits_the_item_of_the_mapped_sku_walmart_lists_with_its_gtin(exact):
    SkuMap.objects.create(integration=exact, walmart_sku="WM-A", erp_item="ITM1")  # no GTIN on the mapping
    sighting(exact, "WM-A2", gtin=GTIN)
    suggest(exact, listed_gtins={GTIN: ["WM-A"]}, adapter_factory=lambda integration: Erp())
    assert outcome("WM-A2")[:2] == ("ITM1", "gtin")


def test_an_erp_outage_keeps_earlier_same_code_suggestions(exact):
    sighting(exact, "ITM-1", suggested_item="ITM-1", suggestion_basis="same_code", suggestion_note="earlier")
    summary = suggest(exact, adapter_factory=lambda integration: Erp(fail=RecoverableError("503 from Exact")))
    assert outcome("ITM-1") == ("ITM-1", "same_code", "earlier")
    assert summary["errors"] == ["item: 503 from Exact"]


def test_operations_accept_suggestions_in_bulk_through_the_import(client, staff, exact):
    SkuMap.objects.create(integration=exact, walmart_sku="WM-RETIRED", erp_item="", unit="CS", factor=12, active=False)
    new = sighting(exact, "WM-NEW", gtin=GTIN, name="=Blue kettle", detail="Kitchen", suggested_item="ITM7",
                   suggestion_basis="gtin")
    retired = sighting(exact, "WM-RETIRED", suggested_item="ITM9", suggestion_basis="same_code")
    bad = sighting(exact, "WM-BAD", name="Bell\x07", suggested_item="ITM5", suggestion_basis="gtin")
    none = sighting(exact, "WM-NONE")
    user = staff("Operations")
    client.force_login(user)
    response = client.post(reverse("admin:mappings_unmappedsighting_changelist"), {
        "action": "accept_suggestions", "_selected_action": [new.pk, retired.pk, bad.pk, none.pk]}, follow=True)
    assert response.status_code == 200
    assert b"Integration acme-exact: 1 SKU mappings created, 1 updated, 0 unchanged from suggestions." in response.content
    assert (b"1 SKUs were refused by the import&#x27;s checks and not mapped: WM-BAD (description): contains an "
            b"invisible control character (0x07); remove it.") in response.content
    created = SkuMap.objects.get(walmart_sku="WM-NEW")
    assert (created.erp_item, created.gtin, created.description, created.category, created.active) == (
        "ITM7", GTIN, "=Blue kettle", "Kitchen", True)  # a formula-looking name round-trips as text
    reactivated = SkuMap.objects.get(walmart_sku="WM-RETIRED")
    assert (reactivated.erp_item, reactivated.unit, reactivated.factor, reactivated.active) == ("ITM9", "CS", 12, True)
    assert not SkuMap.objects.filter(walmart_sku__in=["WM-BAD", "WM-NONE"]).exists()
    event = AuditEvent.objects.get(action="mapping.import.confirmed")
    assert event.user == user and event.data["source"] == "suggestion" and event.data["counts"]["new"] == 1
    page = client.get(reverse("admin:mappings_unmappedsighting_changelist")).content
    assert b"WM-NEW" not in page and b"WM-BAD" in page  # mapped codes leave the report


def test_finance_cannot_accept_suggestions(client, staff, exact):
    row = sighting(exact, "WM-NEW", suggested_item="ITM7", suggestion_basis="gtin")
    client.force_login(staff("Finance"))
    client.post(reverse("admin:mappings_unmappedsighting_changelist"),
                {"action": "accept_suggestions", "_selected_action": [row.pk]})
    assert not SkuMap.objects.exists()


def test_accept_imports_per_integration(exact, make_integration):
    ifs = make_integration("ifs_cloud", "acme-ifs")
    sighting(exact, "WM-1", suggested_item="ITM1", suggestion_basis="gtin")
    sighting(ifs, "WM-1", suggested_item="ITM1", suggestion_basis="gtin")
    results = accept(UnmappedSighting.objects.select_related("integration"))
    assert sorted((integration.slug, result.counts["new"]) for integration, result, _ in results) == [
        ("acme-exact", 1), ("acme-ifs", 1)]
    assert SkuMap.objects.count() == 2
    assert AuditEvent.objects.filter(action="mapping.import.confirmed", data__source="suggestion").count() == 2


def test_the_look_for_items_action_suggests_and_says_when_the_erp_cannot_answer(client, staff, exact):
    # The test connection has no settings: same-code suggestions are unavailable, GTIN ones still come.
    SkuMap.objects.create(integration=exact, walmart_sku="WM-OLD", erp_item="ITM7", gtin=GTIN, active=False)
    row = sighting(exact, "WM-NEW", gtin=GTIN)
    client.force_login(staff("Operations"))
    response = client.post(reverse("admin:mappings_unmappedsighting_changelist"),
                           {"action": "suggest_items", "_selected_action": [row.pk]}, follow=True)
    assert b"Integration acme-exact: 1 of 1 SKUs have a suggested ERP item. The ERP could not answer (item: " in (
        response.content)
    assert outcome("WM-NEW")[:2] == ("ITM7", "gtin")
    assert b"ITM7 (Same GTIN-14)" in response.content
