"""The unmapped report: Walmart codes without an active mapping, from orders and from Walmart's own
lists; a prefilled "create" link per row, ERP item suggestions accepted in bulk, a refresh button.

Nobody edits a report row: it is evidence. Mapping from it needs the rights on SKU or ship node
mappings (Operations, Administrators), checked here as for an import.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from audit.admin import ReadOnlyAdmin, integration_slug
from connectors.errors import ConnectorError
from mappings import suggestions
from mappings.models import ShipNodeMap, SightingKind, SkuMap, UnmappedSighting
from mappings.walmart_catalog import refresh_from_walmart
from syncs.models import Integration

SKU_RIGHTS = ["mappings.add_skumap", "mappings.change_skumap"]
NODE_RIGHTS = ["mappings.add_shipnodemap", "mappings.change_shipnodemap"]


class SourceFilter(admin.SimpleListFilter):
    title = "seen by"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return [("orders", "Orders that needed it"), ("walmart_catalog", "Listed on Walmart")]

    def queryset(self, request, queryset):
        if self.value() == "orders":
            return queryset.filter(count__gt=0)
        if self.value() == "walmart_catalog":
            return queryset.filter(walmart_count__gt=0)
        return queryset


class SuggestionFilter(admin.SimpleListFilter):
    title = "ERP suggestion"
    parameter_name = "suggestion"

    def lookups(self, request, model_admin):
        return [("yes", "Has a suggested item"), ("no", "No suggestion")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(suggested_item="")
        if self.value() == "no":
            return queryset.filter(suggested_item="")
        return queryset


class RefreshForm(forms.Form):
    integration = forms.ModelChoiceField(Integration.objects.select_related("walmart", "erp"),
                                         help_text="Whose Walmart account to read.")


class UnmappedReportAdmin(ReadOnlyAdmin):
    """Walmart codes that orders needed or Walmart lists and no active mapping covers, busiest first."""

    change_list_template = "admin/mappings/unmapped_change_list.html"
    list_display = ["value", "kind", "name", integration_slug, "count", "walmart_seen_at", "last_seen", "suggestion",
                    "create_link"]
    list_filter = ["integration", "kind", SourceFilter, SuggestionFilter]
    list_select_related = ["integration"]
    search_fields = ["value", "name", "gtin", "suggested_item"]
    ordering = ["-count", "-last_seen"]
    actions = ["accept_suggestions", "suggest_items"]

    def get_queryset(self, request):
        # A code mapped (actively) since it was seen drops off the report.
        mapped_sku = SkuMap.objects.filter(integration=OuterRef("integration"), walmart_sku=OuterRef("value"), active=True)
        mapped_node = ShipNodeMap.objects.filter(integration=OuterRef("integration"), ship_node=OuterRef("value"),
                                                 active=True)
        return (
            super().get_queryset(request).select_related("integration__erp")
            .annotate(mapped_sku=Exists(mapped_sku), mapped_node=Exists(mapped_node))
            .exclude(Q(kind=SightingKind.SKU, mapped_sku=True) | Q(kind=SightingKind.SHIP_NODE, mapped_node=True))
        )

    # --- columns ---------------------------------------------------------------------------
    @admin.display(description="Suggested ERP item", ordering="suggested_item")
    def suggestion(self, obj):
        if not obj.suggested_item:
            return obj.suggestion_note
        return format_html('<span title="{}">{} ({})</span>', obj.suggestion_note, obj.suggested_item,
                           obj.get_suggestion_basis_display())

    @admin.display(description="Map it")
    def create_link(self, obj):
        if obj.kind == SightingKind.SKU:
            model, values = SkuMap, {"walmart_sku": obj.value, "erp_item": obj.suggested_item, "gtin": obj.gtin,
                                     "category": obj.detail, "description": obj.name}
        else:
            model, values = ShipNodeMap, {"ship_node": obj.value, "node_type": obj.detail, "name": obj.name}
        query = {"integration": obj.integration_id, **{name: value for name, value in values.items() if value}}
        url = reverse(f"admin:mappings_{model._meta.model_name}_add")
        return format_html('<a href="{}?{}">Create mapping</a>', url, urlencode(query))

    # --- permissions -----------------------------------------------------------------------
    def has_map_skus_permission(self, request):
        return request.user.has_perms(SKU_RIGHTS)

    def can_refresh(self, request):
        return request.user.has_perms(SKU_RIGHTS) or request.user.has_perms(NODE_RIGHTS)

    # --- actions ---------------------------------------------------------------------------
    @admin.action(description="Accept the suggested ERP items of the selected SKUs (imported, audited)",
                  permissions=["map_skus"])
    def accept_suggestions(self, request, queryset):
        chosen = list(queryset.filter(kind=SightingKind.SKU).exclude(suggested_item=""))
        if not chosen:
            self.message_user(request, "None of the selected rows is a SKU with a suggested ERP item; nothing imported.",
                              messages.WARNING)
            return
        for integration, result, refused in suggestions.accept(chosen, user=request.user):
            counts = result.counts
            text = (f"Integration {integration.slug}: {counts['new']} SKU mappings created, {counts['updated']} updated, "
                    f"{counts['unchanged']} unchanged from suggestions.")
            if result.error_count:
                text += (f" {counts['errors']} SKUs were refused by the import's checks and not mapped: "
                         f"{'; '.join(refused[:5])}{' ...' if len(refused) > 5 else ''}")
            self.message_user(request, text, messages.WARNING if result.error_count else messages.SUCCESS)

    @admin.action(description="Look for ERP items for the selected SKUs (same code or GTIN)", permissions=["map_skus"])
    def suggest_items(self, request, queryset):
        rows = list(queryset.filter(kind=SightingKind.SKU).select_related("integration__erp"))
        by_integration = {}
        for row in rows:
            by_integration.setdefault(row.integration, []).append(row)
        for integration, group in by_integration.items():
            summary = suggestions.suggest(integration, group)
            text = f"Integration {integration.slug}: {summary['suggested']} of {len(group)} SKUs have a suggested ERP item."
            if summary["errors"]:
                text += f" The ERP could not answer ({'; '.join(summary['errors'])}); earlier suggestions were kept."
            self.message_user(request, text, messages.WARNING if summary["errors"] else messages.SUCCESS)

    # --- refresh from Walmart --------------------------------------------------------------
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [path("refresh/", wrap(self.refresh_view), name="mappings_unmappedsighting_refresh")] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_refresh": self.can_refresh(request),
                         "refresh_url": reverse("admin:mappings_unmappedsighting_refresh")}
        return super().changelist_view(request, extra_context)

    def refresh_view(self, request):
        if not self.can_refresh(request):
            raise PermissionDenied
        changelist = reverse("admin:mappings_unmappedsighting_changelist")
        form = RefreshForm(request.POST or None, initial={"integration": request.GET.get("integration")})
        if request.method == "POST" and form.is_valid():
            integration = form.cleaned_data["integration"]
            try:
                result = refresh_from_walmart(integration, user=request.user)
            except ConnectorError as exc:
                messages.error(request, f"Could not read Walmart for {integration.slug}: {exc}. The report is unchanged; "
                                        "try again later.")
                return redirect(request.get_full_path())
            messages.success(request, str(result))
            return redirect(f"{changelist}?{urlencode({'integration__id__exact': integration.pk})}")
        return render(request, "admin/mappings/refresh.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
            "changelist_url": changelist, "title": "Refresh the unmapped report from Walmart",
        })


admin.site.register(UnmappedSighting, UnmappedReportAdmin)
