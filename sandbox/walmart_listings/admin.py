"""The Walmart listings emulator in the admin: what Walmart shows the seller (listings, quantities,
feeds and their outcome, the ledger of changes). Read-only: the emulator's API is the way to change it."""

from django.contrib import admin

from sandbox import clock
from sandbox.walmart_listings import feeds
from sandbox.walmart_listings.models import Change, Feed, FeedItem, Listing, StockLevel


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StockInline(admin.TabularInline):
    model = StockLevel
    fields = ["ship_node", "quantity", "reserved"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ["sku", "product_name", "price", "published_status", "lifecycle_status", "account"]
    list_filter = ["published_status", "lifecycle_status", "account"]
    search_fields = ["sku", "gtin", "wpid", "product_name"]
    inlines = [StockInline]


class FeedItemInline(admin.TabularInline):
    model = FeedItem
    fields = ["index", "sku", "status", "errors"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Feed)
class FeedAdmin(ReadOnlyAdmin):
    list_display = ["feed_id", "feed_type", "status", "received_at", "size", "account"]
    list_filter = ["feed_type", "account"]
    search_fields = ["feed_id"]
    exclude = ["file_errors"]
    readonly_fields = ["status", "file_errors_text"]
    inlines = [FeedItemInline]

    @admin.display(description="status (sandbox clock)")
    def status(self, obj):
        return feeds.status_at(obj, clock.now())

    @admin.display(description="file errors")
    def file_errors_text(self, obj):
        return "; ".join(e.get("description", "") for e in obj.file_errors) or "-"


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "sku", "ship_node", "old_value", "new_value", "source", "feed"]
    list_filter = ["kind", "source"]
    search_fields = ["sku"]
    date_hierarchy = "at"
