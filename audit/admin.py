from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["created_at", "action", "ok", "connection", "object_type", "object_id", "status", "duration_ms", "user"]
    list_filter = ["ok", "action", "connection", "object_type"]
    search_fields = ["action", "object_id", "correlation_id", "message", "url"]
    date_hierarchy = "created_at"
    list_select_related = ["connection", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
