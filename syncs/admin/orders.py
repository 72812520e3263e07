"""Walmart orders in the admin: read-only (Walmart and the flows change them), with the ERP document,
the posting history, a replay action and a "preview posting" page showing the exact ERP payload."""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from connectors.errors import ConnectorError
from syncs.models import MarketplaceOrder, OrderLine, ShipmentConfirmation
from syncs.orders import review
from syncs.orders.preview import preview


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["line_number", "sku", "product_name", "quantity", "status", "cancelled_quantity", "shipped_quantity",
              "ship_method", "statuses"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


class ShipmentInline(admin.TabularInline):
    """The order's way out: packages confirmed on Walmart (tracking, ship date) and ERP cancellations."""

    model = ShipmentConfirmation
    fk_name = "order"
    verbose_name_plural = "shipments and cancellations on Walmart"
    fields = ["line_number", "kind", "quantity", "carrier", "tracking_number", "shipped_at", "seller_order_id", "status",
              "review_reason", "posted_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def lifecycle(order):
    """posted → shipped (partially) → delivered, from Walmart's line statuses as last read."""
    lines = list(order.lines.all())
    if not lines or order.status not in (MarketplaceOrder.Status.POSTED, MarketplaceOrder.Status.ACKNOWLEDGED):
        return order.get_status_display()
    open_lines = [l for l in lines if l.cancelled_quantity < l.quantity]
    delivered = [l for l in open_lines if l.status == "Delivered"]
    shipped = [l for l in open_lines if l.shipped_quantity >= l.quantity - l.cancelled_quantity]
    if open_lines and len(delivered) == len(open_lines):
        return "delivered"
    if open_lines and len(shipped) == len(open_lines):
        return "shipped"
    if any(l.shipped_quantity for l in lines):
        return "partially shipped"
    return "cancelled" if not open_lines else order.get_status_display()


@admin.register(MarketplaceOrder)
class MarketplaceOrderAdmin(admin.ModelAdmin):
    list_display = ["purchase_order_id", "integration", "status", "review_reason", "order_date", "ship_node_type",
                    "ship_to_state", "order_total", "currency", "erp_document_number"]
    list_filter = ["status", "review_reason", "integration", "ship_node_type", "on_hold"]
    search_fields = ["purchase_order_id", "customer_order_id", "lines__sku", "erp_document_number"]
    date_hierarchy = "order_date"
    list_select_related = ["integration"]
    inlines = [OrderLineInline, ShipmentInline]
    exclude = ["raw"]
    actions = ["replay_posting"]
    change_form_template = "admin/syncs/order_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        return ["fulfilment", *[f.name for f in self.model._meta.fields if f.name != "raw"]]

    @admin.display(description="fulfilment")
    def fulfilment(self, obj):
        return lifecycle(obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_preview"
        return [path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name=name), *super().get_urls()]

    def preview_view(self, request, pk):
        order = get_object_or_404(MarketplaceOrder.objects.select_related("integration__erp"), pk=pk)
        if not self.has_view_permission(request, order):
            raise PermissionDenied
        try:
            result, error = preview(order), ""
        except ConnectorError as exc:
            result, error = None, f"The ERP could not be asked: {exc}"
        context = {**self.admin_site.each_context(request), "opts": self.opts, "original": order, "order": order,
                   "title": f"Preview posting of PO {order.purchase_order_id}", "error": error, "result": result,
                   "payload": json.dumps(result["payload"], indent=2, default=str) if result and result["payload"] else ""}
        return TemplateResponse(request, "admin/syncs/preview_posting.html", context)

    @admin.action(description="Replay the posting (the ERP is asked first whether it already has it)",
                  permissions=["review"])
    def replay_posting(self, request, queryset):
        done, refused = 0, []
        for order in queryset.select_related("integration"):
            try:
                review.replay(order, request.user)
                done += 1
            except review.DecisionError as exc:
                refused.append(str(exc))
        if done:
            self.message_user(request, f"{done} order(s) will be posted at the next run of orders_in.")
        for text in refused[:10]:
            self.message_user(request, text, messages.WARNING)

    def has_review_permission(self, request):
        return request.user.has_perm("syncs.review_order")


def preview_link(order):
    url = reverse("admin:syncs_marketplaceorder_preview", args=[order.pk])
    return format_html('<a href="{}">Preview posting</a>', url)
