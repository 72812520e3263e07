"""The worker heartbeat that /healthz reads."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per qcluster name, touched every minute by the `heartbeat` schedule."""

    cluster = models.CharField(max_length=100, unique=True)
    beat_at = models.DateTimeField()
    host = models.CharField(max_length=200, blank=True)
    pid = models.IntegerField(null=True)

    def __str__(self):
        return f"{self.cluster} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
