"""Demo seeding goes through the import path (audited as imports), leaves the catalog's unmapped codes
unmapped, and a second run changes nothing."""

import pytest

from audit.models import AuditEvent
from mappings.demo import DIRECTORY, seed
from mappings.demo.build import render
from mappings.models import GlRule, ShipNodeMap, SkuMap, SupplierMap
from mappings.resolve import OrderLine, Resolver
from sandbox import catalog

pytestmark = pytest.mark.django_db


def test_committed_demo_files_match_the_catalog():
    for name, text in render().items():
        assert (DIRECTORY / name).read_text(encoding="utf-8") == text, f"run python -m mappings.demo.build ({name})"


@pytest.mark.parametrize("system", ["exact_online", "ifs_cloud", "infor_cloudsuite", "infor_m3", "peoplesoft"])
def test_seed_imports_every_kind_and_is_idempotent(make_integration, system):
    integration = make_integration(system, f"demo-{system}")
    first = seed(integration)
    assert first["sku"]["new"] == catalog.SKU_COUNT and first["shipnode"]["new"] == len(catalog.SHIP_NODES)
    assert ("supplier" in first) == (system == "peoplesoft")
    second = seed(integration)
    assert all(counts["new"] == counts["updated"] == counts["errors"] == 0 for counts in second.values())

    events = AuditEvent.objects.filter(action="mapping.import.confirmed")
    assert events.count() == 2 * len(first)
    assert {event.user.username for event in events} == {"demo"}
    assert {event.data["source"] for event in events} == {"demo"}
    assert not SkuMap.objects.filter(walmart_sku__in=catalog.UNMAPPED_SKUS).exists()
    assert not ShipNodeMap.objects.filter(ship_node=catalog.UNMAPPED_SHIP_NODE.ship_node).exists()


def test_seeded_integration_resolves_catalog_orders(make_integration):
    integration = make_integration("exact_online", "demo-exact")
    seed(integration)
    toy = next(item for item in catalog.items() if item.category == "Toys")
    [line, missing] = Resolver(integration).resolve_lines([
        OrderLine(toy.sku, 1, catalog.SHIP_NODES[0].ship_node, ("PRODUCT", "SHIPPING", "TAX")),
        OrderLine(catalog.UNMAPPED_SKUS[0], 1, catalog.UNMAPPED_SHIP_NODE.ship_node),
    ])
    assert line.ok and line.erp_item == toy.item_code and line.gl["PRODUCT"].gl_account == "8010"
    assert [r.code for r in missing.reasons] == ["unmapped_sku", "unmapped_node"]
    assert GlRule.objects.filter(integration=integration).count() == 5 and not SupplierMap.objects.exists()
