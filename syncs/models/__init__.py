"""Sync state, one module per kind of row."""

from syncs.models.feeds import Feed, FeedLimit
from syncs.models.heartbeat import WorkerHeartbeat
from syncs.models.inbox import InboxEvent, PollState, WebhookToken
from syncs.models.integration import FLOWS, Integration
from syncs.models.outbound import InventoryState, ItemState, OutboundFlow, PriceApproval, PriceState
from syncs.models.orders import MarketplaceOrder, OrderCharge, OrderLine
from syncs.models.reservations import StockReservation
from syncs.models.returns import MarketplaceReturn, ReturnCharge, ReturnLine
from syncs.models.review import ReviewOrder
from syncs.models.runs import SyncRun
from syncs.models.shipments import ShipmentConfirmation
from syncs.models.stockcounts import StockCount, StockWritten

__all__ = ["FLOWS", "InboxEvent", "Integration", "MarketplaceOrder", "OrderCharge", "OrderLine", "PollState", "ReviewOrder", "StockReservation", "SyncRun", "WebhookToken",
           "WorkerHeartbeat"]
__all__ += ["MarketplaceReturn", "ReturnCharge", "ReturnLine"]
__all__ += ["Feed", "FeedLimit", "InventoryState", "OutboundFlow", "PriceApproval", "PriceState", "StockCount",
            "StockWritten"]
__all__ += ["ShipmentConfirmation"]
__all__ += ["ItemState"]
