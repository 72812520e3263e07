"""Sync state: integrations (and, with later issues, the inbox, orders, returns, runs), the worker heartbeat."""

from django.core.exceptions import ValidationError
from django.db import models

from connectors.registry import ERP_SYSTEMS

FLOWS = [
    ("orders_in", "Walmart orders → ERP"),
    ("returns_in", "Walmart returns → ERP"),
    ("inventory_out", "ERP stock → Walmart"),
    ("inventory_in", "Walmart stock → ERP"),
    ("prices_out", "ERP prices → Walmart"),
    ("items_out", "Product data → Walmart"),
    ("shipments_out", "ERP shipments → Walmart"),
    ("customers", "Customer reference data"),
]


class Integration(models.Model):
    """One Walmart seller account joined to one ERP connection, with the flows the seller wants.

    Several integrations may share one Walmart account or one ERP (DESIGN §4: the inbox belongs to
    the Walmart account and every integration on it takes the order from there).
    """

    slug = models.SlugField(unique=True, help_text="Used in URLs and commands, e.g. sync SLUG orders_in")
    name = models.CharField(max_length=100)
    walmart = models.ForeignKey(
        "connectors.Connection", on_delete=models.PROTECT, related_name="walmart_integrations",
        limit_choices_to={"system": "walmart"},
    )
    erp = models.ForeignKey(
        "connectors.Connection", on_delete=models.PROTECT, related_name="erp_integrations",
        limit_choices_to={"system__in": ERP_SYSTEMS},
    )
    enabled_flows = models.JSONField(default=list, blank=True, help_text="Flow names, e.g. [\"orders_in\"]")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.name or self.slug

    @property
    def erp_system(self):
        return self.erp.system

    def clean(self):
        if self.walmart_id and self.walmart.system != "walmart":
            raise ValidationError({"walmart": "Choose a Walmart Marketplace connection."})
        if self.erp_id and self.erp.system not in ERP_SYSTEMS:
            raise ValidationError({"erp": "Choose an ERP connection."})
        unknown = sorted(set(self.enabled_flows or []) - {name for name, _ in FLOWS})
        if unknown:
            raise ValidationError({"enabled_flows": f"Unknown flow(s): {', '.join(unknown)}"})


class WorkerHeartbeat(models.Model):
    """One row per qcluster name, touched every minute by the `heartbeat` schedule."""

    cluster = models.CharField(max_length=100, unique=True)
    beat_at = models.DateTimeField()
    host = models.CharField(max_length=200, blank=True)
    pid = models.IntegerField(null=True)

    def __str__(self):
        return f"{self.cluster} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
