"""The IFS emulator keeps the buyer's line number (CustomerPoLineNo) on customer order lines: the
connector finds the lines a half-done post already added by it."""

from decimal import Decimal

import pytest

from connectors.errors import PermanentError
from connectors.ifs_cloud.client import IfsClient
from sandbox.ifs_cloud.seed import provision_connection, seed_demo

HEADER = {
    "CustomerNo": "WALMART-MP", "CustomerPoNo": "WMT-L1", "CurrencyCode": "USD", "Contract": "DAL1",
    "AuthorizeCode": "WALMART", "OrderId": "NO", "WantedDeliveryDate": "2026-12-04T00:00:00Z",
    "NoteText": "ml-connector: 1 line, shipping 0 USD.", "ExternalRef": "WMT-L1",
}


@pytest.fixture
def client(sandbox):
    seed_demo()
    return IfsClient(provision_connection("ifs", sandbox))


def test_customer_po_line_no_is_kept_and_read_back(client):
    order = client.create_customer_order(HEADER)
    assert (order.data["NoteText"], order.data["ExternalRef"]) == (HEADER["NoteText"], "WMT-L1")
    added = client.add_order_line(order.order_no, {"CatalogNo": "ITM00001", "BuyQtyDue": Decimal(1),
                                                   "CustomerPoLineNo": "7"})
    assert added.data["CustomerPoLineNo"] == "7"
    assert [x.data["CustomerPoLineNo"] for x in client.order_lines(order.order_no)] == ["7"]


def test_customer_po_line_no_longer_than_ifs_keeps_is_refused(client):
    order = client.create_customer_order(HEADER)
    with pytest.raises(PermanentError, match="invalid value for property 'CustomerPoLineNo'"):
        client.add_order_line(order.order_no, {"CatalogNo": "ITM00001", "BuyQtyDue": Decimal(1),
                                               "CustomerPoLineNo": "12345"})
