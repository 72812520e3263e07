"""URLs of the Walmart Marketplace emulator, mounted at /sandbox/walmart/ (paths as in walmart/openapi/).

Orders, returns and webhooks are in this app; items, inventory, prices, feeds and settings in
sandbox.walmart_listings.
"""

from django.urls import include, path

from sandbox.walmart import auth, views_orders, views_returns, views_webhooks

urlpatterns = [
    path("v3/token", auth.token),
    path("v3/token/detail", auth.token_detail),
    path("v3/orders", views_orders.order_list),
    path("v3/orders/released", views_orders.released_list),
    path("v3/orders/<str:purchase_order_id>", views_orders.order_detail),
    path("v3/orders/<str:purchase_order_id>/acknowledge", views_orders.acknowledge),
    path("v3/orders/<str:purchase_order_id>/shipping", views_orders.shipping),
    path("v3/orders/<str:purchase_order_id>/cancel", views_orders.cancel),
    path("v3/orders/<str:purchase_order_id>/refund", views_orders.refund),
    path("v3/returns", views_returns.return_list),
    path("v3/returns/<str:return_order_id>/refund", views_returns.refund),
    path("v3/webhooks/eventTypes", views_webhooks.event_types),
    path("v3/webhooks/subscriptions", views_webhooks.subscriptions),
    path("v3/webhooks/subscriptions/<str:subscription_id>", views_webhooks.subscription_detail),
    path("v3/webhooks/test", views_webhooks.test_notification),
    path("", include("sandbox.walmart_listings.urls")),
]
