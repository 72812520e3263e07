"""`manage.py webhooks sign` prints headers that our own endpoint accepts, for every auth method."""

import io

import pytest
from django.core.management import CommandError, call_command

from syncs.models import InboxEvent
from tests.syncs.conftest import KAT_BODY, KAT_HMAC_BASE64


def signed_headers(tmp_path, slug="acme", body=KAT_BODY):
    path = tmp_path / "order.json"
    path.write_bytes(body)
    out = io.StringIO()
    call_command("webhooks", "sign", slug, str(path), stdout=out)
    return dict(line.split(": ", 1) for line in out.getvalue().splitlines())


@pytest.mark.parametrize("method,user", [("hmac", ""), ("basic_auth", "abc"), ("oauth", "wm-client"), ("header", "")])
def test_signed_headers_are_accepted_by_the_endpoint(integration, client, tmp_path, method, user):
    integration.webhook_auth, integration.webhook_username = method, user
    integration.save()
    headers = signed_headers(tmp_path)
    assert headers["Content-Type"] == "application/json"
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items() if k != "Content-Type"}
    response = client.generic("POST", "/webhooks/walmart/acme/", KAT_BODY, content_type="application/json", **meta)
    assert response.status_code == 200, response.content
    assert InboxEvent.objects.count() == 1


def test_hmac_signature_is_the_known_answer(integration, tmp_path):
    assert signed_headers(tmp_path)["X-Walmart-Signature"] == KAT_HMAC_BASE64


def test_unknown_integration(db, tmp_path):
    with pytest.raises(CommandError, match="No integration 'nope'"):
        signed_headers(tmp_path, slug="nope")
