"""Walmart items, inventory, prices, feeds and settings, included at /sandbox/walmart/ (paths as in walmart/openapi/)."""

from django.urls import path

from sandbox.walmart_listings import feed_views, inventory_views, item_views

urlpatterns = [
    path("v3/items", item_views.items),
    path("v3/items/<path:id>", item_views.item),
    path("v3/price", item_views.price),
    path("v3/inventory", inventory_views.inventory),
    path("v3/inventories", inventory_views.inventories),
    path("v3/inventories/<path:sku>", inventory_views.sku_inventories),
    path("v3/feeds", feed_views.feeds_collection),
    path("v3/feeds/<str:feed_id>", feed_views.feed_detail),
    path("v3/settings/partnerprofile", item_views.partner_profile),
    path("v3/settings/shipping/shipnodes", item_views.ship_nodes),
]
