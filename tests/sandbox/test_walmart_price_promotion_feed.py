"""PRICE_AND_PROMOTION feeds with a plain price (walmart-api.md §5.3): the price lands on the listing
and reads back through GET /v3/items/{sku}; unknown SKUs and prices <= 0 fail per item."""

from decimal import Decimal

from connectors import http
from sandbox import catalog
from sandbox.walmart_listings.models import Change, Listing
from tests.sandbox.test_walmart_listings_feeds import seller

HEADER = {"businessUnit": "WALMART_US", "version": "2.0.20240126-12_25_52-api", "locale": "en"}
ITEMS = catalog.items()


def plain_price(sku, price, **extra):
    return {"Promo&Discount": {"sku": sku, "price": price, **extra}}


def test_plain_prices_are_applied_and_read_back(sandbox, advance):
    client, account = seller(sandbox)
    feed_id = client.submit_feed("PRICE_AND_PROMOTION", {"MPItemFeedHeader": HEADER, "MPItem": [
        plain_price(ITEMS[0].sku, 11),
        plain_price(ITEMS[1].sku, Decimal("12.49"), msrp=15),
    ]})
    advance(15)
    status = client.feed_status(feed_id)
    assert (status.status, status.received, status.succeeded, status.failed) == ("PROCESSED", 2, 2, 0)

    assert client.get_item(ITEMS[0].sku).price == Decimal("11")
    assert client.get_item(ITEMS[1].sku).price == Decimal("12.49")
    wire = http.send(client.connection, "GET", f"/v3/items/{ITEMS[0].sku}", params={"productIdType": "SKU"}).json()
    assert wire["ItemResponse"][0]["price"] == {"currency": "USD", "amount": 11}
    ledger = Change.objects.filter(feed__feed_id=feed_id).order_by("id")
    assert [(c.sku, c.old_value, c.new_value, c.source) for c in ledger] == [
        (ITEMS[0].sku, ITEMS[0].price, Decimal("11"), "PRICE_AND_PROMOTION"),
        (ITEMS[1].sku, ITEMS[1].price, Decimal("12.49"), "PRICE_AND_PROMOTION"),
    ]


def test_unknown_skus_and_non_positive_prices_fail_per_item(sandbox, advance):
    client, account = seller(sandbox)
    feed_id = client.submit_feed("PRICE_AND_PROMOTION", {"MPItemFeedHeader": HEADER, "MPItem": [
        plain_price("NO-SUCH-SKU", 10),
        plain_price(ITEMS[0].sku, 0),
        plain_price(ITEMS[1].sku, -3),
        plain_price(ITEMS[2].sku, 7.5),
    ]})
    advance(15)
    status = client.feed_status(feed_id)
    assert (status.status, status.succeeded, status.failed) == ("PROCESSED", 1, 3)
    by_index = {item.index: item for item in status.items}
    assert [by_index[i].status for i in range(4)] == ["DATA_ERROR", "DATA_ERROR", "DATA_ERROR", "SUCCESS"]
    assert [e.type for i in range(3) for e in by_index[i].errors] == ["DATA_ERROR"] * 3
    assert by_index[0].errors[0].code == "ERR_EXT_DATA_0101"
    assert {by_index[1].errors[0].code, by_index[2].errors[0].code} == {"ERR_EXT_DATA_0105"}

    prices = dict(Listing.objects.filter(account=account, sku__in=[i.sku for i in ITEMS[:3]]).values_list("sku", "price"))
    assert prices == {ITEMS[0].sku: ITEMS[0].price, ITEMS[1].sku: ITEMS[1].price, ITEMS[2].sku: Decimal("7.50")}
    assert client.get_item(ITEMS[0].sku).price == ITEMS[0].price
    assert Change.objects.filter(feed__feed_id=feed_id).count() == 1


def test_the_later_record_of_a_sku_wins(sandbox, advance):
    client, account = seller(sandbox)
    feed_id = client.submit_feed("PRICE_AND_PROMOTION", {"MPItemFeedHeader": HEADER, "MPItem": [
        plain_price(ITEMS[0].sku, 20), plain_price(ITEMS[0].sku, 21)]})
    advance(15)
    assert client.feed_status(feed_id).succeeded == 2
    assert client.get_item(ITEMS[0].sku).price == Decimal("21")
    assert [(c.old_value, c.new_value) for c in Change.objects.filter(feed__feed_id=feed_id)] == [
        (ITEMS[0].price, Decimal("20")), (Decimal("20"), Decimal("21"))]
