"""manage.py demo: idempotent sandbox demo whose connections work against the running server."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_q.models import Schedule

from connectors.models import Connection
from sandbox.management.commands.demo import DEMO_CONNECTIONS, seed_function
from syncs.schedules import SCHEDULES


def demo():
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def row_counts():
    """Rows of every table the migrations made (all apps, not only the ones the demo is known to touch)."""
    tables = set(connection.introspection.table_names())
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.db_table in tables}


@pytest.fixture
def site(sandbox, settings):
    """The demo pointed at the live test server, as `dev.py run` points it at gunicorn."""
    settings.SITE_URL = sandbox
    return sandbox


def test_a_second_run_changes_no_counts(site):
    demo()
    first = row_counts()

    output = demo()

    # The audit trail is the one table that grows: each run's mapping imports are audited (as 0 changes).
    after = row_counts()
    assert after.pop("audit.AuditEvent") > first.pop("audit.AuditEvent")
    assert after == first
    assert first["connectors.Connection"] >= 1
    assert "Demo ready" in output


def test_every_demo_connection_is_made_or_skipped_with_a_note(site):
    output = demo()

    for system, name in DEMO_CONNECTIONS:
        if seed_function(system, "provision_connection") is None:
            assert f"{name}: skipped (sandbox.{system}.seed.provision_connection does not exist yet)" in output
        else:
            connection = Connection.objects.get(name=name)
            assert connection.system == system
            # Where it calls: a base URL, or an .ionapi file's URLs (Infor), all at this server's emulator.
            assert f"{site}/sandbox/{system}" in json.dumps(connection.config)
            assert f"{name}: {connection.system_label} at {site}/sandbox/{system}" in output


def test_it_creates_the_schedules(site):
    Schedule.objects.all().delete()

    demo()

    names = set(Schedule.objects.values_list("name", flat=True))
    assert {name for name, _, _ in SCHEDULES} <= names  # the connector's own
    assert {"sandbox demo stream", "sandbox webhook deliveries"} <= names  # the demo's life
    assert {f"{slug}:orders_in" for slug in ("demo-ifs", "demo-cloudsuite", "demo-m3", "demo-peoplesoft", "demo-exact")} <= names


def test_demo_walmart_pings_ok_against_the_live_server(site):
    demo()
    out = StringIO()

    call_command("ping", "demo-walmart", stdout=out)  # raises CommandError (exit 1) when it fails

    assert out.getvalue().startswith("demo-walmart (Walmart Marketplace): OK")


@pytest.mark.parametrize("system, name", [pair for pair in DEMO_CONNECTIONS if pair[0] != "walmart"])
def test_each_erp_demo_connection_pings_ok(site, system, name):
    if seed_function(system, "provision_connection") is None:
        pytest.skip(f"sandbox.{system}.seed.provision_connection does not exist yet")
    demo()
    out = StringIO()

    call_command("ping", name, stdout=out)

    assert ": OK" in out.getvalue()


def test_site_url_option_points_the_demo_elsewhere(db):
    out = StringIO()

    call_command("demo", "--site-url", "http://demo.internal:8100/", stdout=out)

    walmart = Connection.objects.get(name="demo-walmart")
    assert "http://demo.internal:8100/sandbox/walmart" in json.dumps(walmart.config)
    assert "sandbox at http://demo.internal:8100/sandbox/" in out.getvalue()


def test_it_refuses_without_the_sandbox(db, settings):
    settings.SANDBOX_ENABLED = False

    with pytest.raises(CommandError, match="SANDBOX_ENABLED is false"):
        call_command("demo", stdout=StringIO())
    assert not Connection.objects.exists()


def test_a_seed_module_that_exists_is_found_and_a_missing_one_is_not():
    assert seed_function("walmart", "provision_connection") is not None
    assert seed_function("walmart", "no_such_function") is None
    with pytest.raises(ModuleNotFoundError, match="sandbox.no_such_system"):
        # A system the sandbox has no package for at all is not "coming later": it propagates.
        seed_function("no_such_system", "seed_demo")
