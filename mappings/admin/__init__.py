"""Admin registrations of the mapping kinds, the unmapped report and the import history."""

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from audit.admin import ReadOnlyAdmin
from mappings.admin import unmapped  # noqa: F401  (registers the unmapped report)
from mappings.admin.base import MappingAdmin, VerifiedFilter
from mappings.models import CarrierMap, CustomerMap, GlRule, ImportUpload, ShipNodeMap, SkuMap, SupplierMap


class FeedErrorFilter(admin.SimpleListFilter):
    title = "Walmart feed error"
    parameter_name = "feed_error"

    def lookups(self, request, model_admin):
        return [("yes", "Has a feed error"), ("no", "No feed error")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(feed_error="")
        if self.value() == "no":
            return queryset.filter(feed_error="")
        return queryset


@admin.register(SkuMap)
class SkuMapAdmin(MappingAdmin):
    list_display = ["walmart_sku", "erp_item", "unit", "factor", "category", "integration", "active", "verify_badge",
                    "feed_error_short"]
    list_filter = ["integration", "active", VerifiedFilter, FeedErrorFilter, "category"]
    search_fields = ["walmart_sku", "erp_item", "gtin", "description"]
    readonly_fields = MappingAdmin.readonly_fields + ["feed_error", "feed_error_at"]

    @admin.display(description="Feed error")
    def feed_error_short(self, obj):
        return (obj.feed_error[:60] + "…") if len(obj.feed_error) > 60 else obj.feed_error


@admin.register(ShipNodeMap)
class ShipNodeMapAdmin(MappingAdmin):
    list_display = ["ship_node", "name", "node_type", "warehouse", "location", "stock_sync", "integration", "active",
                    "verify_badge"]
    list_filter = ["integration", "active", VerifiedFilter, "node_type", "stock_sync"]
    search_fields = ["ship_node", "name", "warehouse", "location"]


@admin.register(GlRule)
class GlRuleAdmin(MappingAdmin):
    list_display = ["charge_type", "level", "scope", "gl_account", "cost_center", "accounting_entity",
                    "accounting_unit", "account_code", "company", "integration", "active", "verify_badge"]
    list_filter = ["integration", "active", VerifiedFilter, "charge_type", "level"]
    search_fields = ["scope", "gl_account", "cost_center", "account_code", "accounting_unit"]


@admin.register(CustomerMap)
class CustomerMapAdmin(MappingAdmin):
    list_display = ["channel", "ship_to_state", "erp_customer", "integration", "active", "verify_badge"]
    list_filter = ["integration", "active", VerifiedFilter, "channel"]
    search_fields = ["channel", "ship_to_state", "erp_customer"]


@admin.register(CarrierMap)
class CarrierMapAdmin(MappingAdmin):
    list_display = ["erp_carrier", "walmart_carrier", "other_carrier", "tracking_url", "method_code", "integration",
                    "active"]
    list_filter = ["integration", "active", "walmart_carrier", "method_code"]
    search_fields = ["erp_carrier", "walmart_carrier", "other_carrier"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # tracking pages are https


@admin.register(SupplierMap)
class SupplierMapAdmin(MappingAdmin):
    list_display = ["walmart_sku", "vendor_id", "business_unit", "integration", "active", "verify_badge"]
    list_filter = ["integration", "active", VerifiedFilter, "business_unit"]
    search_fields = ["walmart_sku", "vendor_id"]


@admin.register(ImportUpload)
class ImportUploadAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "filename", "integration", "created_by", "status", "counts", "preview_link"]
    list_filter = ["kind", "status"]
    exclude = ["content"]
    readonly_fields = [field.name for field in ImportUpload._meta.fields if field.name != "content"]

    @admin.display(description="Counts")
    def counts(self, obj):
        counts = (obj.result or obj.preview).get("counts", {})
        return ", ".join(f"{n} {name}" for name, n in counts.items())

    @admin.display(description="")
    def preview_link(self, obj):
        model = {"sku": SkuMap, "shipnode": ShipNodeMap, "gl": GlRule, "customer": CustomerMap,
                 "carrier": CarrierMap, "supplier": SupplierMap}[obj.kind]
        return format_html('<a href="{}">Open</a>', reverse(f"admin:mappings_{model._meta.model_name}_preview",
                                                            args=[obj.pk]))
