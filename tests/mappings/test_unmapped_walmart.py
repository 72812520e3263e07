"""The unmapped report reads Walmart too: SKUs (GET /v3/items) and ship nodes (GET
/v3/settings/shipping/shipnodes) listed there without an active mapping, with counts and last seen;
a refresh that cannot read Walmart changes nothing. Against the Walmart emulator."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from connectors.errors import RecoverableError
from connectors.models import Connection
from mappings import walmart_catalog
from mappings.demo import seed
from mappings.models import SkuMap, UnmappedSighting
from mappings.unmapped import record_misses
from mappings.walmart_catalog import refresh_from_walmart
from sandbox import catalog, credentials
from sandbox.walmart.seed import provision_connection
from sandbox.walmart_listings.seed import seed_account
from syncs.models import Integration

pytestmark = pytest.mark.urls("tests.mappings.urls_sandbox")


class NoErp:
    """An ERP that knows no item, so only GTIN suggestions can appear."""

    def lookup(self, kind, codes):
        return {code: (False, f"no item {code}") for code in codes}


@pytest.fixture
def seeded(sandbox):
    # The live server's database is flushed between tests, groups included: grant them again.
    import_module("mappings.migrations.0002_groups").grant(django_apps, None)
    walmart = provision_connection("wm", sandbox)
    seed_account(credentials.find_account("walmart", walmart.typed_config.client_id))
    erp = Connection.objects.create(name="erp-exact", system="exact_online", config={})
    integration = Integration.objects.create(slug="acme-exact", name="Acme", walmart=walmart, erp=erp)
    seed(integration)  # the demo files map every catalog SKU and node but the "unmapped" ones
    return integration


def test_refresh_records_walmart_codes_without_a_mapping(seeded):
    record_misses(seeded, [("sku", "WM-TOYS-0901")] * 3)
    result = refresh_from_walmart(seeded, adapter_factory=lambda integration: NoErp())
    assert (result.items_read, result.nodes_read) == (305, 5)
    assert (result.unmapped_skus, result.unmapped_nodes) == (5, 1)
    skus = {s.value: s for s in UnmappedSighting.objects.filter(integration=seeded, kind="sku")}
    assert set(skus) == set(catalog.UNMAPPED_SKUS)
    first = catalog.unmapped_items()[0]
    listed = skus[first.sku]
    assert (listed.count, listed.walmart_count, listed.gtin, listed.name, listed.detail) == (
        3, 1, first.gtin, first.name, "Toys")  # orders' count kept, Walmart's added
    assert listed.walmart_seen_at and listed.last_seen >= listed.walmart_seen_at
    node = UnmappedSighting.objects.get(kind="ship_node")
    assert (node.value, node.name, node.detail) == ("721499", "Chicago 3PL (new)", "3PLFulfilled")

    refresh_from_walmart(seeded, adapter_factory=lambda integration: NoErp())
    assert UnmappedSighting.objects.get(value=first.sku).walmart_count == 2
    assert UnmappedSighting.objects.count() == 6
    event = AuditEvent.objects.filter(action="mapping.unmapped.refreshed").latest("pk")
    assert event.ok and event.data["unmapped_skus"] == 5 and event.data["source"] == "walmart_catalog"


def test_the_admin_button_and_the_cli_run_the_refresh(seeded, client, staff):
    client.force_login(staff("Operations"))
    page = client.get(reverse("admin:mappings_unmappedsighting_changelist"))
    assert b"Refresh from Walmart" in page.content
    response = client.post(reverse("admin:mappings_unmappedsighting_refresh"), {"integration": seeded.pk}, follow=True)
    assert response.status_code == 200
    assert b"5 SKUs and 1 ship nodes are unmapped" in response.content
    # "create" opens the add form prefilled with what Walmart said about the code.
    assert b"ship_node=721499&amp;node_type=3PLFulfilled&amp;name=Chicago+3PL+%28new%29" in response.content
    gtin = catalog.unmapped_items()[0].gtin
    assert f"walmart_sku=WM-TOYS-0901&amp;gtin={gtin}".encode() in response.content
    form = client.get(reverse("admin:mappings_skumap_add") + f"?integration={seeded.pk}&walmart_sku=WM-TOYS-0901&gtin={gtin}")
    assert f'value="{gtin}"'.encode() in form.content

    call_command("mappings", "refresh-unmapped", "--integration", seeded.slug)
    assert UnmappedSighting.objects.get(value="721499").walmart_count == 2


def test_finance_cannot_refresh(seeded, client, staff):
    client.force_login(staff("Finance"))
    assert client.get(reverse("admin:mappings_unmappedsighting_refresh")).status_code == 403
    assert b"Refresh from Walmart" not in client.get(reverse("admin:mappings_unmappedsighting_changelist")).content


class DownWalmart:
    def ship_nodes(self):
        raise RecoverableError("Walmart answered 503 Service Unavailable")


@pytest.mark.django_db
def test_walmart_unavailable_changes_nothing_and_says_why(exact, monkeypatch, capsys):
    with pytest.raises(RecoverableError):
        refresh_from_walmart(exact, listings=DownWalmart())
    assert not UnmappedSighting.objects.exists()
    event = AuditEvent.objects.get(action="mapping.unmapped.refreshed")
    assert not event.ok and "503 Service Unavailable" in event.message

    monkeypatch.setattr(walmart_catalog, "WalmartListings", lambda connection: DownWalmart())
    with pytest.raises(SystemExit) as exit_info:
        call_command("mappings", "refresh-unmapped", "--integration", exact.slug)
    assert exit_info.value.code == 1
    assert "Could not read Walmart for acme-exact: Walmart answered 503" in capsys.readouterr().err


@pytest.mark.django_db
def test_refresh_leaves_out_codes_with_an_active_mapping(exact):
    from connectors.walmart.listings import Item, ShipNode

    class Listings:
        def ship_nodes(self):
            return [ShipNode("N1", "Mapped", "PHYSICAL", "ACTIVE"), ShipNode("N2", "Virtual", "VIRTUAL", "ACTIVE")]

        def iter_items(self):
            # A UPC-A only (12 digits) is stored as GTIN-14; a retired mapping counts as unmapped.
            yield Item("WM-1", "W1", "", "012345678905", "One", "Toys", None, "USD", "PUBLISHED", "ACTIVE")
            yield Item("WM-2", "W2", "", "", "Two", "Toys", None, "USD", "PUBLISHED", "ACTIVE")
            yield Item("WM-3", "W3", "", "", "Gone", "Toys", None, "USD", "UNPUBLISHED", "RETIRED")  # not orderable

    from mappings.models import ShipNodeMap

    ShipNodeMap.objects.create(integration=exact, ship_node="N1", warehouse="DAL")
    SkuMap.objects.create(integration=exact, walmart_sku="WM-2", erp_item="ITM2", active=False)
    result = refresh_from_walmart(exact, listings=Listings(), adapter_factory=lambda integration: NoErp())
    assert (result.unmapped_skus, result.unmapped_nodes) == (2, 1)
    assert dict(UnmappedSighting.objects.filter(kind="sku").values_list("value", "gtin")) == {
        "WM-1": "00012345678905", "WM-2": ""}
    assert UnmappedSighting.objects.get(kind="ship_node").detail == "SellerFulfilled"
