"""The admin shared by every mapping kind: filters, bulk actions, audited edits, import/export pages.

Permissions are Django's model permissions, granted per group by migration 0002: importing a kind
needs add + change on it, exporting needs view; everything else answers 403. Nobody deletes a
mapping here: retire it (active = 0) so the history of what orders used stays readable.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.html import format_html

from audit.log import record
from mappings.admin import views
from mappings.kinds import KIND_BY_MODEL
from mappings.verify import CODES, verify_rows


class VerifiedFilter(admin.SimpleListFilter):
    title = "verify state"
    parameter_name = "verify_state"

    def lookups(self, request, model_admin):
        return [("unverified", "Not verified"), ("verified", "Verified"), ("invalid", "Rejected by the ERP")]

    def queryset(self, request, queryset):
        return queryset.filter(verify_state=self.value()) if self.value() else queryset


class MappingAdmin(admin.ModelAdmin):
    change_list_template = "admin/mappings/change_list.html"
    list_per_page = 100
    list_select_related = ["integration"]
    readonly_fields = ["verify_state", "verify_message", "verified_at", "created_at", "updated_at"]
    actions = ["retire", "reactivate", "verify_against_erp"]

    @property
    def kind(self):
        return KIND_BY_MODEL[self.model]

    def has_delete_permission(self, request, obj=None):
        return False

    def can_import(self, request):
        opts = self.model._meta
        return request.user.has_perms([f"mappings.add_{opts.model_name}", f"mappings.change_{opts.model_name}"])

    def get_urls(self):
        name = self.model._meta.model_name
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(views.ImportView.as_view(model_admin=self)), name=f"mappings_{name}_import"),
            path("import/<uuid:upload_id>/", wrap(views.PreviewView.as_view(model_admin=self)), name=f"mappings_{name}_preview"),
            path("export/", wrap(views.ExportView.as_view(model_admin=self)), name=f"mappings_{name}_export"),
            path("template/", wrap(views.TemplateView.as_view(model_admin=self)), name=f"mappings_{name}_template"),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        name = self.model._meta.model_name
        extra_context = {
            **(extra_context or {}),
            "can_import": self.can_import(request),
            "import_url": reverse(f"admin:mappings_{name}_import"),
            "export_url": reverse(f"admin:mappings_{name}_export"),
            "template_url": reverse(f"admin:mappings_{name}_template"),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description="ERP check", ordering="verify_state")
    def verify_badge(self, obj):
        colours = {"verified": "#2e7d32", "invalid": "#c62828", "unverified": "#777"}
        return format_html('<span style="color:{}" title="{}">{}</span>', colours[obj.verify_state],
                           obj.verify_message, obj.get_verify_state_display())

    # --- edits and bulk actions, all audited ---------------------------------------------------
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(f"mapping.{self.kind.name}.{'changed' if change else 'created'}", user=request.user, obj=obj,
               connection=obj.integration.erp, message=str(obj),
               data={"fields": sorted(form.changed_data), "integration": obj.integration.slug})

    def _set_active(self, request, queryset, active):
        if not self.has_change_permission(request):
            raise PermissionDenied
        ids = list(queryset.filter(active=not active).values_list("pk", flat=True))
        self.model.objects.filter(pk__in=ids).update(active=active)
        verb = "reactivated" if active else "retired"
        record(f"mapping.{self.kind.name}.{verb}", user=request.user, object_type=f"mapping.{self.kind.name}",
               message=f"{len(ids)} {self.kind.label} {verb}", data={"ids": ids})
        self.message_user(request, f"{len(ids)} {self.kind.label} {verb}.")

    @admin.action(description="Retire selected (active = 0; orders treat them as unmapped)", permissions=["change"])
    def retire(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description="Reactivate selected", permissions=["change"])
    def reactivate(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description="Verify selected against the ERP", permissions=["change"])
    def verify_against_erp(self, request, queryset):
        if not CODES[self.kind.name]:
            self.message_user(request, f"{self.kind.label.capitalize()} have no ERP codes to verify.", messages.WARNING)
            return
        summary = verify_rows(queryset.select_related("integration__erp"), user=request.user)
        level = messages.WARNING if summary["errors"] or summary["invalid"] else messages.SUCCESS
        text = (f"{summary['verified']} verified, {summary['invalid']} rejected by the ERP, "
                f"{summary['unverified']} not checked (left as they were).")
        if summary["errors"]:
            text += f" The ERP could not answer ({'; '.join(summary['errors'])}); try again later."
        self.message_user(request, text, level)
