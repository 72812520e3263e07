"""Stock and prices to Walmart in the admin: per integration the inventory and price state (filter
by error, by node, search SKU), the feeds with their per-item errors, the price approval queue, the
stock counts written into Exact. Actions: retry held lines, resend everything (audited)."""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from audit import log as audit_log
from audit.admin import ReadOnlyAdmin, integration_slug
from syncs.models import Feed, InventoryState, ItemState, PriceApproval, PriceState, ShipmentConfirmation, StockCount
from syncs.orders.validate import format_quantity
from syncs.shipments import intake
from syncs.stock import outbound, prices_out


def _short(text, n=80):
    return text if len(text) <= n else text[: n - 1] + "…"


class OutboundLineAdmin(ReadOnlyAdmin):
    flow = ""
    list_select_related = ["integration"]
    search_fields = ["sku", "erp_item"]
    actions = ["retry_lines", "resend_everything"]

    def _may_act(self, request):
        return request.user.has_perm(f"syncs.change_{self.model._meta.model_name}")

    @admin.display(description="problem")
    def problem(self, obj):
        return _short(obj.error) if obj.error else ""

    @admin.action(description="Retry: send the selected held or refused lines with the next run")
    def retry_lines(self, request, queryset):
        if not self._may_act(request):
            self.message_user(request, "You may not retry lines.", messages.ERROR)
            return
        n = outbound.retry(queryset)
        for slug in set(queryset.values_list("integration__slug", flat=True)):
            audit_log.record(f"{self.flow}.retry", user=request.user, object_type="integration", object_id=slug,
                             message=f"{n} lines released for the next run", data={"integration": slug})
        self.message_user(request, f"{n} lines will go with the next run.")

    @admin.action(description="Resend everything (all lines of these integrations, changed or not, next run)")
    def resend_everything(self, request, queryset):
        if not self._may_act(request):
            self.message_user(request, "You may not resend.", messages.ERROR)
            return
        from syncs.models import Integration

        for integration in Integration.objects.filter(pk__in=queryset.values("integration")):
            outbound.resend_everything(integration, self.flow)
            audit_log.record(f"{self.flow}.resend_everything", user=request.user, obj=integration,
                             object_id=integration.slug, data={"integration": integration.slug})
            self.message_user(request, f"{integration.slug}: the next {self.flow} run sends every line.")


@admin.register(InventoryState)
class InventoryStateAdmin(OutboundLineAdmin):
    flow = "inventory_out"
    # The problem stays in view: the columns fit a laptop screen (what is in flight is in the detail).
    list_display = ["sku", "ship_node", integration_slug, "erp", "reserved_units", "buffer", "desired",
                    "sent", "problem"]

    @admin.display(description="ERP available", ordering="erp_available")
    def erp(self, obj):
        return "-" if obj.erp_available is None else format_quantity(obj.erp_available)

    @admin.display(description="reserved", ordering="reserved")
    def reserved_units(self, obj):
        return format_quantity(obj.reserved)
    list_filter = ["integration", "error_kind", "ship_node", "push_zero"]


@admin.register(PriceState)
class PriceStateAdmin(OutboundLineAdmin):
    flow = "prices_out"
    list_display = ["sku", integration_slug, "erp_price_shown", "currency", "cost", "desired", "sent", "problem"]

    @admin.display(description="ERP price", ordering="erp_price")
    def erp_price_shown(self, obj):
        return "-" if obj.erp_price is None else format_quantity(obj.erp_price)
    list_filter = ["integration", "error_kind", "currency"]


@admin.register(ItemState)
class ItemStateAdmin(OutboundLineAdmin):
    flow = "items_out"
    list_display = ["sku", integration_slug, "erp_item", "title", "sent_at", "in_flight", "error_kind", "problem"]
    list_filter = ["integration", "error_kind"]

    @admin.display(description="title")
    def title(self, obj):
        return _short((obj.record.get("Orderable") or {}).get("productName", ""), 60)


@admin.register(Feed)
class FeedAdmin(ReadOnlyAdmin):
    list_display = ["created_at", integration_slug, "flow", "feed_type", "state", "lines", "walmart_status",
                    "items_succeeded", "items_failed", "walmart_feed_id"]
    list_filter = ["state", "flow", "feed_type", "integration"]
    search_fields = ["reference", "walmart_feed_id", "first_sku", "last_sku"]
    list_select_related = ["integration"]
    exclude = ["payload"]
    readonly_fields = ["item_errors"]

    @admin.display(description="errors per item")
    def item_errors(self, obj):
        if not obj.errors:
            return "-"
        return format_html("<table>{}</table>", format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((e.get("sku") or "(file)", e.get("type", ""), e.get("description", "")) for e in obj.errors[:500])))


@admin.register(PriceApproval)
class PriceApprovalAdmin(ReadOnlyAdmin):
    """The price approval queue: changes the guardrail stopped, with who decided and when."""

    list_display = ["sku", integration_slug, "old_price", "new_price", "currency", "change_percent", "cost",
                    "reason", "state", "created_at", "decided_by", "decided_at"]
    list_filter = ["state", "reason", "integration"]
    search_fields = ["sku"]
    list_select_related = ["integration", "decided_by"]
    actions = ["approve", "reject"]

    def _decide(self, request, queryset, approve):
        if not request.user.has_perm("syncs.decide_price"):
            self.message_user(request, "You may not decide on prices.", messages.ERROR)
            return
        done = 0
        for approval in queryset.select_related("integration"):
            try:
                prices_out.decide(approval, approve=approve, user=request.user)
                done += 1
            except ValueError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        verb = "approved: they go with the next prices_out run" if approve else "rejected: held until the ERP price changes"
        self.message_user(request, f"{done} price changes {verb}.")

    @admin.action(description="Approve: send these prices with the next run")
    def approve(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description="Reject: keep Walmart's price until the ERP price changes again")
    def reject(self, request, queryset):
        self._decide(request, queryset, False)


@admin.register(StockCount)
class StockCountAdmin(ReadOnlyAdmin):
    list_display = ["reference", integration_slug, "warehouse", "ship_node", "line_count", "status", "erp_document_number",
                    "posted_at", "review_reason"]
    list_filter = ["status", "integration"]
    search_fields = ["reference", "erp_document_number"]
    list_select_related = ["integration"]

    @admin.display(description="lines")
    def line_count(self, obj):
        return len(obj.lines or [])


@admin.register(ShipmentConfirmation)
class ShipmentConfirmationAdmin(ReadOnlyAdmin):
    """Shipments and ERP cancellations on their way to Walmart; the ones in review say why (carrier
    not mapped, line cancelled, more than open). After fixing the cause: 'Check again and send'."""

    list_display = ["purchase_order_id", "line_number", integration_slug, "kind", "quantity", "erp_carrier", "carrier",
                    "tracking_number", "shipped_at", "status", "review_reason", "posted_at"]
    list_filter = ["status", "review_reason", "kind", "integration"]
    search_fields = ["purchase_order_id", "tracking_number", "seller_order_id"]
    list_select_related = ["integration"]
    actions = ["check_again"]

    @admin.action(description="Check again and send (after fixing a carrier mapping)")
    def check_again(self, request, queryset):
        if not request.user.has_perm("syncs.review_order"):
            self.message_user(request, "You may not release shipments.", messages.ERROR)
            return
        ready = intake.recheck(queryset)
        audit_log.record("shipment.recheck", user=request.user, object_type="shipmentconfirmation",
                         message=f"{ready} of {queryset.count()} ready to send")
        self.message_user(request, f"{ready} confirmation(s) will be sent with the next shipments_out run.")
