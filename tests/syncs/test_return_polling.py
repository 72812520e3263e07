"""Polling returns (GET /v3/returns) feeds the returns inbox with the webhook's dedup key: a return
whose webhook never came is caught, one that came is not stored twice, a second poll adds nothing."""

from sandbox.walmart import events
from sandbox.walmart.models import Event, ReturnOrder
from syncs import flows
from syncs.models import InboxEvent, MarketplaceReturn
from syncs.returns.poll import poll_returns
from tests.syncs.test_return_inbox import account_of, integration_for, returned, send, walmart  # noqa: F401


def test_poll_catches_missed_returns_and_absorbs_delivered_ones(client, walmart, returned):
    integration = integration_for(walmart)
    account = account_of(walmart)
    created = Event.objects.filter(account=account, event_type="RETURN_CREATED").order_by("id")
    for event in created[:2]:  # Walmart delivered two webhooks and missed the rest
        assert send(client, events.envelope(event)).status_code == 200
    assert InboxEvent.objects.filter(kind="return").count() == 2
    total = ReturnOrder.objects.filter(account=account).count()
    assert total > 2
    assert poll_returns(walmart) == {"new": total - 2, "seen": 2, "pages": 1}
    assert InboxEvent.objects.filter(kind="return").count() == total
    assert poll_returns(walmart)["new"] == 0
    counts = flows.run(integration, "returns_in", trigger="command", poll=False)
    assert counts["inbox"]["processed"] == total
    assert MarketplaceReturn.objects.filter(integration=integration).count() == total
    assert flows.run(integration, "returns_in", trigger="command")["poll"]["new"] == 0
