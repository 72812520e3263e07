"""Known-answer tests for each webhook authentication method (reference/walmart-api.md §7.3)."""

import base64
import logging

import pytest

from syncs.intake.verify import hmac_signatures
from syncs.models import InboxEvent
from tests.syncs.conftest import KAT_BODY, KAT_HMAC_BASE64, KAT_HMAC_HEX, KAT_SECRET, deliver


def test_our_hmac_matches_the_known_answer():
    assert hmac_signatures(KAT_SECRET, KAT_BODY) == (KAT_HMAC_BASE64, KAT_HMAC_HEX)


@pytest.mark.parametrize("signature,encoding", [(KAT_HMAC_BASE64, "base64"), (KAT_HMAC_HEX, "hex"),
                                                (KAT_HMAC_HEX.upper(), "hex"), ("sha256=" + KAT_HMAC_HEX, "hex")])
def test_hmac_accepts_base64_and_hex_and_logs_which(integration, client, caplog, signature, encoding):
    caplog.set_level(logging.INFO, logger="syncs.intake.verify")
    response = deliver(client, KAT_BODY, **{"X-Walmart-Signature": signature})
    assert response.status_code == 200, response.content
    assert f"HMAC matched as {encoding}" in caplog.text
    assert InboxEvent.objects.get().purchase_order_id == "1796277083022"


def test_hmac_refuses_a_body_changed_by_one_byte(integration, client):
    tampered = KAT_BODY.replace(b"1796277083022", b"1796277083023")
    response = deliver(client, tampered, **{"X-Walmart-Signature": KAT_HMAC_BASE64})
    assert response.status_code == 401 and response.json()["error"] == "signature does not match the body"
    assert not InboxEvent.objects.exists()


def test_hmac_encoding_can_be_pinned(integration, client):
    integration.webhook_hmac_encoding = "base64"
    integration.save()
    assert deliver(client, KAT_BODY, **{"X-Walmart-Signature": KAT_HMAC_HEX}).status_code == 401
    assert deliver(client, KAT_BODY, **{"X-Walmart-Signature": KAT_HMAC_BASE64}).status_code == 200


def test_basic_auth(integration, client):
    integration.webhook_auth, integration.webhook_header, integration.webhook_username = "basic_auth", "Authorization", "abc"
    integration.set_webhook_secret("test")
    integration.save()
    # Walmart's docs: the header value is BASE64(userName:password); accept it with or without "Basic ".
    assert base64.b64encode(b"abc:test").decode() == "YWJjOnRlc3Q="
    assert deliver(client, KAT_BODY, Authorization="Basic YWJjOnRlc3Q=").status_code == 200
    assert deliver(client, KAT_BODY, Authorization="YWJjOnRlc3Q=").status_code == 200  # duplicate, still 200
    assert deliver(client, KAT_BODY, Authorization="Basic YWJjOnRlc3R4").status_code == 401


def test_static_header(integration, client):
    integration.webhook_auth, integration.webhook_header = "header", "WM_SEC.WEBHOOK_KEY"
    integration.set_webhook_secret("static-value-123")
    integration.save()
    assert deliver(client, KAT_BODY, **{"WM_SEC.WEBHOOK_KEY": "static-value-124"}).status_code == 401
    assert deliver(client, KAT_BODY, **{"WM_SEC.WEBHOOK_KEY": "static-value-123"}).status_code == 200


def test_oauth_token_then_bearer(integration, client):
    integration.webhook_auth, integration.webhook_header, integration.webhook_username = "oauth", "Authorization", "wm-client"
    integration.set_webhook_secret("wm-client-secret")
    integration.save()
    # As Walmart calls authUrl: form grant_type=client_credentials, Basic base64(clientId:clientSecret).
    creds = base64.b64encode(b"wm-client:wm-client-secret").decode()
    token_response = client.generic("POST", "/webhooks/walmart/acme/token", "grant_type=client_credentials",
                                    content_type="application/x-www-form-urlencoded; charset=ISO-8859-1",
                                    HTTP_AUTHORIZATION=creds)
    assert token_response.status_code == 200
    token = token_response.json()["access_token"]
    assert token_response.json()["expires_in"] == 3600
    assert deliver(client, KAT_BODY, Authorization=f"Bearer {token}").status_code == 200
    assert deliver(client, KAT_BODY, Authorization="Bearer not-a-token").status_code == 401
    bad = client.generic("POST", "/webhooks/walmart/acme/token", "grant_type=client_credentials",
                         content_type="application/x-www-form-urlencoded; charset=ISO-8859-1",
                         HTTP_AUTHORIZATION=base64.b64encode(b"wm-client:wrong").decode())
    assert bad.status_code == 401
