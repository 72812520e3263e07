from django.contrib import admin

from audit.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """A page to look at rows the connector writes (audit trail, reports, received data): nobody
    adds, changes or deletes them here. Actions still run where a subclass grants their permission."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.display(description="integration", ordering="integration__slug")
def integration_slug(obj):
    """A list column for rows of an integration: its slug, which fits where the long name does not."""
    return obj.integration.slug


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["created_at", "action", "ok", "connection", "object_type", "object_id", "status", "duration_ms", "user"]
    list_filter = ["ok", "action", "connection", "object_type"]
    search_fields = ["action", "object_id", "correlation_id", "message", "url"]
    date_hierarchy = "created_at"
    list_select_related = ["connection", "user"]
