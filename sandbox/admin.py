"""The sandbox in the admin: switch faults on and off, watch calls, see accounts and the clock."""

from django.contrib import admin

from sandbox import clock
from sandbox.models import Account, Call, Fault


@admin.register(Fault)
class FaultAdmin(admin.ModelAdmin):
    list_display = ["system", "mode", "rate", "seconds", "path_contains", "method", "starts_at", "ends_at", "hits"]
    list_filter = ["system", "mode"]
    fields = ["system", "mode", "rate", "seconds", "path_contains", "method", "starts_at", "ends_at"]
    actions = ["end_now"]

    def get_changeform_initial_data(self, request):
        return {"starts_at": clock.now(), "rate": 1.0}

    @admin.action(description="End the selected faults now")
    def end_now(self, request, queryset):
        queryset.update(ends_at=clock.now())


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["at", "system", "method", "path", "status", "fault"]
    list_filter = ["system", "status", "fault", "method"]
    search_fields = ["path"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["system", "key", "name"]
    list_filter = ["system"]
    search_fields = ["key", "name"]
    # Only hashes of secrets are stored; they are useless to show.
    exclude = ["secret_hash", "secret2_hash"]
    readonly_fields = ["system", "key"]

    def has_add_permission(self, request):
        return False
