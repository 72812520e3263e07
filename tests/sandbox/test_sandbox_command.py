"""`manage.py sandbox`: faults on and off, the clock, stats JSON shape, reset."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from connectors import http
from connectors.errors import RecoverableError
from sandbox import clock
from sandbox.models import Call, Fault
from sandbox.walmart.seed import provision_connection

SYSTEMS = ["walmart", "ifs_cloud", "infor_cloudsuite", "infor_m3", "peoplesoft", "exact_online"]


def run(*args):
    out = io.StringIO()
    call_command("sandbox", *args, stdout=out)
    return out.getvalue()


def test_fault_outage_then_clear_is_seen_by_the_real_client(sandbox):
    conn = provision_connection("wm", sandbox)
    http.send(conn, "GET", "/v3/token/detail")
    assert "Fault outage on walmart" in run("fault", "walmart", "outage", "--seconds", "300")
    with pytest.raises(RecoverableError) as exc:
        http.send(conn, "GET", "/v3/token/detail")
    assert exc.value.status == 503
    assert "Cleared 1 fault(s)" in run("fault", "--clear")
    http.send(conn, "GET", "/v3/token/detail")


def test_an_outage_ends_by_itself_on_the_sandbox_clock(sandbox):
    conn = provision_connection("wm", sandbox)
    http.send(conn, "GET", "/v3/token/detail")
    run("fault", "walmart", "outage", "--seconds", "300")
    with pytest.raises(RecoverableError):
        http.send(conn, "GET", "/v3/token/detail")
    clock.advance(301)
    conn.refresh_from_db()
    # The sandbox clock moved past the token's life too: the client refreshes and succeeds.
    http.send(conn, "GET", "/v3/token/detail")


def test_fault_rate_and_path_filters(db):
    run("fault", "ifs_cloud", "error", "--rate", "0.5", "--path", "CustomerOrder", "--method", "post")
    fault = Fault.objects.get()
    assert (fault.rate, fault.path_contains, fault.method, fault.ends_at) == (0.5, "CustomerOrder", "POST", None)
    with pytest.raises(CommandError):
        run("fault", "ifs_cloud", "error", "--rate", "0")
    with pytest.raises(CommandError):
        run("fault", "ifs_cloud")


def test_stats_json_has_the_contract_shape(sandbox):
    conn = provision_connection("wm", sandbox)
    http.send(conn, "GET", "/v3/token/detail")
    data = json.loads(run("stats", "--json"))
    assert sorted(data) == sorted(SYSTEMS)
    for row in data.values():
        assert set(row) >= {"calls", "throttled", "documents", "duplicate_references"}
    assert data["walmart"]["calls"] == 2  # token + token/detail
    assert data["walmart"]["duplicate_references"] == 0


def test_clock_and_reset(db):
    assert "offset +60 s" in run("clock", "--advance", "60")
    Call.objects.create(at=clock.now(), system="walmart", method="GET", path="/x", status=200)
    assert "Sandbox state deleted" in run("reset")
    assert not Call.objects.exists()
    assert "offset +0 s" in run("clock")
