"""Leases and claims for sync work: conditional UPDATEs committed before any network call
(style rule 8). Portable to SQLite and PostgreSQL; a crashed holder's lease simply expires."""

import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone


class Busy(Exception):
    """Someone else holds the lease."""


@contextmanager
def lease(model, pk, *, seconds, until_field="lease_until", owner_field="lease_owner"):
    """Hold a row's lease for the duration of the block; raise Busy if another holder has it."""
    owner = uuid.uuid4().hex
    now = timezone.now()
    taken = model.objects.filter(pk=pk).filter(
        Q(**{f"{until_field}__isnull": True}) | Q(**{f"{until_field}__lt": now})
    ).update(**{until_field: now + timedelta(seconds=seconds), owner_field: owner})
    if not taken:
        raise Busy(f"{model.__name__} {pk} is being worked on elsewhere")
    try:
        yield owner
    finally:
        model.objects.filter(pk=pk, **{owner_field: owner}).update(**{until_field: None, owner_field: ""})


def claim(queryset, *, status_field, from_status, to_status, until_field, seconds, extra=None):
    """Claim the rows of `queryset` one by one (UPDATE ... WHERE status = from_status); return the claimed ids."""
    now = timezone.now()
    claimed = []
    for pk in queryset.values_list("pk", flat=True):
        won = queryset.model.objects.filter(pk=pk).filter(
            Q(**{status_field: from_status}) | Q(**{status_field: to_status, f"{until_field}__lt": now})
        ).update(**{status_field: to_status, until_field: now + timedelta(seconds=seconds), **(extra or {})})
        if won:
            claimed.append(pk)
    return claimed
