"""django-q2 task entry points. Tasks take ids, never secrets or model instances (DESIGN §6)."""

import os
import socket

from django.conf import settings
from django.utils import timezone

from syncs.models import WorkerHeartbeat


def heartbeat():
    """Proves a worker is alive and consuming the queue (read by /healthz)."""
    WorkerHeartbeat.objects.update_or_create(
        cluster=settings.Q_CLUSTER["name"],
        defaults={"beat_at": timezone.now(), "host": socket.gethostname(), "pid": os.getpid()},
    )
