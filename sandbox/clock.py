"""The sandbox's controllable clock: real time plus an offset kept in the database.

The offset lives in the database so the test process, the live server thread and the worker
processes all see the same sandbox time. Tests call advance(); `sandbox clock --advance` too.
"""

from datetime import timedelta

from django.utils import timezone

from sandbox.models import Clock


def offset():
    row = Clock.objects.filter(pk=1).values_list("offset_seconds", flat=True).first()
    return row or 0.0


def now():
    return timezone.now() + timedelta(seconds=offset())


def advance(seconds):
    Clock.objects.update_or_create(pk=1, defaults={"offset_seconds": offset() + seconds})


def reset():
    Clock.objects.filter(pk=1).delete()
