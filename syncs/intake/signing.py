"""The headers Walmart would send with a body under an integration's webhook auth (for testing with curl)."""

import base64

from syncs.intake.verify import hmac_signatures, issue_oauth_token
from syncs.models import Integration


def walmart_headers(integration, body):
    """[(name, value)] as Walmart's delivery would carry them."""
    headers = [("Content-Type", "application/json")]
    method, name, secret = integration.webhook_auth, integration.webhook_header, integration.webhook_secret()
    if method == Integration.WebhookAuth.HMAC:
        encoding = "hex" if integration.webhook_hmac_encoding == "hex" else "base64"
        as_base64, as_hex = hmac_signatures(secret, body)
        headers.append((name, as_hex if encoding == "hex" else as_base64))
    elif method == Integration.WebhookAuth.BASIC_AUTH:
        headers.append((name, "Basic " + base64.b64encode(f"{integration.webhook_username}:{secret}".encode()).decode()))
    elif method == Integration.WebhookAuth.OAUTH:
        basic = base64.b64encode(f"{integration.webhook_username}:{secret}".encode()).decode()
        token, _ = issue_oauth_token(integration, basic)
        headers.append((name, f"Bearer {token}"))
    else:
        headers.append((name, secret))
    return headers
