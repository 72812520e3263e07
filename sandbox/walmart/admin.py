"""The Walmart emulator in the admin: orders and returns as loaded, the seller's actions, webhook
subscriptions (secrets never shown), events and their deliveries with a "retry now" action."""

import json

from django.contrib import admin
from django.utils.html import format_html

from sandbox import clock
from sandbox.walmart.models import Action, Delivery, Event, Order, ReturnOrder, Subscription


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _pretty(data):
    return format_html("<pre>{}</pre>", json.dumps(data, indent=2))


@admin.register(Order)
class OrderAdmin(ReadOnly):
    list_display = ["purchase_order_id", "customer_order_id", "account", "order_date", "status", "ship_node_type",
                    "last_modified"]
    list_filter = ["status", "ship_node_type", "account"]
    search_fields = ["purchase_order_id", "customer_order_id", "skus"]
    date_hierarchy = "order_date"
    fields = ["account", "purchase_order_id", "customer_order_id", "order_date", "last_modified", "status",
              "ship_node_type", "payload"]
    readonly_fields = fields

    @admin.display(description="JSON served by the API")
    def payload(self, obj):
        return _pretty(obj.data)


@admin.register(ReturnOrder)
class ReturnOrderAdmin(ReadOnly):
    list_display = ["return_order_id", "customer_order_id", "account", "return_order_date", "status", "last_modified"]
    search_fields = ["return_order_id", "customer_order_id"]
    fields = ["account", "return_order_id", "customer_order_id", "return_order_date", "last_modified", "status",
              "payload"]
    readonly_fields = fields

    @admin.display(description="JSON served by the API")
    def payload(self, obj):
        return _pretty(obj.data)


@admin.register(Action)
class ActionAdmin(ReadOnly):
    list_display = ["at", "kind", "reference", "account"]
    list_filter = ["kind"]
    search_fields = ["reference"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnly):
    list_display = ["event_type", "event_url", "status", "auth_method", "hmac_encoding", "account"]
    list_filter = ["event_type", "status", "auth_method"]
    # The secrets stay out of the admin: they exist only to sign deliveries.
    fields = ["account", "subscription_id", "event_type", "resource_name", "event_version", "event_url", "status",
              "auth_method", "auth_header_name", "user_name", "client_id", "auth_url", "hmac_encoding", "headers"]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return True  # hmac_encoding is the sandbox's own setting; staff may switch it

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.fields if f != "hmac_encoding"]


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ["at", "event_type", "sub_event_type", "event_id", "account"]
    list_filter = ["event_type"]
    fields = ["account", "event_id", "event_type", "sub_event_type", "at", "document"]
    readonly_fields = fields

    @admin.display(description="Delivered document")
    def document(self, obj):
        from sandbox.walmart.events import envelope

        return _pretty(envelope(obj))


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["event", "subscription", "status", "attempts", "last_status_code", "last_error", "next_attempt_at"]
    list_filter = ["status"]
    actions = ["retry_now"]

    @admin.action(description="Attempt the selected deliveries now (a failed one gets one more attempt)")
    def retry_now(self, request, queryset):
        from sandbox.walmart import webhooks

        now = clock.now()
        queryset.update(status=Delivery.Status.PENDING, next_attempt_at=now)
        counts = webhooks.deliver_due(now)
        self.message_user(request, ", ".join(f"{n} {k}" for k, n in counts.items()))
