from django.contrib import admin

from syncs.models import Integration


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "walmart", "erp", "active"]
    list_filter = ["active", "erp__system"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}
