"""The M3 emulator in the admin (read-only): what the connector created, as M3 would show it."""

from django.contrib import admin

from sandbox.infor_m3.models import (
    Customer, CustomerReturn, Delivery, ItemAlias, ItemChange, Order, OrderCharge, OrderLine, Package, ReturnLine,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
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


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["ponr", "cupo", "itno", "orqt", "dlqt", "cnqt", "whlo", "sapr", "orst", "dwdt", "changed_at"]


class OrderChargeInline(ReadOnlyInline):
    model = OrderCharge
    fields = ["crid", "cram", "cucd"]


@admin.register(Order)
class OrderAdmin(ReadOnly):
    list_display = ["orno", "batch_no", "cuor", "cuno", "whlo", "confirmed", "tenant", "created_at"]
    list_filter = ["confirmed", "tenant", "whlo"]
    search_fields = ["orno", "batch_no", "cuor", "cuno"]
    readonly_fields = ["addresses", "errors"]
    inlines = [OrderLineInline, OrderChargeInline]


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = ["reli", "itno", "req0", "sapr", "rorl", "rscd"]


@admin.register(CustomerReturn)
class CustomerReturnAdmin(ReadOnly):
    list_display = ["repn", "whlo", "rorn", "cuno", "yref", "tenant", "created_at"]
    search_fields = ["repn", "rorn", "yref"]
    inlines = [ReturnLineInline]


@admin.register(Customer)
class CustomerAdmin(ReadOnly):
    list_display = ["cuno", "cunm", "town", "cscd", "stat", "tenant"]
    search_fields = ["cuno", "cunm"]


class PackageInline(ReadOnlyInline):
    model = Package
    fields = ["panr", "tracking"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["dlix", "conn", "order", "whlo", "carrier", "modl", "tracking", "shipped_at", "tenant"]
    search_fields = ["dlix", "conn", "tracking", "order__orno", "order__cuor", "packages__tracking"]
    inlines = [PackageInline]


@admin.register(ItemChange)
class ItemChangeAdmin(ReadOnly):
    """Items changed since the catalog (`manage.py sandbox touch-items`)."""

    list_display = ["itno", "description", "revision", "changed_at"]
    search_fields = ["itno"]


@admin.register(ItemAlias)
class ItemAliasAdmin(ReadOnly):
    """Aliases added through MMS025MI/AddAlias (the catalog's own EAN aliases are not rows)."""

    list_display = ["itno", "alwt", "alwq", "popn", "tenant", "created_at"]
    search_fields = ["itno", "popn"]
