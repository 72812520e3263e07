"""Walmart items, inventory, prices, feeds and settings, included at /sandbox/walmart/."""

urlpatterns = []
