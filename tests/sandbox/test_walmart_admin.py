"""The Walmart emulator's admin pages render, never show webhook secrets, and can retry deliveries."""

from django.contrib.auth.models import User
from django.urls import reverse

from sandbox import clock
from sandbox.walmart import generator
from sandbox.walmart.models import Delivery, Event, Order, Subscription
from tests.contract.receiver import Receiver
from tests.contract.sellers import seller


def test_pages_and_retry_now(sandbox, client):
    wm, account = seller(sandbox)
    secret = "admin-must-not-show-this-secret"
    with Receiver() as receiver:
        receiver.status = 500
        Subscription.objects.create(account=account, event_type="PO_CREATED", resource_name="ORDER",
                                    event_url=receiver.url + "/hook", auth_method="HMAC", client_secret=secret,
                                    auth_header_name="X-Sig", created_at=clock.now())
        generator.generate_orders(account, 2, seed=71)
        User.objects.create_superuser("admin", "admin@example.com", "pw-for-admin-test")
        client.login(username="admin", password="pw-for-admin-test")
        pages = [reverse(f"admin:sandbox_walmart_{m}_changelist") for m in
                 ("order", "returnorder", "action", "subscription", "event", "delivery")]
        pages += [reverse("admin:sandbox_walmart_order_change", args=[Order.objects.first().pk]),
                  reverse("admin:sandbox_walmart_subscription_change", args=[Subscription.objects.get().pk]),
                  reverse("admin:sandbox_walmart_event_change", args=[Event.objects.first().pk])]
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            assert secret not in response.content.decode()
        assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
        receiver.status = 200
        response = client.post(reverse("admin:sandbox_walmart_delivery_changelist"), {
            "action": "retry_now", "_selected_action": list(Delivery.objects.values_list("pk", flat=True))})
        assert response.status_code == 302
        assert set(Delivery.objects.values_list("status", "attempts")) == {("delivered", 2)}
        assert len(receiver.events()) == 4
