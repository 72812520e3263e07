"""django-q2 tasks of the mappings app. They take ids, never file contents or secrets (DESIGN §6)."""

from django.contrib.auth import get_user_model

from mappings.models import ImportUpload
from mappings.services import confirm_upload


def confirm_upload_task(upload_id, user_id=None):
    """Apply a large previewed upload in the worker; the upload's status and result tell the admin."""
    upload = ImportUpload.objects.select_related("integration__erp").get(pk=upload_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        result = confirm_upload(upload, user=user)
    except Exception as exc:
        ImportUpload.objects.filter(pk=upload_id).update(status=ImportUpload.Status.FAILED, result={"error": str(exc)})
        raise
    return result.counts
