"""Import (upload → preview → confirm), export and template pages, inside the admin of each kind."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from mappings import exporter, services
from mappings.admin.forms import UploadForm
from mappings.models import ImportUpload
from mappings.spreadsheet import FileRefused
from syncs.models import Integration

ERRORS_SHOWN = 500


class KindView(View):
    model_admin = None

    @property
    def kind(self):
        return self.model_admin.kind

    def dispatch(self, request, *args, **kwargs):
        self.check_permission(request)
        return super().dispatch(request, *args, **kwargs)

    def check_permission(self, request):
        if not self.model_admin.can_import(request):
            raise PermissionDenied

    def context(self, request, **extra):
        opts = self.model_admin.model._meta
        return {
            **self.model_admin.admin_site.each_context(request), "opts": opts, "kind": self.kind,
            "changelist_url": reverse(f"admin:mappings_{opts.model_name}_changelist"),
            "template_url": reverse(f"admin:mappings_{opts.model_name}_template"),
            **extra,
        }


class ImportView(KindView):
    def get(self, request):
        return render(request, "admin/mappings/import.html", self.context(request, form=UploadForm(),
                                                                          title=f"Import {self.kind.label}"))

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                stored = services.preview_upload(
                    self.kind.name, upload.name, upload.read(), user=request.user,
                    integration=form.cleaned_data["integration"],
                )
            except FileRefused as exc:
                form.add_error("file", str(exc))
            else:
                name = self.model_admin.model._meta.model_name
                return redirect(reverse(f"admin:mappings_{name}_preview", args=[stored.pk]))
        return render(request, "admin/mappings/import.html", self.context(request, form=form,
                                                                          title=f"Import {self.kind.label}"))


class PreviewView(KindView):
    def get_upload(self, request, upload_id):
        upload = get_object_or_404(ImportUpload, pk=upload_id, kind=self.kind.name)
        if upload.created_by_id != request.user.pk and not request.user.is_superuser:
            raise PermissionDenied  # an upload may contain another team's data; only its author confirms it
        return upload

    def get(self, request, upload_id):
        upload = self.get_upload(request, upload_id)
        preview = upload.preview
        return render(request, "admin/mappings/preview.html", self.context(
            request, upload=upload, preview=preview, errors=preview.get("errors", [])[:ERRORS_SHOWN],
            can_confirm=upload.status in (ImportUpload.Status.PREVIEWED, ImportUpload.Status.CHANGED)
            and not preview.get("error_count"),
            title=f"Preview: {upload.filename}",
        ))

    def post(self, request, upload_id):
        upload = self.get_upload(request, upload_id)
        here = request.path
        if upload.status not in (ImportUpload.Status.PREVIEWED, ImportUpload.Status.CHANGED):
            messages.error(request, f"This upload is {upload.get_status_display().lower()}; it cannot be confirmed again.")
            return redirect(here)
        if upload.preview.get("rows", 0) > services.sync_confirm_rows():
            from django_q.tasks import async_task

            ImportUpload.objects.filter(pk=upload.pk).update(status=ImportUpload.Status.QUEUED)
            async_task("mappings.tasks.confirm_upload_task", str(upload.pk), request.user.pk,
                       task_name=f"mappings import {upload.pk}")
            messages.info(request, f"{upload.preview['rows']} rows: the import runs in the background. "
                                   "This page shows the outcome when it is done.")
            return redirect(here)
        try:
            result = services.confirm_upload(upload, user=request.user)
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect(here)
        if not result.written:
            messages.warning(request, "The mappings changed since the preview; here is the new preview. "
                                      "Check it and confirm again.")
            return redirect(here)
        counts = result.counts
        messages.success(request, f"Imported {upload.filename}: {counts['new']} new, {counts['updated']} updated, "
                                  f"{counts['unchanged']} unchanged.")
        return redirect(self.context(request)["changelist_url"])


class ExportView(KindView):
    def check_permission(self, request):
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied

    def get(self, request):
        fmt = request.GET.get("format", "csv")
        if fmt not in exporter.FORMATS:
            fmt = "csv"
        integration = None
        if request.GET.get("integration"):
            integration = get_object_or_404(Integration, pk=request.GET["integration"])
        filename = f"{self.kind.name}-mappings{'-' + integration.slug if integration else ''}.{fmt}"
        data = exporter.export_bytes(self.kind.name, fmt, integration)
        services.audit_export(self.kind.name, filename, exporter.count_rows(self.kind.name, integration),
                              user=request.user, integration=integration, source="admin")
        response = HttpResponse(data, content_type=exporter.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class TemplateView(ExportView):
    """An empty file with the import's header row."""

    def get(self, request):
        fmt = request.GET.get("format", "csv")
        if fmt not in exporter.FORMATS:
            fmt = "csv"
        response = HttpResponse(exporter.export_bytes(self.kind.name, fmt, template=True),
                                content_type=exporter.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{self.kind.name}-template.{fmt}"'
        return response
