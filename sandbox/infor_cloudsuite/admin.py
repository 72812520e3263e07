"""The FSM emulator in the admin (read-only): interface rows with their status and errors, journals."""

from django.contrib import admin

from sandbox.infor_cloudsuite.models import InterfaceRow, Journal


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InterfaceRow)
class InterfaceRowAdmin(ReadOnly):
    list_display = ["run_group", "sequence", "account_code", "accounting_unit", "amount", "posting_date", "reference", "status",
                    "error_message", "journal", "tenant"]
    list_filter = ["status", "tenant"]
    search_fields = ["run_group", "reference", "description"]


@admin.register(Journal)
class JournalAdmin(ReadOnly):
    list_display = ["number", "run_group", "accounting_entity", "posting_date", "released_at", "tenant"]
    search_fields = ["run_group"]
