"""Walmart returns in the admin: read-only (Walmart and the returns flow change them), with their lines,
the original order they were linked to and, once posted, the ERP document."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from audit.admin import ReadOnlyAdmin
from syncs.models import MarketplaceReturn, ReturnLine


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    fields = ["line_number", "purchase_order_id", "purchase_order_line_number", "sku", "product_name", "quantity",
              "return_reason", "status", "refund_status", "product_amount", "tax_amount", "line_total", "last_event"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MarketplaceReturn)
class MarketplaceReturnAdmin(ReadOnlyAdmin):
    list_display = ["return_order_id", "integration", "status", "review_reason", "return_order_date", "purchase_order_id",
                    "original_order", "walmart_status", "refund_status", "total_refund_amount", "currency",
                    "erp_document_number"]
    list_filter = ["status", "integration", "review_reason", "walmart_status", "refund_channel", "is_wfs"]
    search_fields = ["return_order_id", "customer_order_id", "purchase_order_id", "lines__sku", "erp_document_number"]
    date_hierarchy = "return_order_date"
    list_select_related = ["integration", "order"]
    inlines = [ReturnLineInline]
    exclude = ["raw"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "raw"]

    @admin.display(description="Original order", ordering="order__purchase_order_id")
    def original_order(self, obj):
        if obj.order_id is None:
            return "—"
        url = reverse("admin:syncs_marketplaceorder_change", args=[obj.order_id])
        return format_html('<a href="{}">PO {}</a>', url, obj.order.purchase_order_id)
