"""POST /webhooks/walmart/<slug>/ — Walmart's pushes land here — and our OAuth token endpoint for it.

The endpoint does no Walmart or ERP call: it verifies, parses, writes one inbox row (UNIQUE dedup
key) and answers 2xx only after that row is committed; a duplicate answers 2xx and changes
nothing. Anything malformed gets a 4xx with a short reason, is audited without its secrets, and
never a 500: an unexpected failure answers 503 so that Walmart retries and nothing is lost.
"""

import json
import logging
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from audit import log as audit_log
from connectors import redact
from syncs.intake import envelope as env
from syncs.intake import verify
from syncs.models import InboxEvent, Integration

logger = logging.getLogger(__name__)


def _remote(request):
    return request.META.get("REMOTE_ADDR", "")


def _rate_limited(slug, remote):
    limit = settings.WEBHOOK_RATE_PER_MINUTE
    if not limit:
        return False
    key = f"webhook-rate:{slug}:{remote}:{int(timezone.now().timestamp() // 60)}"
    if cache.add(key, 1, timeout=120):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        return False


def _read_body(request):
    limit = settings.WEBHOOK_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise env.Rejected(400, "bad Content-Length") from None
    if declared > limit:
        raise env.Rejected(413, f"body over {limit} bytes")
    body = request.read(limit + 1)
    if len(body) > limit:
        raise env.Rejected(413, f"body over {limit} bytes")
    return body


def _reject(request, slug, integration, rejected, body=b""):
    audit_log.record(
        "webhook.rejected", connection=integration.walmart if integration else None,
        object_type="integration", object_id=slug[:100], ok=False, message=rejected.reason,
        status=rejected.status, method=request.method, url=request.path[:300],
        request_excerpt=redact.redact_text(body[:500]) if body else "",
        data={"remote": _remote(request), "content_type": request.META.get("CONTENT_TYPE", "")[:100],
              "length": len(body), "headers": sorted(k for k in request.META if k.startswith("HTTP_"))},
    )
    logger.warning("webhook %s rejected (%s): %s", slug, rejected.status, rejected.reason)
    return JsonResponse({"error": rejected.reason}, status=rejected.status)


def _store(integration, entries, payload):
    created = 0
    for entry in entries:
        try:
            with transaction.atomic():
                InboxEvent.objects.create(
                    account_id=integration.walmart_id, dedup_key=entry.dedup_key, kind=entry.kind,
                    event_type=entry.event_type, sub_event_type=entry.sub_event_type, event_id=entry.event_id,
                    event_time=entry.event_time, purchase_order_id=entry.purchase_order_id,
                    return_order_id=entry.return_order_id, source=InboxEvent.Source.WEBHOOK,
                    received_via=integration, payload=payload,
                )
            created += 1
        except IntegrityError:
            pass  # already in the inbox: a retry, a second subscription, or the poll got there first
    return created


@csrf_exempt
def walmart_webhook(request, slug):
    integration, body = None, b""
    try:
        if request.method != "POST":
            raise env.Rejected(405, "POST only")
        integration = Integration.objects.select_related("walmart").filter(slug=slug, active=True).first()
        if integration is None:
            raise env.Rejected(404, "unknown integration")
        if _rate_limited(slug, _remote(request)):
            raise env.Rejected(429, "too many deliveries from this source")
        body = _read_body(request)
        if not body.strip():
            raise env.Rejected(400, "empty body")
        if request.content_type != "application/json":
            raise env.Rejected(415, "Content-Type must be application/json")
        verify.verify(integration, request, body)
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            raise env.Rejected(400, "body is not JSON") from None
        entries = env.entries(payload)
        created = _store(integration, entries, payload)
    except env.Rejected as rejected:
        return _reject(request, slug, integration, rejected, body)
    except DatabaseError:
        logger.exception("webhook %s: database unavailable", slug)
        return JsonResponse({"error": "temporarily unavailable, retry"}, status=503)
    except Exception:  # a bug must not turn into a 500 that Walmart stops retrying; the poll also catches it
        logger.exception("webhook %s: unexpected failure", slug)
        return JsonResponse({"error": "temporarily unavailable, retry"}, status=503)
    return JsonResponse({"status": "accepted" if created else "duplicate", "stored": created})


@csrf_exempt
def walmart_webhook_token(request, slug):
    """The `authUrl` for OAUTH subscriptions: Walmart posts client credentials, we answer a bearer token."""
    integration = None
    try:
        if request.method != "POST":
            raise env.Rejected(405, "POST only")
        integration = Integration.objects.select_related("walmart").filter(
            slug=slug, active=True, webhook_auth=Integration.WebhookAuth.OAUTH).first()
        if integration is None:
            raise env.Rejected(404, "unknown integration or OAuth not configured")
        # Walmart posts the form as ISO-8859-1, which Django's request.POST refuses (form bodies must
        # be UTF-8 since Django 5.1): read the body ourselves; the values are ASCII anyway.
        form = dict(parse_qsl(request.read(4096).decode("latin-1")))
        if form.get("grant_type") != "client_credentials":
            raise env.Rejected(400, "grant_type must be client_credentials")
        presented = verify.header(request, integration.webhook_header) or verify.header(request, "Authorization")
        token, lifetime = verify.issue_oauth_token(integration, presented)
    except env.Rejected as rejected:
        return _reject(request, slug, integration, rejected)
    return JsonResponse({"access_token": token, "token_type": "Bearer", "expires_in": lifetime})
