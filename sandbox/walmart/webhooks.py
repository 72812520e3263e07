"""Sending webhook deliveries the way Walmart does: the subscription's auth, its custom headers,
and retries (3 attempts in all, walmart-api.md §7.4; intervals are UNCONFIRMED, so an account
setting `webhook_retry_intervals`, default [60, 300] seconds of sandbox time).

Auth (walmart-api.md §7.3): BASIC_AUTH -> `<authHeaderName>: Basic base64(user:password)`;
HMAC -> `<authHeaderName>: HMAC-SHA256(clientSecret, raw body)` in base64 (default) or hex, per
subscription (Walmart does not document the encoding); OAUTH -> POST `authUrl` with
grant_type=client_credentials and `<authHeaderName>: Basic base64(clientId:clientSecret)`, then
`<authHeaderName>: Bearer <access_token>`. This is the sandbox, not the product: it may use
`requests` directly.
"""

import base64
import hashlib
import hmac
import json
import logging
from datetime import timedelta

import requests

from sandbox import clock
from sandbox.walmart.events import envelope
from sandbox.walmart.models import Delivery

logger = logging.getLogger(__name__)

DEFAULT_RETRY_INTERVALS = (60, 300)
DEFAULT_TIMEOUT = 10.0


class DeliveryFailed(Exception):
    def __init__(self, message, status_code=None):
        super().__init__(message)
        self.status_code = status_code


def retry_intervals(account):
    return [float(s) for s in account.settings.get("webhook_retry_intervals", DEFAULT_RETRY_INTERVALS)]


def _basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def signature(secret, body, encoding="base64"):
    """HMAC-SHA256 of the raw body keyed by the client secret."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return digest.hex() if encoding == "hex" else base64.b64encode(digest).decode()


def _oauth_token(auth, timeout, custom_headers, subscription=None):
    """A bearer token from the seller's authUrl; reused from the subscription while it is valid."""
    now = clock.now()
    if subscription is not None:  # another delivery of this run may have fetched one meanwhile
        subscription.refresh_from_db(fields=["oauth_token", "oauth_expires_at"])
    if subscription is not None and subscription.oauth_token and subscription.oauth_expires_at \
            and subscription.oauth_expires_at > now + timedelta(seconds=30):
        return subscription.oauth_token
    header = auth.get("authHeaderName") or "Authorization"
    headers = {**custom_headers, header: _basic(auth.get("clientId", ""), auth.get("clientSecret", "")),
               "Accept": "application/json; charset=UTF-8",
               "Content-Type": "application/x-www-form-urlencoded; charset=ISO-8859-1"}
    try:
        response = requests.post(auth.get("authUrl", ""), data="grant_type=client_credentials", headers=headers,
                                 timeout=timeout)
    except requests.RequestException as exc:
        raise DeliveryFailed(f"authUrl unreachable: {type(exc).__name__}") from None
    if response.status_code != 200:
        raise DeliveryFailed(f"authUrl answered HTTP {response.status_code}", response.status_code)
    try:
        body = response.json()
        token, expires_in = body["access_token"], float(body["expires_in"])
    except (ValueError, KeyError, TypeError):
        raise DeliveryFailed("authUrl did not return access_token and expires_in") from None
    if subscription is not None:
        subscription.oauth_token = token
        subscription.oauth_expires_at = now + timedelta(seconds=expires_in)
        subscription.save(update_fields=["oauth_token", "oauth_expires_at"])
    return token


def post(url, document, auth, custom_headers, *, timeout=DEFAULT_TIMEOUT, subscription=None):
    """POST one event document to `url` with Walmart's auth; returns the status code or raises DeliveryFailed."""
    body = json.dumps(document).encode()
    headers = {"Content-Type": "application/json", **(custom_headers or {})}
    method = (auth or {}).get("authMethod") or ""
    header = (auth or {}).get("authHeaderName") or "Authorization"
    if method == "BASIC_AUTH":
        headers[header] = _basic(auth.get("userName", ""), auth.get("password", ""))
    elif method == "HMAC":
        headers[header] = signature(auth.get("clientSecret", ""), body, auth.get("hmacEncoding") or "base64")
    elif method == "OAUTH":
        headers[header] = "Bearer " + _oauth_token(auth, timeout, custom_headers or {}, subscription)
    try:
        response = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryFailed(f"HTTP {response.status_code}: {response.text[:200]}", response.status_code)
    return response.status_code


def auth_details(subscription):
    """The subscription's authDetails as Walmart takes them (plus the sandbox's hmacEncoding)."""
    s = subscription
    details = {"authMethod": s.auth_method, "authHeaderName": s.auth_header_name, "userName": s.user_name,
               "password": s.password, "clientId": s.client_id, "clientSecret": s.client_secret, "authUrl": s.auth_url,
               "hmacEncoding": s.hmac_encoding}
    return {k: v for k, v in details.items() if v} if s.auth_method else None


def _claim(delivery, now):
    """Take the delivery for one attempt; False if another worker took it first.

    The claim leases the delivery (next_attempt_at moves past the attempt's longest duration), so
    an attempt cut short by a crash is made again later instead of being lost."""
    timeout = float(delivery.subscription.account.settings.get("webhook_timeout", DEFAULT_TIMEOUT))
    return Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING, attempts=delivery.attempts).update(
        attempts=delivery.attempts + 1, last_attempt_at=now, next_attempt_at=now + timedelta(seconds=3 * timeout + 30),
    ) == 1


def attempt(delivery, now):
    subscription = delivery.subscription
    account = subscription.account
    timeout = float(account.settings.get("webhook_timeout", DEFAULT_TIMEOUT))
    intervals = retry_intervals(account)
    attempts = delivery.attempts + 1
    try:
        code = post(subscription.event_url, envelope(delivery.event), auth_details(subscription), subscription.headers,
                    timeout=timeout, subscription=subscription)
    except DeliveryFailed as exc:
        done = attempts > len(intervals)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED if done else Delivery.Status.PENDING,
            last_status_code=exc.status_code, last_error=str(exc)[:500],
            next_attempt_at=None if done else now + timedelta(seconds=intervals[attempts - 1]),
        )
        logger.info("webhook delivery %s attempt %s failed: %s", delivery.pk, attempts, exc)
        return Delivery.Status.FAILED if done else "retrying"
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.DELIVERED, last_status_code=code,
                                                   last_error="", next_attempt_at=None)
    return Delivery.Status.DELIVERED


def deliver_due(now=None):
    """Attempt every delivery that is due on the sandbox clock; returns counts by outcome."""
    now = now or clock.now()
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    due = (Delivery.objects.select_related("event", "subscription__account")
           .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
           .order_by("next_attempt_at", "id"))
    for delivery in list(due):
        if not _claim(delivery, now):
            continue
        outcome = attempt(delivery, now)
        counts[outcome] += 1
    return counts
