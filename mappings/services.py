"""Upload → preview → confirm, exports and their audit events: what the admin, the CLI and tasks call.

Preview stores the upload (bytes, sha256, the plan's digest) and writes no mapping. Confirm
re-validates the stored bytes inside one transaction and applies them only if the plan is still
the previewed one; otherwise the upload is marked `changed` and carries a fresh preview.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from audit.log import record
from mappings.importer import run_import
from mappings.models import ImportUpload
from mappings.spreadsheet import check_size, sniff

# Above this many rows a confirm runs as a django-q2 task instead of inside the web request.
DEFAULT_SYNC_CONFIRM_ROWS = 5000


def sync_confirm_rows():
    return int(getattr(settings, "MAPPINGS_IMPORT_SYNC_ROWS", DEFAULT_SYNC_CONFIRM_ROWS))


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def preview_upload(kind, filename, data, *, user=None, integration=None):
    """Validate a file without writing mappings; returns the stored ImportUpload (its .preview)."""
    check_size(len(data))  # before anything is parsed or stored
    sniff(data)
    result = run_import(kind, data, integration=integration, dry_run=True)
    upload = ImportUpload.objects.create(
        kind=kind, integration=integration, filename=filename[:255], sha256=sha256(data), size=len(data),
        content=data, created_by=user if getattr(user, "is_authenticated", False) else None,
        preview=result.as_dict(),
    )
    return upload


def confirm_upload(upload, *, user=None):
    """Apply a previewed upload. Returns the ImportResult; the upload's status says what happened."""
    if upload.status == ImportUpload.Status.APPLIED:
        raise ValueError("This upload has already been applied.")
    if upload.status == ImportUpload.Status.EXPIRED:
        raise ValueError("This preview has expired; upload the file again.")
    if upload.preview.get("error_count"):
        raise ValueError("This upload has errors; fix the file and upload it again.")
    data = bytes(upload.content)
    result = run_import(
        upload.kind, data, integration=upload.integration, dry_run=False, expected_digest=upload.preview.get("digest"),
    )
    if result.changed_since_preview or not result.written:
        upload.status = ImportUpload.Status.CHANGED
        upload.preview = result.as_dict()
        upload.save(update_fields=["status", "preview"])
        return result
    upload.status = ImportUpload.Status.APPLIED
    upload.result = result.as_dict()
    upload.applied_at = timezone.now()
    # The bytes were only kept for confirm; the audit event keeps the file's name and sha256.
    upload.content = b""
    upload.save(update_fields=["status", "result", "applied_at", "content"])
    audit_import(upload.kind, upload.filename, upload.sha256, result, user=user, integration=upload.integration,
                 upload_id=str(upload.pk))
    return result


def import_file(kind, filename, data, *, user=None, integration=None, dry_run=False, skip_errors=False, source="cli"):
    """One-step import (CLI, demo): the same validation; writes unless dry_run or an error row (without skip_errors)."""
    result = run_import(kind, data, integration=integration, dry_run=dry_run, skip_errors=skip_errors)
    if result.written:
        audit_import(kind, filename, sha256(data), result, user=user, integration=integration, source=source,
                     skipped_error_rows=result.counts["errors"])
    return result


def audit_import(kind, filename, digest, result, *, user=None, integration=None, **extra):
    record(
        "mapping.import.confirmed", user=user, object_type=f"mapping.{kind}",
        object_id=integration.slug if integration else "",
        connection=integration.erp if integration else None,
        message=f"{kind} import of {filename}: {result.counts['new']} new, {result.counts['updated']} updated, "
                f"{result.counts['unchanged']} unchanged",
        data={"kind": kind, "file": filename, "sha256": digest, "counts": result.counts, "rows": result.rows, **extra},
    )


def audit_export(kind, filename, rows, *, user=None, integration=None, source="admin"):
    record(
        "mapping.export.downloaded", user=user, object_type=f"mapping.{kind}",
        object_id=integration.slug if integration else "",
        message=f"{kind} export {filename}: {rows} rows",
        data={"kind": kind, "file": filename, "rows": rows, "source": source},
    )



def purge_uploads(older_than_days=7):
    """Expire uploads previewed but never confirmed, dropping their bytes (for a daily schedule).

    The rows stay (who uploaded what, its sha256 and preview counts); only the content, up to
    MAPPINGS_IMPORT_MAX_BYTES each, goes. Returns how many uploads expired.
    """
    cutoff = timezone.now() - timedelta(days=older_than_days)
    stale = ImportUpload.objects.filter(
        created_at__lt=cutoff, status__in=[ImportUpload.Status.PREVIEWED, ImportUpload.Status.CHANGED],
    )
    return stale.update(content=b"", status=ImportUpload.Status.EXPIRED)
