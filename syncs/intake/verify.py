"""Checking that a delivery really comes from Walmart, the way the subscription was set up
(reference/walmart-api.md §7.3): BASIC_AUTH, HMAC, OAUTH (bearer tokens from our own token
endpoint), or a static secret header. All comparisons are constant-time.
"""

import base64
import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.utils import timezone

from syncs.intake.envelope import Rejected
from syncs.models import Integration, WebhookToken

logger = logging.getLogger(__name__)

OAUTH_TOKEN_LIFETIME = 3600


def header(request, name):
    """A header by its exact vendor spelling (names with dots or underscores included)."""
    return request.META.get("HTTP_" + name.upper().replace("-", "_"), "")


def hmac_signatures(secret, body):
    """The HMAC-SHA256 of the raw body keyed by the client secret, as (base64, hex)."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode(), digest.hex()


def _equal(a, b):
    return hmac.compare_digest(a.encode(), b.encode())


def _verify_hmac(integration, presented, body):
    if presented.lower().startswith("sha256="):
        presented = presented[7:]
    as_base64, as_hex = hmac_signatures(integration.webhook_secret(), body)
    encoding = integration.webhook_hmac_encoding
    if encoding in ("auto", "base64") and _equal(presented, as_base64):
        matched = "base64"
    elif encoding in ("auto", "hex") and _equal(presented.lower(), as_hex):
        matched = "hex"
    else:
        raise Rejected(401, "signature does not match the body")
    # The encoding Walmart uses is not documented: say which one matched, once per delivery.
    logger.info("webhook %s: HMAC matched as %s", integration.slug, matched)
    return matched


def _verify_basic(integration, presented):
    value = presented[6:].strip() if presented[:6].lower() == "basic " else presented.strip()
    expected = base64.b64encode(f"{integration.webhook_username}:{integration.webhook_secret()}".encode()).decode()
    if not _equal(value, expected):
        raise Rejected(401, "wrong user name or password")


def _verify_bearer(integration, presented):
    if presented[:7].lower() != "bearer ":
        raise Rejected(401, "bearer token expected")
    digest = hashlib.sha256(presented[7:].strip().encode()).hexdigest()
    if not WebhookToken.objects.filter(integration=integration, token_hash=digest, expires_at__gt=timezone.now()).exists():
        raise Rejected(401, "unknown or expired bearer token")


def verify(integration, request, body):
    """Raise Rejected(401) unless the delivery carries the integration's credential; returns a note."""
    if not integration.webhook_secret() and integration.webhook_auth != Integration.WebhookAuth.OAUTH:
        raise Rejected(401, "webhook credentials are not configured for this integration")
    presented = header(request, integration.webhook_header)
    if not presented:
        raise Rejected(401, f"missing {integration.webhook_header} header")
    method = integration.webhook_auth
    if method == Integration.WebhookAuth.HMAC:
        return "hmac-" + _verify_hmac(integration, presented, body)
    if method == Integration.WebhookAuth.BASIC_AUTH:
        _verify_basic(integration, presented)
    elif method == Integration.WebhookAuth.OAUTH:
        _verify_bearer(integration, presented)
    elif not _equal(presented, integration.webhook_secret()):
        raise Rejected(401, f"wrong {integration.webhook_header} value")
    return method


def issue_oauth_token(integration, presented_basic):
    """Our token endpoint for Walmart (OAUTH): client credentials in Basic form -> (token, lifetime)."""
    value = presented_basic[6:].strip() if presented_basic[:6].lower() == "basic " else presented_basic.strip()
    expected = base64.b64encode(f"{integration.webhook_username}:{integration.webhook_secret()}".encode()).decode()
    if not integration.webhook_username or not integration.webhook_secret() or not _equal(value, expected):
        raise Rejected(401, "invalid client credentials")
    token = secrets.token_urlsafe(32)
    WebhookToken.objects.filter(integration=integration, expires_at__lt=timezone.now()).delete()
    WebhookToken.objects.create(
        integration=integration, token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=timezone.now() + timedelta(seconds=OAUTH_TOKEN_LIFETIME),
    )
    return token, OAUTH_TOKEN_LIFETIME
