"""The export's row layer is django-import-export: one ModelResource per kind whose widgets are the
import's codecs, so headers equal the import's columns and cells stay text and formula-inert."""

from decimal import Decimal

import pytest

from mappings import exporter
from mappings.kinds import KINDS
from mappings.models import GlRule, SkuMap
from mappings.resources import CodecWidget, resource

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_has_a_resource_with_the_import_columns(kind):
    row_layer = resource(kind)
    assert row_layer.get_export_headers() == KINDS[kind].headers
    assert all(isinstance(field.widget, CodecWidget) for field in row_layer.get_export_fields())


def test_cells_render_as_text_and_formulas_stay_inert(exact):
    SkuMap.objects.create(integration=exact, walmart_sku="00123", erp_item="=1+1", factor=Decimal("12.500000"),
                          gtin="00012345678905", description="@SUM(A1)")
    GlRule.objects.create(integration=exact, level="default", scope="*", charge_type="TAX", gl_account="-2")
    assert list(exporter.rendered_rows("sku")) == [
        ["acme-exact", "00123", "'=1+1", "", "12.5", "", "00012345678905", "'@SUM(A1)", "1"]]
    assert resource("gl").export_resource(GlRule.objects.get())[4] == "'-2"
    # The widget reads what it renders (the import's codec), so a round trip is exact.
    widget = resource("sku").fields["erp_item"].widget
    assert widget.clean(widget.render("=1+1")) == "=1+1"
