"""`manage.py sandbox load-orders / load-returns`: every captured example loads through the command
and reads back identically through the Walmart API (the real client)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.contract.sellers import seller
from tests.sandbox.test_walmart_loader import ORDER_FILES, REQUEST_FILES, RETURN_FILES


def load(kind, path, account="wm"):
    out = io.StringIO()
    call_command("sandbox", f"load-{kind}", str(path), "--account", account, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("path", ORDER_FILES, ids=lambda p: p.stem)
def test_order_captures_load_through_the_command(sandbox, path):
    client, _ = seller(sandbox)
    body = json.loads(path.read_text())
    orders = body["list"]["elements"]["order"] if "list" in body else [body["order"]]
    assert "new" in load("orders", path)
    for order in orders:
        assert client.get_order(order["purchaseOrderId"]) == order


@pytest.mark.parametrize("path", RETURN_FILES, ids=lambda p: p.stem)
def test_return_captures_load_through_the_command(sandbox, path):
    client, _ = seller(sandbox)
    body = json.loads(path.read_text())
    assert f"{len(body['returnOrders'])} new" in load("returns", path)
    for original in body["returnOrders"]:
        assert list(client.iter_returns(returnOrderId=original["returnOrderId"])) == [original]


def test_bad_files_are_refused_with_a_reason(sandbox, tmp_path):
    seller(sandbox)
    with pytest.raises(CommandError, match="Cannot read"):
        load("orders", tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="is not JSON"):
        load("orders", broken)
    with pytest.raises(CommandError):
        load("orders", REQUEST_FILES[0])
    with pytest.raises(CommandError, match="No sandbox Walmart account 'nobody'"):
        load("orders", ORDER_FILES[0], account="nobody")
