""""Connect to Exact Online": our redirect and callback views, the sandbox's real consent page in between."""

import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from django.core import signing
from django.urls import reverse

from audit.models import AuditEvent
from connectors.models import Connection
from sandbox.exact_online.api import DEFAULT_DIVISION
from sandbox.exact_online.seed import provision_connection
from sandbox.models import Call


def consent_form(authorize_url):
    """GET the sandbox consent page and read its form (hidden fields), as a browser would."""
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    assert "Authorize" in page.text and "Deny" in page.text
    return {name: html.unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', page.text)}


def decide(authorize_url, decision):
    """Click Authorize or Deny; returns the redirect the sandbox answers with (our callback URL)."""
    answer = requests.post(authorize_url.split("?")[0], data={**consent_form(authorize_url), "decision": decision},
                           allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def local(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def start(client, conn):
    response = client.get(reverse("connectors:connect", args=[conn.pk]))
    assert response.status_code == 302
    return response["Location"]


def test_connect_end_to_end(sandbox, client, admin_user):
    conn = provision_connection("exact-connect", sandbox, connect=False)
    assert conn.typed_config.division is None and conn.refresh_token == ""
    client.force_login(admin_user)

    authorize_url = start(client, conn)
    assert authorize_url.startswith(f"{sandbox}/sandbox/exact_online/api/oauth2/auth?")
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["response_type"] == ["code"] and query["client_id"] == [conn.typed_config.client_id]
    assert query["redirect_uri"] == [f"{sandbox}/connect/callback/"]

    callback = decide(authorize_url, "authorize")
    assert callback.startswith(f"{sandbox}/connect/callback/?") and "code=" in callback
    response = client.get(local(callback))
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("admin:connectors_connection_change", args=[conn.pk])

    conn.refresh_from_db()
    assert conn.auth_state == Connection.AuthState.OK
    assert conn.access_token and conn.refresh_token and conn.token_fetches == 1
    assert conn.typed_config.division == DEFAULT_DIVISION  # filled from current/Me
    event = AuditEvent.objects.get(action="connection.connect.succeeded", connection=conn)
    assert event.user == admin_user and str(DEFAULT_DIVISION) in event.message
    # The authorization code is a secret: the token call's audit excerpt does not carry it.
    code = parse_qs(urlsplit(callback).query)["code"][0]
    assert not AuditEvent.objects.filter(request_excerpt__contains=code).exists()
    assert AuditEvent.objects.filter(action="http.token", request_excerpt__contains="authorization_code").exists()

    # The state is single use: replaying the callback changes nothing and makes no token call.
    token_calls = Call.objects.filter(path__contains="oauth2/token").count()
    replay = client.get(local(callback))
    assert replay.status_code == 400 and b"already" in replay.content
    assert Call.objects.filter(path__contains="oauth2/token").count() == token_calls


def test_deny_leaves_the_connection_alone(sandbox, client, admin_user):
    conn = provision_connection("exact-deny", sandbox, connect=False)
    client.force_login(admin_user)
    callback = decide(start(client, conn), "deny")
    assert "error=access_denied" in callback
    response = client.get(local(callback))
    assert response.status_code == 400 and b"declined" in response.content
    conn.refresh_from_db()
    assert conn.refresh_token == "" and conn.auth_state == Connection.AuthState.UNKNOWN
    assert AuditEvent.objects.filter(action="connection.connect.failed", connection=conn).exists()


def test_tampered_state_is_rejected(sandbox, client, admin_user):
    conn = provision_connection("exact-tamper", sandbox, connect=False)
    client.force_login(admin_user)
    callback = decide(start(client, conn), "authorize")
    query = {k: v[0] for k, v in parse_qs(urlsplit(callback).query).items()}
    signature_forged = query["state"][:-3] + ("aaa" if not query["state"].endswith("aaa") else "bbb")
    other_key = signing.dumps({"c": conn.pk, "n": "guessed"}, salt="connectors.views.state", key="not-our-secret-key")
    for forged in (signature_forged, other_key, ""):
        response = client.get(reverse("connectors:callback") + "?" + urlencode({**query, "state": forged}))
        assert response.status_code == 400 and b"invalid state" in response.content
    conn.refresh_from_db()
    assert conn.refresh_token == ""


def test_state_of_another_session_is_rejected(sandbox, client, admin_user, django_user_model):
    conn = provision_connection("exact-session", sandbox, connect=False)
    client.force_login(admin_user)
    callback = decide(start(client, conn), "authorize")
    from django.test import Client

    other = Client()
    other.force_login(django_user_model.objects.create_superuser("other", "o@example.com", "pw"))
    response = other.get(local(callback))
    assert response.status_code == 400 and b"not started in this browser session" in response.content
    conn.refresh_from_db()
    assert conn.refresh_token == ""


def test_expired_state_is_rejected(db, client, admin_user, monkeypatch):
    conn = provision_connection("exact-expired", "http://127.0.0.1:9", connect=False)
    client.force_login(admin_user)
    state = parse_qs(urlsplit(start(client, conn)).query)["state"][0]
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 601)
    response = client.get(reverse("connectors:callback") + f"?code=whatever&state={state}")
    assert response.status_code == 400 and b"longer than 10 minutes" in response.content


def test_only_staff_with_permission_may_connect(db, client, django_user_model):
    conn = provision_connection("exact-perm", "http://127.0.0.1:9", connect=False)
    url = reverse("connectors:connect", args=[conn.pk])
    assert client.get(url)["Location"].startswith(reverse("admin:login"))  # anonymous
    staff = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403


def test_systems_without_interactive_authorization_have_no_connect_page(db, client, admin_user):
    from sandbox.walmart.seed import provision_connection as walmart_connection

    conn = walmart_connection("wm-no-connect", "http://127.0.0.1:9")
    client.force_login(admin_user)
    assert client.get(reverse("connectors:connect", args=[conn.pk])).status_code == 404


def test_admin_page_offers_the_connect_button(db, client, admin_user):
    conn = provision_connection("exact-button", "http://127.0.0.1:9", connect=False)
    client.force_login(admin_user)
    page = client.get(reverse("admin:connectors_connection_change", args=[conn.pk])).content.decode()
    assert reverse("connectors:connect", args=[conn.pk]) in page and "Connect to Exact Online" in page
