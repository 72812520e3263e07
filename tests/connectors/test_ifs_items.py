"""items_out from IFS Cloud over real HTTP against the emulator: the site's sales parts as ItemData
(title, note, GTIN-14 as items_by_gtin reads it, weight, dimensions, https images, list price as
price_snapshot reads it), then only the parts changed since the mark."""

from decimal import Decimal

import pytest

from sandbox import catalog
from sandbox.ifs_cloud import fulfil
from sandbox.ifs_cloud.models import SalesPart
from tests.connectors.test_ifs_post_order import adapter_for


@pytest.fixture
def adapter(sandbox):
    return adapter_for(sandbox)


def test_the_first_read_lists_every_sales_part_of_the_site(adapter):
    items, mark = adapter.items("")
    first = catalog.items()[0]
    assert len(items) == len(catalog.items()) and mark
    item = {i.item: i for i in items}[first.item_code]
    assert (item.title, item.gtin, item.price, item.currency) == (first.name, first.gtin, first.price, "USD")
    assert item.description.startswith(first.name)
    assert (item.weight_unit, item.dimension_unit) == ("LB", "IN")
    assert item.weight > 0 and item.length > 0 and item.width > 0 and item.height > 0
    assert item.images == (f"https://images.example.com/{first.item_code}/main.jpg",
                           f"https://images.example.com/{first.item_code}/side.jpg")
    # price and GTIN agree with what prices_out and mapping suggestions read
    (price,) = adapter.price_snapshot([first.item_code])
    assert price.price == item.price
    assert adapter.items_by_gtin([first.gtin]) == {first.gtin: [(first.item_code, first.name)]}


def test_the_mark_returns_only_parts_changed_since(adapter, advance):
    _, mark = adapter.items("")
    assert adapter.items(mark) == ([], mark)
    advance(5)
    touched = fulfil.touch_items(3)
    items, newer = adapter.items(mark)
    assert sorted(i.item for i in items) == sorted(touched) and newer != mark
    assert "Updated" in items[0].description
    assert adapter.items(newer)[0] == []


def test_blank_field_names_leave_the_data_out_and_http_only_images_are_dropped(sandbox):
    adapter = adapter_for(sandbox, item_fields={"weight": "", "images": "ImageUrls"})
    code = catalog.items()[0].item_code
    SalesPart.objects.filter(catalog_no=code).update(image_urls=f"http://insecure.example/{code}.jpg")
    item = {i.item: i for i in adapter.items("")[0]}[code]
    assert (item.weight, item.weight_unit, item.images, item.description, item.length) == (None, "", (), "", None)
    assert item.price == catalog.items()[0].price and isinstance(item.price, Decimal)
