"""`sandbox stats --json` counts the feeds the Walmart emulator received by family and the lines in
them (SKU x ship node for inventory feeds), so benchmarks can tell how much stock went out."""

import io
import json

from django.core.management import call_command

from sandbox import catalog
from tests.sandbox.test_walmart_listings_feeds import DALLAS, RENO, SKU_A, SKU_B, mp_inventory, seller


def walmart_documents():
    out = io.StringIO()
    call_command("sandbox", "stats", "--json", stdout=out)
    return json.loads(out.getvalue())["walmart"]["documents"]


def test_feed_lines_and_families_are_counted(sandbox, advance):
    client, account = seller(sandbox)
    client.submit_feed("MP_INVENTORY", {"inventoryHeader": {"version": "1.5"}, "inventory": [
        {"sku": SKU_A, "shipNodes": [{"shipNode": DALLAS, "quantity": {"unit": "EACH", "amount": 1}},
                                     {"shipNode": RENO, "quantity": {"unit": "EACH", "amount": 2}}]},
        {"sku": SKU_B, "shipNodes": [{"shipNode": DALLAS, "quantity": {"unit": "EACH", "amount": 3}}]}]})  # 3 lines
    client.submit_feed("inventory", {"InventoryHeader": {"version": "1.4"}, "Inventory": [
        {"sku": SKU_A, "quantity": {"unit": "EACH", "amount": 4}}]})  # 1 line
    client.submit_feed("PRICE_AND_PROMOTION", {"MPItemFeedHeader": {"version": "1.0"}, "MPItem": [
        {"Promo&Discount": {"sku": SKU_A, "price": 11}}, {"Promo&Discount": {"sku": SKU_B, "price": 12}}]})  # 2
    client.submit_feed("price", {"PriceHeader": {"version": "1.7"}, "Price": [{"sku": SKU_B, "pricing": [
        {"currentPriceType": "BASE", "currentPrice": {"currency": "USD", "amount": 9}}]}]})  # 1
    client.submit_feed("MP_ITEM", {"MPItemFeedHeader": {"version": "4.2"}, "MPItem": [
        {"Orderable": {"sku": "NEW-1", "productName": "New", "price": 5}, "Visible": {"Toys": {}}}]})  # 1
    advance(60)
    client.list_feeds()  # applies them

    documents = walmart_documents()
    assert documents["feeds"] == 5
    assert (documents["inventory_feeds"], documents["price_feeds"], documents["item_feeds"]) == (2, 2, 1)
    assert documents["feed_items"] == 3 + 1 + 2 + 1 + 1
    assert documents["inventory_updates"] == 4 and documents["price_updates"] == 3


def test_a_file_refused_whole_is_a_feed_without_lines(sandbox):
    client, account = seller(sandbox)
    client.submit_feed("MP_INVENTORY", {"inventoryHeader": {"version": "1.5"}, "inventory": [{"sku": SKU_A}]})
    client.submit_feed("MP_INVENTORY", mp_inventory([(item.sku, DALLAS, 5) for item in catalog.items()[:4]]))
    documents = walmart_documents()
    assert (documents["feeds"], documents["inventory_feeds"], documents["feed_items"]) == (2, 2, 4)
