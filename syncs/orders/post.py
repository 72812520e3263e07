"""Posting Walmart orders into the integration's ERP through the posting machine (syncs.posting)."""

from connectors import registry
from mappings.resolve import Resolver
from syncs import posting
from syncs.models import MarketplaceOrder
from syncs.orders.build import build
from syncs.orders.validate import release


class OrderJob(posting.Job):
    model = MarketplaceOrder
    action = "order.post"
    S = MarketplaceOrder.Status

    def __init__(self, integration):
        self.resolver = Resolver(integration)

    def build(self, order):
        built = build(order, self.resolver, list(order.lines.prefetch_related("charges")))
        if built.posting is None:
            first = built.reasons[0]
            raise posting.Unbuildable(first.code, " ".join(r.message for r in built.reasons))
        return built.posting

    def posted(self, order, document):
        release(order, "posted")  # the ERP's own stock now carries what the reservation held


def post_due(integration, *, adapter=None, retry_now=False, limit=200):
    """Post the integration's ready orders and due retries; returns counts by outcome."""
    queryset = MarketplaceOrder.objects.filter(integration=integration).select_related("integration")
    return posting.run(OrderJob(integration), queryset, adapter or registry.adapter(integration.erp), retry_now=retry_now,
                       limit=limit)


def post_one(order, *, adapter=None, force_lookup=False):
    """Run the machine over one order now (replay, admin); returns the outcome."""
    integration = order.integration
    return posting.attempt(OrderJob(integration), order, adapter or registry.adapter(integration.erp), force_lookup=force_lookup)
