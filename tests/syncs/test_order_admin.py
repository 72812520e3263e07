"""Orders and runs are visible (read-only) in the admin."""

from django.contrib.auth.models import User

from syncs.orders.normalise import store
from tests.syncs.test_order_normalise import SAMPLES


def test_orders_list_and_detail(integration, client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    order, _ = store(integration, {"order": SAMPLES[0][1]})
    listing = client.get("/admin/syncs/marketplaceorder/?status=pending")
    assert listing.status_code == 200 and order.purchase_order_id in listing.content.decode()
    detail = client.get(f"/admin/syncs/marketplaceorder/{order.pk}/change/")
    assert detail.status_code == 200 and order.lines.first().sku in detail.content.decode()
    assert client.get("/admin/syncs/syncrun/").status_code == 200
