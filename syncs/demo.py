"""Demo integrations: one per demo ERP, all on the one demo Walmart account (DESIGN §8 `demo`).

Called by `manage.py demo` after the sandbox connections exist. Idempotent.
"""

import secrets

from connectors.models import Connection
from syncs.models import Integration
from syncs.schedules import ensure_integration_schedules

DEMO_ERPS = ["demo-ifs", "demo-cloudsuite", "demo-m3", "demo-peoplesoft", "demo-exact"]
WALMART = "demo-walmart"
# Walmart has one subscription per event type and account: the deliveries go to this integration's
# URL, and every integration on the account takes the orders from the shared inbox.
SUBSCRIBED = "demo-ifs"


# The outbound flows each demo ERP offers (DESIGN §1); inventory_in (Exact) needs a ship node synced
# "in", which would clash with the other demo ERPs feeding every node out, so it stays off here.
DEMO_OUTBOUND = ("inventory_out", "prices_out", "shipments_out", "items_out")


def demo_flows(erp):
    from connectors import registry

    offered = registry.adapter_class(erp.system).capabilities
    optional = {"inventory_out", "prices_out"} if erp.system == "exact_online" else set()  # Exact: by choice
    return ["orders_in", "returns_in", *[flow for flow in DEMO_OUTBOUND if flow in offered and flow not in optional]]


def seed_integrations(out=print):
    walmart = Connection.objects.filter(name=WALMART).first()
    if walmart is None:
        out("integrations: skipped (no demo-walmart connection)")
        return []
    made = []
    for name in DEMO_ERPS:
        erp = Connection.objects.filter(name=name).first()
        if erp is None:
            out(f"integration {name}: skipped (no {name} connection)")
            continue
        integration, created = Integration.objects.get_or_create(
            slug=name, defaults={"name": f"Demo: Walmart → {erp.system_label}", "walmart": walmart, "erp": erp,
                                 "enabled_flows": demo_flows(erp), "webhook_auth": Integration.WebhookAuth.HMAC,
                                 "webhook_header": "WM_SEC.HMAC_SIGNATURE"},
        )
        if not integration.webhook_secret():
            integration.set_webhook_secret(secrets.token_urlsafe(24))
            integration.save()
        ensure_integration_schedules(integration)
        made.append(integration)
        out(f"integration {name}: {'created' if created else 'exists'}")
    return made


def seed_mappings(integrations, out=print):
    from mappings import demo as mapping_demo

    for integration in integrations:
        result = mapping_demo.seed(integration)
        out(f"mappings {integration.slug}: {result}")


def subscribe_webhooks(out=print):
    """Subscribe the demo Walmart account's webhooks to the demo-ifs URL (no test delivery: the web
    server may not be up yet while `demo` runs)."""
    from connectors.errors import ConnectorError
    from syncs.intake.subscribe import subscribe

    integration = Integration.objects.filter(slug=SUBSCRIBED).select_related("walmart").first()
    if integration is None:
        return
    try:
        out("webhooks: " + "; ".join(subscribe(integration, test=False)))
    except ConnectorError as exc:
        out(f"webhooks: not subscribed ({exc}); run `manage.py webhooks subscribe {SUBSCRIBED}` once the server runs")
