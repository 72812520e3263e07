"""The decorator every emulated Walmart business endpoint uses: authentication, then the
per-endpoint rate limit, with Walmart's throttling headers on every answer.

Limits (calls per window) default to the [3P] table in reference/walmart-api.md §6; an account's
settings {"rate_limits": {"orders.list": [capacity, seconds]}} override them (tests use small ones).
"""

import functools

from django.db import transaction
from django.views.decorators.csrf import csrf_exempt

from sandbox import clock, shapes
from sandbox.walmart.auth import authenticate
from sandbox.walmart.models import RateBucket

LIMITS = {
    "orders.list": (5000, 60), "orders.get": (5000, 60), "orders.acknowledge": (60, 60), "orders.ship": (60, 60),
    "orders.cancel": (60, 60), "orders.refund": (60, 60), "returns.list": (50, 60), "returns.refund": (60, 60),
    "inventory": (200, 60), "inventories": (200, 60), "feeds.inventory": (50, 3600), "feeds.price": (10, 3600),
    "feeds.item": (10, 3600), "feeds.status": (5000, 60), "items": (900, 60), "settings": (100, 60),
    "webhooks": (100, 60), "price": (100, 3600),
}


def _take(account, key, limit=None):
    """Take one token; returns (allowed, tokens_left, seconds_until_next_token)."""
    capacity, window = ((account.settings.get("rate_limits") or {}).get(key) or (limit(account) if limit else None)
                        or LIMITS.get(key, (100, 60)))
    rate = capacity / window
    now = clock.now()
    with transaction.atomic():
        bucket, created = RateBucket.objects.select_for_update().get_or_create(
            account=account, key=key, defaults={"tokens": capacity, "updated_at": now}
        )
        tokens = min(capacity, bucket.tokens + max(0.0, (now - bucket.updated_at).total_seconds()) * rate)
        allowed = tokens >= 1
        if allowed:
            tokens -= 1
        RateBucket.objects.filter(pk=bucket.pk).update(tokens=tokens, updated_at=now)
    wait = 0.0 if tokens >= 1 else (1 - tokens) / rate
    return allowed, int(tokens), wait


def walmart_api(key, limit=None):
    """Decorate a view(request, account, *args) as a Walmart business endpoint in rate-limit bucket `key`.

    `limit(account) -> (capacity, seconds)`, if given, replaces LIMITS for this key (feed throttles
    come from the seller's partner profile); an account's "rate_limits" setting still wins.
    """

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            account, error = authenticate(request)
            if error is not None:
                return error
            allowed, left, wait = _take(account, key, limit)
            reset_ms = str(int((clock.now().timestamp() + wait) * 1000))
            if not allowed:
                response = shapes.throttle_response("walmart", reset_in=max(1, int(wait + 0.999)))
                response["X-Next-Replenishment-Time"] = reset_ms
            else:
                response = view(request, account, *args, **kwargs)
            response["X-Current-Token-Count"] = str(left)
            response["X-Next-Replenishment-Time"] = reset_ms
            return response

        return wrapper

    return decorator
