"""The IFS Cloud emulator in the admin: what an IFS user would see of the orders the connector
posted, the stock it reads, and the shipments. Read-only, except two actions that play the
warehouse (ship, cancel), so a demo can drive shipments and cancellations without an IFS."""

from django.contrib import admin, messages

from sandbox.ifs_cloud import warehouse
from sandbox.ifs_cloud.models import (
    CustomerOrder, CustomerOrderCharge, CustomerOrderLine, InventoryPartInStock, SalesPart, Shipment, ShipmentLine, Site,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LineInline(ReadOnlyInline):
    model = CustomerOrderLine
    fields = ["line_no", "rel_no", "catalog_no", "catalog_desc", "buy_qty_due", "sale_unit_price", "qty_assigned",
              "qty_shipped", "objstate"]


class ChargeInline(ReadOnlyInline):
    model = CustomerOrderCharge
    fields = ["sequence_no", "charge_type", "charge_amount", "charged_qty"]


@admin.register(CustomerOrder)
class CustomerOrderAdmin(ReadOnlyAdmin):
    list_display = ["order_no", "customer_po_no", "contract", "customer_no", "objstate", "wanted_delivery_date",
                    "date_entered", "realm"]
    list_filter = ["objstate", "contract", "realm"]
    search_fields = ["order_no", "customer_po_no"]
    inlines = [LineInline, ChargeInline]
    actions = ["ship", "cancel"]

    @admin.action(description="Ship (as the warehouse would): one shipment for every open quantity")
    def ship(self, request, queryset):
        for order in queryset:
            try:
                shipment = warehouse.ship_order(order.realm, order.order_no)
            except ValueError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                self.message_user(request, f"{order.order_no}: shipment {shipment.shipment_id}")

    @admin.action(description="Cancel (as an IFS user would)")
    def cancel(self, request, queryset):
        for order in queryset.exclude(objstate="Cancelled"):
            warehouse.cancel_order(order.realm, order.order_no)
        self.message_user(request, "Cancelled; reserved stock released.")


@admin.register(InventoryPartInStock)
class StockAdmin(ReadOnlyAdmin):
    list_display = ["part_no", "contract", "location_no", "qty_onhand", "qty_reserved", "available_qty", "realm"]
    list_filter = ["contract", "realm"]
    search_fields = ["part_no"]


@admin.register(SalesPart)
class SalesPartAdmin(ReadOnlyAdmin):
    list_display = ["catalog_no", "catalog_desc", "contract", "list_price", "gtin_no", "realm"]
    list_filter = ["contract", "realm"]
    search_fields = ["catalog_no", "catalog_desc", "gtin_no"]


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ["contract", "company", "description", "realm"]


class ShipmentLineInline(ReadOnlyInline):
    model = ShipmentLine
    fields = ["shipment_line_no", "source_ref1", "source_ref2", "inventory_part_no", "inventory_qty"]


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["shipment_id", "contract", "receiver_id", "objstate", "actual_ship_date", "realm"]
    list_filter = ["objstate", "contract", "realm"]
    inlines = [ShipmentLineInline]
