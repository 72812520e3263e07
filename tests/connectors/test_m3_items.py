"""M3 items(since) (items_out) against the emulator over HTTP: every item from the start, with its
EAN alias as GTIN-14, the base price, weight, dimensions and https images; then only the items
touched since the mark (fulfil.touch_items), in a fixed number of calls."""

from decimal import Decimal

import pytest

from connectors.infor_m3.adapter import Adapter
from sandbox import catalog
from sandbox.infor_m3 import data, fulfil, levels
from sandbox.infor_m3.seed import provision_connection
from sandbox.models import Call


@pytest.fixture
def erp(sandbox):
    return Adapter(provision_connection("m3", sandbox))  # the sandbox names its image fields IMG1, IMG2


def calls(program=""):
    return Call.objects.filter(system="infor_m3", path__contains="/m3api-rest/").filter(
        path__contains=program).count()


def test_from_the_start_every_item_comes_with_gtin_price_weight_dimensions_and_images(erp):
    items, mark = erp.items("")
    first = catalog.items()[0]
    assert len(items) == len(catalog.items()) and mark
    item = items[0]
    assert (item.item, item.title, item.gtin, item.price, item.currency) == (
        first.item_code, first.name[:30], first.gtin, first.price, "USD")
    assert item.description == f"{first.name} ({first.category})"
    assert item.weight > 0 and item.weight_unit == "LB" and item.dimension_unit == "IN"
    assert item.length and item.width and item.height
    assert item.images == (f"https://images.sandbox.ml-connector.example/m3/{first.item_code}/main.jpg",
                           f"https://images.sandbox.ml-connector.example/m3/{first.item_code}/side.jpg")
    # LstItmByChgDate, MMS025MI aliases in bulk (200 reads a request), the price list.
    assert calls() == 1 + 2 + 1


def test_since_the_mark_only_touched_items_come_back_with_their_changes(erp, advance):
    _, mark = erp.items("")
    assert erp.items(mark) == ([], mark)
    advance(60)
    touched = fulfil.touch_items(2)
    levels.set_price(touched[0], price="12.34")
    items, new_mark = erp.items(mark)
    assert [i.item for i in items] == touched and new_mark > mark
    assert "revision 1" in items[0].description and items[0].price == Decimal("12.34")
    advance(60)
    again = fulfil.touch_items(2)  # the never-touched items go first
    assert set(again).isdisjoint(touched)
    assert [i.item for i in erp.items(new_mark)[0]] == again


def test_an_image_change_shows_and_non_https_fields_are_left_out(sandbox, advance):
    erp = Adapter(provision_connection("m3", sandbox, image_url_fields=["IMG1", "ITDS"]))
    _, mark = erp.items("")
    advance(60)
    fulfil.touch_items(len(catalog.items()))  # every item: revision 1, a new description
    advance(60)
    [twice] = fulfil.touch_items(1)  # revision 2 of the first: a new main image
    items, _ = erp.items(mark)
    changed = next(i for i in items if i.item == twice)
    assert changed.images == (f"https://images.sandbox.ml-connector.example/m3/{twice}/main-r2.jpg",)


def test_without_a_price_list_items_have_no_price_and_no_price_call(sandbox):
    erp = Adapter(provision_connection("m3", sandbox, price_list="", price_list_from="", image_url_fields=[]))
    items, _ = erp.items("")
    assert items[0].price is None and calls("OIS017MI") == 0
    assert items[0].images == ()  # no image fields configured
    assert data.PRICE_LIST  # the emulator has one; this connection just does not use it
