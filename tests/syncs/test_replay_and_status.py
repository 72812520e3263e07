"""`replay` re-enters the posting machine (ERP asked first); `status` reports review by reason."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from connectors.models import Connection
from mappings import demo as mapping_demo
from syncs.models import Integration, MarketplaceOrder
from syncs.orders.post import post_due
from syncs.orders.validate import validate
from tests.syncs.orderkit import ScriptedErp, add_order

S = MarketplaceOrder.Status


@pytest.fixture
def exact(db):
    walmart = Connection.objects.create(name="wm", system="walmart", config={"client_id": "x"})
    erp = Connection.objects.create(name="exact", system="exact_online", config={})
    integration = Integration.objects.create(slug="acme", name="Acme", walmart=walmart, erp=erp,
                                             enabled_flows=["orders_in"], check_stock=False)
    mapping_demo.seed(integration)
    return integration


def test_replay_failed_puts_erp_rejections_back_and_status_counts_reasons(exact):
    erp = ScriptedErp()
    erp.script.extend([("permanent", None), ("permanent", None)])
    for po in ("1", "2"):
        add_order(exact, po, [("WM-KITC-0001", 1, "5.00", "0.40", 0)])
    add_order(exact, "3", [("UNKNOWN", 1, "5.00", "0.40", 0)])
    validate(exact, adapter=erp)
    post_due(exact, adapter=erp)
    data = json.loads(_call("status", "--json"))
    entry = data["integrations"][0]
    assert entry["review"] == {"erp_rejected": 2, "unmapped_sku": 1}
    assert entry["orders"] == {"needs_review": 3}
    assert "review: erp_rejected 2, unmapped_sku 1" in _call("status")

    assert "replayed 2 order(s)" in _call("replay", "--failed", "acme", "--reason", "erp_rejected")
    assert MarketplaceOrder.objects.filter(status=S.READY).count() == 2  # the unmapped one never posted: not replayed
    post_due(exact, adapter=erp)
    assert MarketplaceOrder.objects.filter(status=S.POSTED).count() == 2 and erp.lookups == 2 and len(erp.documents) == 2


def test_replay_of_one_order_and_its_errors(exact):
    with pytest.raises(CommandError, match="either ORDER or --failed"):
        _call("replay")
    with pytest.raises(CommandError, match="No order 404"):
        _call("replay", "404")
    add_order(exact, "5", [("WM-KITC-0001", 1, "5.00", "0.40", 0)])
    with pytest.raises(CommandError, match="nothing to replay"):
        _call("replay", "5")


def _call(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()
