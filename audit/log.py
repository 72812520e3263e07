"""The one way to write the audit trail. Callers pass already-redacted excerpts."""

import logging

from audit.models import AuditEvent

logger = logging.getLogger("audit")


def record(action, *, user=None, connection=None, obj=None, object_type="", object_id="", ok=True, message="", data=None, **fields):
    """Append one event. `obj` (a model instance) fills object_type/object_id; `fields` are model columns."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or str(obj.pk)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    event = AuditEvent.objects.create(
        action=action,
        user=user,
        connection=connection,
        object_type=object_type,
        object_id=str(object_id),
        ok=ok,
        message=message[:5000],
        data=data or {},
        **fields,
    )
    call = f"{fields.get('method')} {fields.get('url', '')[:200]} -> {fields.get('status') or 'no answer'} " if fields.get("method") else ""
    logger.info("%s %s%s%s", action, f"{object_type}:{object_id} " if object_id else "", call, message[:200])
    return event
