"""Notifications (webhooks) API emulator (walmart/openapi/notifications.json; walmart-api.md §7.1).

Bodies follow Walmart's examples (key `events`), which the documents' loose schemas also accept.
One subscription per event type and seller account, as on Walmart; secrets are echoed back in
GET like Walmart's own example does, and stored encrypted.
"""

import json
import uuid
from urllib.parse import urlparse

from django.http import HttpResponse

from sandbox import clock
from sandbox.walmart import events, webhooks
from sandbox.walmart.endpoint import walmart_api
from sandbox.walmart.models import Subscription
from sandbox.shapes import walmart_error

# GET /v3/webhooks/eventTypes: the 2026 spec example plus ORDER_UPDATES (documented on the
# order-management event page, walmart-api.md §7.1).
EVENT_TYPES = (
    ("INVENTORY", "INVENTORY_OOS", "Notification for inventory out of stock"),
    ("ITEM", "OFFER_PUBLISHED", "Notification for published offers"),
    ("ITEM", "OFFER_UNPUBLISHED", "Notification for unpublished offers"),
    ("ITEMS", "SELLER_PERFORMANCE_ALARMS", "Webhook event for information about late or cancelled deliveries"),
    ("ITEMS", "SELLER_PERFORMANCE_REPORT", "Webhook event for information on seller's the KPI scores"),
    ("ORDER", "DRIVER_STATUS", "DRIVER STATUS"),
    ("ORDER", "INTENT_TO_CANCEL", "Notification for Intent to Cancel orders"),
    ("ORDER", "PO_CREATED", "Notification for new purchase order created"),
    ("ORDER", "PO_LINE_AUTOCANCELLED", "Notification for purchase order line auto-cancelled"),
    ("ORDER", events.ORDER_UPDATES, "Notification for purchase order updates (subEventType: PO_CREATED, "
                                    "PO_LINE_AUTOCANCELLED, INTENT_TO_CANCEL, FRAUD_CANCEL)"),
    ("PRICE", "BUY_BOX_CHANGED", "Notification for change in buy box"),
    ("REPORTS", "REPORT_STATUS", "Notification when a report is successfully processed or results in error"),
    ("ReturnsAndRefunds", "RETURN_CREATED", "Receive a notification when new return(s) are initiated for Seller "
                                            "Fulfilled Item(s)"),
    ("ReturnsAndRefunds", "RETURN_DELIVERED", "Receive a notification when returned items are delivered in the "
                                              "Return Center for Seller Fulfilled Item(s)"),
    ("ReturnsAndRefunds", "RETURN_INVOICED", "Receive a notification when a refund is issued for Seller Fulfilled "
                                             "Item(s)"),
)
RESOURCE_OF = {event_type: resource for resource, event_type, _ in EVENT_TYPES}
AUTH_REQUIRES = {"BASIC_AUTH": ("userName", "password"), "HMAC": ("clientSecret",),
                 "OAUTH": ("clientId", "clientSecret", "authUrl")}
STATUSES = ("ACTIVE", "INACTIVE")


class Refused(Exception):
    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


def _json(body, status=200):
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def _error(field, message, status=400, code="INVALID_REQUEST_CONTENT.GMP_NOTIFICATIONS_API"):
    return walmart_error(status, code, message, field=field, category="DATA")


def _body(request):
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise Refused("", "The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise Refused("", "The request body must be a JSON object")
    return body


def _url(value, field):
    parsed = urlparse(value or "")
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise Refused(field, f"{field} must be an http(s) URL")
    return value


def _auth(details, field):
    """Validated authDetails -> model field values."""
    if not details:
        return {"auth_method": ""}
    method = details.get("authMethod")
    if method not in AUTH_REQUIRES:
        raise Refused(f"{field}.authMethod", "authMethod must be BASIC_AUTH, OAUTH or HMAC")
    for key in AUTH_REQUIRES[method]:
        if not details.get(key):
            raise Refused(f"{field}.{key}", f"{key} is required for {method}")
    encoding = details.get("hmacEncoding") or "base64"  # sandbox extension: Walmart does not say
    if encoding not in ("base64", "hex"):
        raise Refused(f"{field}.hmacEncoding", "hmacEncoding must be base64 or hex")
    return {"auth_method": method, "auth_header_name": details.get("authHeaderName") or "Authorization",
            "user_name": details.get("userName", ""), "password": details.get("password", ""),
            "client_id": details.get("clientId", ""), "client_secret": details.get("clientSecret", ""),
            "auth_url": _url(details["authUrl"], f"{field}.authUrl") if details.get("authUrl") else "",
            "hmac_encoding": encoding, "oauth_token": "", "oauth_expires_at": None}


def _event_fields(item, field, *, partial=False):
    values = {}
    if "eventType" in item or not partial:
        if item.get("eventType") not in RESOURCE_OF:
            raise Refused(f"{field}.eventType", f"unknown eventType {item.get('eventType')!r}")
        values["event_type"] = item["eventType"]
    if "resourceName" in item or not partial:
        expected = RESOURCE_OF.get(item.get("eventType") or values.get("event_type"))
        if expected and item.get("resourceName") != expected and not partial:
            raise Refused(f"{field}.resourceName", f"resourceName of {item.get('eventType')} is {expected}")
        values["resource_name"] = item.get("resourceName") or expected
    if "eventVersion" in item or not partial:
        if item.get("eventVersion") != "V1":
            raise Refused(f"{field}.eventVersion", "eventVersion must be V1")
        values["event_version"] = "V1"
    if "eventUrl" in item or not partial:
        values["event_url"] = _url(item.get("eventUrl"), f"{field}.eventUrl")
    if "status" in item or not partial:
        if item.get("status") not in STATUSES:
            raise Refused(f"{field}.status", "status must be ACTIVE or INACTIVE")
        values["status"] = item["status"]
    if "headers" in item:
        headers = item.get("headers") or {}
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            raise Refused(f"{field}.headers", "headers must be a map of strings")
        values["headers"] = headers
    if "authDetails" in item:
        values.update(_auth(item.get("authDetails"), f"{field}.authDetails"))
    return values


def describe(subscription, *, full=True):
    body = {"eventType": subscription.event_type, "subscriptionId": subscription.subscription_id,
            "partnerId": events.partner_id(subscription.account), "eventVersion": subscription.event_version,
            "resourceName": subscription.resource_name, "status": subscription.status}
    if full:
        body["eventUrl"] = subscription.event_url
        body["headers"] = subscription.headers
        auth = webhooks.auth_details(subscription)
        if auth:
            auth.pop("hmacEncoding", None)
            body["authDetails"] = auth
    return body


@walmart_api("webhooks")
def event_types(request, account):
    return _json({"events": [{"resourceName": r, "eventType": e, "eventVersion": "V1", "description": d}
                             for r, e, d in EVENT_TYPES]})


@walmart_api("webhooks")
def subscriptions(request, account):
    if request.method == "GET":
        qs = Subscription.objects.filter(account=account).order_by("id")
        for param, column in (("subscriptionId", "subscription_id"), ("eventType", "event_type"),
                              ("resourceName", "resource_name"), ("status", "status")):
            if request.GET.get(param):
                qs = qs.filter(**{column: request.GET[param]})
        return _json({"events": [describe(s) for s in qs]})
    if request.method != "POST":
        return _error("", f"Method {request.method} not allowed", 405, "METHOD_NOT_ALLOWED.GMP_GATEWAY_API")
    try:
        items = _body(request).get("events")
        if not isinstance(items, list) or not items:
            raise Refused("events", "events is required")
        prepared = []
        for i, item in enumerate(items):
            values = _event_fields(item, f"events[{i}]")
            taken = Subscription.objects.filter(account=account, event_type=values["event_type"]).exists()
            if taken or values["event_type"] in {v["event_type"] for v in prepared}:
                raise Refused(f"events[{i}].eventType", f"a subscription for {values['event_type']} already exists; "
                                                        "update it instead")
            prepared.append(values)
    except Refused as exc:
        return _error(exc.field, exc.message)
    created = [Subscription.objects.create(account=account, created_at=clock.now(), **v) for v in prepared]
    return _json({"events": [describe(s, full=False) for s in created]})


@walmart_api("webhooks")
def subscription_detail(request, account, subscription_id):
    subscription = Subscription.objects.filter(account=account, subscription_id=subscription_id).first()
    if subscription is None:
        return _error("subscriptionId", f"Subscription {subscription_id} not found", 404,
                      "CONTENT_NOT_FOUND.GMP_NOTIFICATIONS_API")
    if request.method == "DELETE":
        subscription.delete()
        return _json({"subscriptionId": subscription_id, "message": "Successfully deleted subscription"})
    if request.method != "PATCH":
        return _error("", f"Method {request.method} not allowed", 405, "METHOD_NOT_ALLOWED.GMP_GATEWAY_API")
    try:
        values = _event_fields(_body(request), "", partial=True)
        values.pop("event_type", None)  # the event type of a subscription does not change
        values.pop("resource_name", None)
    except Refused as exc:
        return _error(exc.field.lstrip("."), exc.message)
    for key, value in values.items():
        setattr(subscription, key, value)
    subscription.save()
    return _json(describe(subscription))


@walmart_api("webhooks")
def test_notification(request, account):
    if request.method != "POST":
        return _error("", f"Method {request.method} not allowed", 405, "METHOD_NOT_ALLOWED.GMP_GATEWAY_API")
    try:
        body = _body(request)
        for key in ("eventType", "eventVersion", "resourceName", "eventUrl"):
            if not body.get(key):
                raise Refused(key, f"{key} is required")
        url = _url(body["eventUrl"], "eventUrl")
        _auth(body.get("authDetails"), "authDetails")
    except Refused as exc:
        return _error(exc.field, exc.message)
    document = {"source": {"eventType": body["eventType"], "eventTime": clock.now().isoformat(timespec="milliseconds")
                           .replace("+00:00", "Z"), "eventId": str(uuid.uuid4())},
                "payload": events.sample_payload(account, body["eventType"])}
    timeout = float(account.settings.get("webhook_timeout", webhooks.DEFAULT_TIMEOUT))
    try:
        webhooks.post(url, document, body.get("authDetails"), body.get("headers") or {}, timeout=timeout)
    except webhooks.DeliveryFailed as exc:
        return _error("eventUrl", f"Eventurl validation failed: {exc}")
    return _json({"message": "Eventurl successfully validated"})
