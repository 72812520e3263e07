"""Captured Walmart payloads load into the emulator and read back identically through the API."""

import json
from pathlib import Path

import pytest

from sandbox.walmart import loader
from sandbox.walmart.models import Event, Order, ReturnOrder
from tests.contract.sellers import seller

EXAMPLES = Path(__file__).resolve().parents[1] / "contract" / "walmart" / "examples"


def _body(path):
    return json.loads(path.read_text())


def _is_orders(body):
    return "list" in body or isinstance(body.get("order"), dict)


ORDER_FILES = sorted(p for p in EXAMPLES.glob("orders*.json") if _is_orders(_body(p)))
REQUEST_FILES = sorted(p for p in EXAMPLES.glob("orders*.json") if not _is_orders(_body(p)))
RETURN_FILES = sorted(EXAMPLES.glob("returns*.json"))


def test_every_example_is_covered():
    assert len(ORDER_FILES) >= 12 and len(RETURN_FILES) == 2
    assert all(p.stem.endswith(("req", "request")) for p in REQUEST_FILES)


@pytest.mark.parametrize("path", ORDER_FILES, ids=lambda p: p.stem)
def test_orders_read_back_identically(sandbox, path):
    client, account = seller(sandbox)
    body = _body(path)
    originals = {}
    for order in (body["list"]["elements"]["order"] if "list" in body else [body["order"]]):
        originals[order["purchaseOrderId"]] = order
    created, updated = loader.load_orders(body, account)
    assert (created, created + updated) == (len(originals), sum(1 for _ in loader._orders_in(body)))
    for po, original in originals.items():
        assert client.get_order(po) == original
    # Loading the same capture again updates in place and raises no new event.
    events = Event.objects.count()
    assert loader.load_orders(body, account) == (0, created + updated)
    assert Event.objects.count() == events and Order.objects.filter(account=account).count() == len(originals)


def test_a_bare_order_and_a_list_of_them_load(sandbox):
    client, account = seller(sandbox)
    order = _body(EXAMPLES / "orders_GET_single_order_response.json")["order"]
    assert loader.load_orders(order, account) == (1, 0)
    twin = {**order, "purchaseOrderId": "1815367951432"}
    assert loader.load_orders([order, {"order": twin}], account) == (1, 1)
    assert client.get_order("1815367951432") == twin


@pytest.mark.parametrize("path", REQUEST_FILES, ids=lambda p: p.stem)
def test_request_bodies_are_not_mistaken_for_orders(path, db):
    from sandbox import credentials

    account = credentials.create_account("walmart", "loader-test", "secret")
    with pytest.raises(ValueError):
        loader.load_orders(_body(path), account)
    assert not Order.objects.exists()


@pytest.mark.parametrize("path", RETURN_FILES, ids=lambda p: p.stem)
def test_returns_read_back_identically(sandbox, path):
    client, account = seller(sandbox)
    body = _body(path)
    assert loader.load_returns(body, account) == (len(body["returnOrders"]), 0)
    for original in body["returnOrders"]:
        assert list(client.iter_returns(returnOrderId=original["returnOrderId"])) == [original]
    assert ReturnOrder.objects.filter(account=account).count() == len(body["returnOrders"])
    assert Event.objects.filter(event_type="RETURN_CREATED").count() == len(body["returnOrders"])
