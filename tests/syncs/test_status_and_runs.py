"""`status --json` shape, run history, and the per-integration schedules."""

import io
import json

from django.core.management import call_command
from django_q.models import Schedule

from syncs import flows
from syncs.models import SyncRun
from syncs.schedules import ensure_integration_schedules


def test_status_json_has_the_contract_shape(integration):
    out = io.StringIO()
    call_command("status", "--json", stdout=out)
    data = json.loads(out.getvalue())
    [row] = data["integrations"]
    assert row["slug"] == "acme" and row["erp"] == "ifs_cloud"
    for key in ("orders", "returns", "review", "last_runs"):
        assert isinstance(row[key], dict)


def test_schedules_follow_the_enabled_flows(integration):
    integration.enabled_flows = ["orders_in"]
    integration.save()
    ensure_integration_schedules(integration)
    ensure_integration_schedules(integration)
    schedule = Schedule.objects.get(name="acme:orders_in")
    assert schedule.func == "syncs.tasks.run_flow" and schedule.args == f"{integration.pk!r},'orders_in'"
    integration.enabled_flows = []
    integration.save()
    ensure_integration_schedules(integration)
    assert not Schedule.objects.filter(name="acme:orders_in").exists()


def test_a_failed_run_is_recorded_and_shown(integration):
    integration.walmart.config = {"client_id": "x", "base_url": "http://127.0.0.1:9"}
    integration.walmart.set_secrets(client_secret="s")
    integration.walmart.save()
    integration.enabled_flows = ["orders_in"]
    integration.save()
    from connectors.errors import ConnectorError

    try:
        flows.run(integration, "orders_in")
    except ConnectorError:
        pass
    run = SyncRun.objects.get()
    assert run.ok is False and "could not connect" in run.error
    out = io.StringIO()
    call_command("status", stdout=out)
    assert "last orders_in" in out.getvalue() and "FAILED" in out.getvalue()
