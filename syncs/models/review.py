"""The review queue is a view of orders, not a table: a proxy model gives it its own admin page."""

from syncs.models.orders import MarketplaceOrder


class ReviewOrder(MarketplaceOrder):
    class Meta:
        proxy = True
        verbose_name = "order in review"
        verbose_name_plural = "review queue"
