"""How the Walmart listings client reports the emulator's faults: a feed whose answer was lost is an
AmbiguousOutcome that a reconcile by listing feeds can resolve; failed reads are recoverable."""

from datetime import timedelta

import pytest

from connectors import clock as connector_clock
from connectors.errors import AmbiguousOutcome, PermanentError, RecoverableError
from connectors.walmart.listings import WalmartListings
from sandbox import catalog, clock, credentials
from sandbox.models import Call, Fault
from sandbox.walmart.seed import provision_connection
from sandbox.walmart_listings.models import Feed
from sandbox.walmart_listings.seed import seed_account

SKU = catalog.items()[0].sku
FEED = {"inventoryHeader": {"version": "1.5"}, "inventory": [
    {"sku": SKU, "shipNodes": [{"shipNode": "721407", "quantity": {"unit": "EACH", "amount": 8}}]}]}


@pytest.fixture
def client(sandbox):
    conn = provision_connection("wm", sandbox)
    seed_account(credentials.find_account("walmart", conn.typed_config.client_id))
    client = WalmartListings(conn)
    client.partner_profile()  # obtains the token, so faults below hit the business call
    return client


def fault(mode, **kwargs):
    return Fault.objects.create(system="walmart", mode=mode, starts_at=clock.now(), **kwargs)


def test_a_dropped_feed_submit_is_ambiguous_and_reconcilable(client, advance):
    before = connector_clock.now() - timedelta(seconds=1)
    client.submit_feed("MP_INVENTORY", FEED, reference="inventory-run-7-chunk-1")
    fault("drop_after_commit", path_contains="/v3/feeds", method="POST")
    with pytest.raises(AmbiguousOutcome):
        client.submit_feed("MP_INVENTORY", FEED, reference="inventory-run-7-chunk-2")
    Fault.objects.all().delete()
    stored = Feed.objects.get(file_name="inventory-run-7-chunk-2.json")  # Walmart kept it; we never heard its id
    found = client.find_feed("inventory-run-7-chunk-2", since=before)
    assert found.feed_id == stored.feed_id and found.feed_type == "MP_INVENTORY"
    assert client.find_feed("inventory-run-7-chunk-3", since=before) is None
    advance(15)
    assert client.feed_status(stored.feed_id).succeeded == 1
    assert client.get_inventory(SKU, "721407") == 8


def test_a_read_that_times_out_is_recoverable(client):
    client.connection.config = {**client.connection.config, "read_timeout": 0.5}
    client.connection.save()
    fault("timeout", seconds=2, path_contains="/v3/inventories", method="GET")
    with pytest.raises(RecoverableError, match="no answer"):
        list(client.iter_inventories())


@pytest.mark.parametrize("mode,status", [("outage", 503), ("error", 500), ("throttle", 429)])
def test_failed_reads_are_recoverable(client, mode, status):
    fault(mode, path_contains="/v3/feeds", method="GET")
    with pytest.raises(RecoverableError) as failed:
        client.list_feeds()
    assert failed.value.status == status


def test_an_oversized_feed_is_refused_before_sending(client):
    before = Call.objects.filter(path__contains="/v3/feeds").count()
    with pytest.raises(PermanentError, match="split it"):
        client.submit_feed("MP_INVENTORY", FEED, max_bytes=100)
    assert Call.objects.filter(path__contains="/v3/feeds").count() == before
