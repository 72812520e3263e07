"""Exact Online webhooks: when a document is created, POST {"Content": {...}, "HashCode": "..."} to
every subscription of its topic in that division (erp-apis.md §E.8).

HashCode = uppercase hex HMAC-SHA256 of the raw Content JSON text, keyed with the app's webhook
secret (the account's encrypted `signing_secret`). The body is stored exactly as sent, so what was signed is
what goes out. Deliveries are made by deliver_due() (sandbox.stats.deliver_webhooks runs it on a
schedule and `manage.py sandbox` can call it); non-2xx answers are retried with exponential backoff.
"""

import hashlib
import hmac
import json
import logging
from datetime import timedelta

import requests

from sandbox import clock
from sandbox.exact_online.models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

TOPICS = ("Accounts", "Items", "StockPositions", "SalesOrders", "SalesInvoices", "GoodsDeliveries",
          "FinancialTransactions", "Contacts", "PurchaseOrders", "Quotations", "Documents")
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 60
TIMEOUT = (3.05, 10)


def sign(content_json, secret):
    return hmac.new(secret.encode(), content_json.encode(), hashlib.sha256).hexdigest().upper()


def body_for(content, secret):
    """The raw delivery body; Content is serialised once and that exact text is signed."""
    content_json = json.dumps(content, separators=(",", ":"))
    return '{"Content":' + content_json + ',"HashCode":"' + sign(content_json, secret) + '"}'


def announce(account, division, topic, key, endpoint, action="Create"):
    """Queue a delivery to each subscription of `topic` (called inside the request that made the change)."""
    subscriptions = WebhookSubscription.objects.filter(account=account, division=division, topic=topic)
    now = clock.now()
    for subscription in subscriptions:
        content = {
            "Topic": topic, "ClientId": account.key, "Division": division, "Action": action, "Key": key,
            "ExactOnlineEndpoint": endpoint, "EventCreatedOn": now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
        }
        WebhookDelivery.objects.create(subscription=subscription, next_attempt_at=now,
                                       body=body_for(content, account.signing_secret))


def deliver_due(limit=200):
    """Send due deliveries; returns how many were accepted (2xx) this time."""
    now = clock.now()
    delivered = 0
    due = (WebhookDelivery.objects.select_related("subscription")
           .filter(delivered_at=None, given_up=False, next_attempt_at__lte=now).order_by("id")[:limit])
    for delivery in due:
        status = None
        try:
            response = requests.post(delivery.subscription.callback_url, data=delivery.body.encode(), timeout=TIMEOUT,
                                     headers={"Content-Type": "application/json"})
            status = response.status_code
        except requests.RequestException as exc:
            logger.info("Exact webhook to %s failed: %s", delivery.subscription.callback_url, exc)
        attempts = delivery.attempts + 1
        if status is not None and 200 <= status < 300:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=attempts, delivered_at=clock.now(),
                                                                 last_status=status)
            delivered += 1
            continue
        retry = now + timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1))
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts, last_status=status, next_attempt_at=retry, given_up=attempts >= MAX_ATTEMPTS)
    return delivered
