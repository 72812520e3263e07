"""Run history: one row per run of a flow (what `status` shows as last runs)."""

from django.db import models

from syncs.models.integration import Integration


class SyncRun(models.Model):
    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="runs")
    flow = models.CharField(max_length=30)
    trigger = models.CharField(max_length=20, default="schedule", help_text="schedule, command, admin")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["integration", "flow", "-started_at"], name="run_latest_idx")]

    def __str__(self):
        return f"{self.integration.slug} {self.flow} {self.started_at:%Y-%m-%d %H:%M}"
