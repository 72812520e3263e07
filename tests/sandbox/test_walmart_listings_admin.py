"""Staff can see the emulated seller's listings and feeds in the admin, read-only."""

import pytest
from django.contrib import admin
from django.urls import path

from sandbox import catalog, credentials
from sandbox.walmart_listings import feeds
from sandbox.walmart_listings.models import Feed, Listing
from sandbox.walmart_listings.seed import seed_account


# Only the admin: these pages must not depend on other apps' URL patterns.
urlpatterns = [path("admin/", admin.site.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def seeded(db):
    account = credentials.create_account("walmart", "wm-admin", "secret-for-admin-test", name="Admin test seller")
    seed_account(account)
    return account


def test_listing_and_feed_pages(admin_client, seeded):
    feed = feeds.submit(seeded, "MP_INVENTORY", b'{"inventoryHeader": {"version": "1.5"}, "inventory": []}')
    listing = Listing.objects.get(account=seeded, sku=catalog.items()[0].sku)
    assert admin_client.get("/admin/sandbox_walmart_listings/listing/?q=" + listing.sku).status_code == 200
    page = admin_client.get(f"/admin/sandbox_walmart_listings/listing/{listing.pk}/change/")
    assert page.status_code == 200 and "721407" in page.content.decode()
    feed_page = admin_client.get(f"/admin/sandbox_walmart_listings/feed/{feed.pk}/change/").content.decode()
    assert "RECEIVED" in feed_page and "inventory: [] should be non-empty" in feed_page  # the schema on the empty list
    assert admin_client.get("/admin/sandbox_walmart_listings/change/").status_code == 200
    assert admin_client.get("/admin/sandbox_walmart_listings/feed/add/").status_code == 403
    assert Feed.objects.count() == 1
