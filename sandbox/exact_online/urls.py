"""URLs of the Exact Online emulator, mounted at /sandbox/exact_online/ (paths as on start.exactonline.<tld>)."""

from django.urls import path, re_path

from sandbox.exact_online import oauth, views

GUID = r"(?P<key>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
DIVISION = r"^api/v1/(?P<division>\d+)/"

urlpatterns = [
    path("api/oauth2/auth", oauth.authorize),
    path("api/oauth2/token", oauth.token),
    path("api/v1/current/Me", views.me),
    re_path(DIVISION + r"logistics/Items$", views.items),
    re_path(DIVISION + r"inventory/ItemWarehouses$", views.item_warehouses),
    re_path(DIVISION + r"sync/Inventory/StockPositions$", views.stock_positions),
    re_path(DIVISION + r"inventory/StockCounts$", views.stock_counts),
    re_path(DIVISION + r"inventory/ProcessStockCount$", views.process_stock_count),
    re_path(DIVISION + r"inventory/Warehouses$", views.warehouses),
    re_path(DIVISION + r"financial/GLAccounts$", views.gl_accounts),
    re_path(DIVISION + r"hrm/Costcenters$", views.cost_centers),
    re_path(DIVISION + r"crm/Accounts$", views.accounts),
    re_path(DIVISION + r"salesorder/SalesOrders$", views.document_collection, {"entity": "SalesOrders"}),
    re_path(DIVISION + r"salesorder/SalesOrders\(guid'" + GUID + r"'\)$", views.document_entity, {"entity": "SalesOrders"}),
    re_path(DIVISION + r"salesorder/SalesOrderLines$", views.document_lines, {"entity": "SalesOrders"}),
    re_path(DIVISION + r"salesorder/GoodsDeliveries$", views.goods_deliveries),
    re_path(DIVISION + r"salesorder/GoodsDeliveryLines$", views.goods_delivery_lines),
    re_path(DIVISION + r"salesinvoice/SalesInvoices$", views.document_collection, {"entity": "SalesInvoices"}),
    re_path(DIVISION + r"salesinvoice/SalesInvoices\(guid'" + GUID + r"'\)$", views.document_entity,
            {"entity": "SalesInvoices"}),
    re_path(DIVISION + r"salesinvoice/SalesInvoiceLines$", views.document_lines, {"entity": "SalesInvoices"}),
    re_path(DIVISION + r"webhooks/WebhookSubscriptions$", views.webhook_subscriptions),
    re_path(DIVISION + r"webhooks/WebhookSubscriptions\(guid'" + GUID + r"'\)$", views.webhook_subscription),
]
