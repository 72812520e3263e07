"""The syncs admin: integrations, the inbox, runs; orders and the review queue in their own modules."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from syncs.admin import orders, outbound, returns, review  # noqa: F401  (registers the order, return, stock and price admins, the review queue)
from syncs.models import InboxEvent, Integration, SyncRun


class IntegrationForm(forms.ModelForm):
    webhook_secret = forms.CharField(
        required=False, label="Webhook secret",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="HMAC client secret, Basic auth password, OAuth client secret or the static header value, as set "
                  "in the Walmart subscription. Write-only: leave blank to keep the stored one.",
    )

    class Meta:
        model = Integration
        fields = ["slug", "name", "walmart", "erp", "enabled_flows", "active", "webhook_auth", "webhook_header",
                  "webhook_hmac_encoding", "webhook_username", "safety_buffer", "full_resend_hours",
                  "feed_timeout_minutes", "price_change_limit_percent", "price_currency", "inventory_in_quantity",
                  "inventory_in_draft_only", "items_sku_pattern"]

    def save(self, commit=True):
        instance = super().save(commit=False)
        if self.cleaned_data.get("webhook_secret"):
            instance.set_webhook_secret(self.cleaned_data["webhook_secret"])
        if commit:
            instance.save()
        return instance


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    form = IntegrationForm
    list_display = ["slug", "name", "walmart", "erp", "active", "webhook_url"]
    list_filter = ["active", "erp__system"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["subscribe_webhooks"]
    fieldsets = [
        (None, {"fields": ["slug", "name", "walmart", "erp", "enabled_flows", "active"]}),
        ("Walmart webhooks", {"fields": ["webhook_auth", "webhook_header", "webhook_hmac_encoding", "webhook_username",
                                         "webhook_secret"]}),
        ("Stock and prices", {"fields": ["safety_buffer", "full_resend_hours", "feed_timeout_minutes",
                                         "price_change_limit_percent", "price_currency", "inventory_in_quantity",
                                         "inventory_in_draft_only", "items_sku_pattern"]}),
    ]

    @admin.action(description="Subscribe Walmart webhooks (and send a test delivery)")
    def subscribe_webhooks(self, request, queryset):
        from connectors.errors import ConnectorError
        from syncs.intake.subscribe import subscribe

        for integration in queryset:
            try:
                self.message_user(request, f"{integration.slug}: " + "; ".join(subscribe(integration, request.user)))
            except (ConnectorError, ValueError) as exc:
                self.message_user(request, f"{integration.slug}: {exc}", messages.ERROR)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from syncs.schedules import ensure_integration_schedules

        ensure_integration_schedules(obj)

    @admin.display(description="Webhook URL")
    def webhook_url(self, obj):
        from django.conf import settings

        return format_html("<code>{}/webhooks/walmart/{}/</code>", settings.SITE_URL, obj.slug)


@admin.register(InboxEvent)
class InboxEventAdmin(admin.ModelAdmin):
    list_display = ["received_at", "account", "event_type", "sub_event_type", "purchase_order_id", "return_order_id",
                    "source", "status"]
    list_filter = ["status", "source", "kind", "event_type", "account"]
    search_fields = ["purchase_order_id", "return_order_id", "event_id", "dedup_key"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "integration", "flow", "trigger", "ok", "finished_at", "counts"]
    list_filter = ["ok", "flow", "integration", "trigger"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
