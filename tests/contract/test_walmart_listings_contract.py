"""Every request the listings client sends and every answer the emulator gives it validate against
Walmart's OpenAPI documents (items, inventory, price, feeds, settings), over real HTTP.

POST /v3/feeds is described three times, once per feed family, each with its own feedType enum:
inventory.json (inventory, MP_INVENTORY), price.json (price), items.json (MP_ITEM). The newer
PRICE_AND_PROMOTION feed type is in none of our Dec 2022 documents, so its submit is the one call
not checked here (its answer has the same {"feedId"} shape as the others).
"""

import json
from decimal import Decimal
from functools import lru_cache
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIResponse

from connectors.errors import PermanentError
from connectors.walmart.listings import WalmartListings
from sandbox import catalog, credentials
from sandbox.walmart.seed import provision_connection
from sandbox.walmart_listings.seed import seed_account
from tests.contract import openapi

FEED_DOCUMENTS = {"inventory": "inventory", "MP_INVENTORY": "inventory", "price": "price", "MP_ITEM": "items"}
ROOMY = {"count": 30, "window": 3600, "file_size": 1_000_000}
SKUS = [i.sku for i in catalog.items()]
DALLAS, RENO = catalog.SHIP_NODES[0].ship_node, catalog.SHIP_NODES[1].ship_node


@lru_cache(maxsize=None)
def document(name):
    """openapi.py's patched document, also without the global `security: basicScheme`: that is the
    same `Authorization: Basic` header whose parameter openapi.py drops (gone from the Dec 2024 spec)."""
    patched = openapi._patch(name, json.loads((openapi.SPEC_DIR / f"{name}.json").read_text()))
    patched.pop("security", None)
    return OpenAPI.from_dict(patched)


def validate(response, name=None, *, check_response=True):
    name = name or openapi.document_for(urlparse(response.request.url).path)
    request = openapi.WalmartRequest(response.request, openapi.SERVER)
    document(name).validate_request(request)
    if check_response:
        document(name).validate_response(request, RequestsOpenAPIResponse(response))


def document_name(response):
    url = urlparse(response.request.url)
    if response.request.method == "POST" and url.path.endswith("/v3/feeds"):
        return FEED_DOCUMENTS.get(parse_qs(url.query)["feedType"][0])
    return openapi.document_for(url.path)


@pytest.fixture
def client(sandbox):
    conn = provision_connection("wm", sandbox, feed_throttles={t: ROOMY for t in FEED_DOCUMENTS})
    seed_account(credentials.find_account("walmart", conn.typed_config.client_id))
    return WalmartListings(conn)


def exercise(client, advance):
    """Every call of the client, with more than one page wherever Walmart pages."""
    assert len(list(client.iter_items(page_size=150))) == 305
    client.get_item(SKUS[0])
    client.get_inventory(SKUS[0], DALLAS)
    client.update_inventory(SKUS[0], 5, RENO)
    client.sku_inventory(SKUS[1])
    client.update_sku_inventory(SKUS[1], {DALLAS: 1, RENO: 2})
    assert len(list(client.iter_inventories(page_size=50))) == 305
    client.update_price(SKUS[2], Decimal("14.99"))
    feed_ids = [
        client.submit_feed("inventory", {"InventoryHeader": {"version": "1.4"}, "Inventory": [
            {"sku": SKUS[3], "quantity": {"unit": "EACH", "amount": 4}}]}, ship_node=DALLAS),
        client.submit_feed("MP_INVENTORY", {"inventoryHeader": {"version": "1.5"}, "inventory": [
            {"sku": sku, "shipNodes": [{"shipNode": RENO, "quantity": {"unit": "EACH", "amount": 3}}]}
            for sku in SKUS[:60] + ["NO-SUCH-SKU"]]}),
        client.submit_feed("price", {"PriceHeader": {"version": "1.7"}, "Price": [{"sku": SKUS[4], "pricing": [
            {"currentPriceType": "BASE", "currentPrice": {"currency": "USD", "amount": Decimal("7.25")}}]}]}),
        client.submit_feed("MP_ITEM", {"MPItemFeedHeader": {"version": "1.5", "locale": "en"}, "MPItem": [
            {"Orderable": {"sku": "NEW-1", "productName": "New thing", "price": 3,
                           "productIdentifiers": {"productIdType": "GTIN", "productId": "00881234999991"}}}]}),
    ]
    for feed_id in feed_ids:
        client.feed_status(feed_id)  # RECEIVED
    advance(6)
    client.feed_status(feed_ids[1])  # INPROGRESS, item details paged
    advance(10)
    for feed_id in feed_ids:
        assert client.feed_status(feed_id).done
    client.feed_status(feed_ids[1], include_details=False)
    assert len(list(client.iter_feeds(page_size=3))) == 4
    client.list_feeds(feed_id=feed_ids[0])
    client.partner_profile()
    client.ship_nodes()


def test_client_and_emulator_follow_walmarts_documents(client, advance):
    with openapi.recording() as calls:
        exercise(client, advance)
    checked = set()
    for response in calls:
        if "/v3/token" in response.request.url:
            continue  # the token call is covered by the auth contract test
        name = document_name(response)
        assert response.status_code == 200, response.text
        validate(response, name)
        checked.add((response.request.method, urlparse(response.request.url).path.split("/v3/")[1].split("/")[0], name))
    assert checked >= {("GET", "items", "items"), ("GET", "inventory", "inventory"), ("PUT", "inventory", "inventory"),
                       ("GET", "inventories", "inventory"), ("PUT", "inventories", "inventory"), ("PUT", "price", "price"),
                       ("POST", "feeds", "inventory"), ("POST", "feeds", "price"), ("POST", "feeds", "items"),
                       ("GET", "feeds", "feeds"), ("GET", "settings", "settings")}


def test_requests_that_walmart_refuses_are_still_well_formed(client):
    """A refusal is the emulator's judgement of the data, never of a malformed request of ours."""
    with openapi.recording() as calls:
        for call in (lambda: client.get_inventory("NO-SUCH-SKU", DALLAS), lambda: client.get_item("NO-SUCH-SKU"),
                     lambda: client.update_price("NO-SUCH-SKU", Decimal("1.00")),
                     lambda: client.update_inventory(SKUS[0], -3, DALLAS)):
            with pytest.raises(PermanentError):
                call()
    assert [r.status_code for r in calls if "/v3/token" not in r.request.url] == [404, 404, 404, 400]
    for response in calls:
        if "/v3/token" not in response.request.url:
            validate(response, check_response=False)
            assert response.json()["errors"]["error"][0]["code"]


def test_the_check_catches_a_broken_answer_and_a_broken_request(client):
    """Guards the two tests above against a validator that accepts anything."""
    from openapi_core.validation.request.exceptions import RequestValidationError
    from openapi_core.validation.response.exceptions import ResponseValidationError

    with openapi.recording() as calls:
        feed_id = client.submit_feed("MP_INVENTORY", {"inventoryHeader": {"version": "1.5"}, "inventory": [
            {"sku": SKUS[0], "shipNodes": [{"shipNode": DALLAS, "quantity": {"unit": "EACH", "amount": 1}}]}]})
        client.feed_status(feed_id)
        client.get_inventory(SKUS[0], DALLAS)
    submit, status, inventory = (r for r in calls if "/v3/token" not in r.request.url)
    validate(status)
    status._content = json.dumps({**status.json(), "feedStatus": "DONE"}).encode()
    with pytest.raises(ResponseValidationError):
        validate(status)
    inventory.request.url = inventory.request.url.split("?")[0]  # without the required sku
    with pytest.raises(RequestValidationError):
        validate(inventory, check_response=False)
    wrong_part = requests.Request("POST", submit.request.url, files={"upload": ("x.json", b"{}")}).prepare()
    submit.request.body, submit.request.headers["Content-Type"] = wrong_part.body, wrong_part.headers["Content-Type"]
    with pytest.raises(RequestValidationError):
        validate(submit, "inventory", check_response=False)
