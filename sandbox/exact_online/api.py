"""What every emulated Exact REST call does first: the bearer token, the division, the rate limits.

Limits are per app (account) and division: a minutely and a daily window (account settings
`minutely_limit`, default 60, and `daily_limit`, default 5000). Every answer carries
X-RateLimit-Limit/-Remaining/-Reset (daily) and X-RateLimit-Minutely-* (epoch milliseconds); a call
over the minutely limit gets 429 with only the minutely headers, as Exact does (erp-apis.md §E.6).
"""

import functools
from datetime import timedelta

from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox import clock, credentials, shapes
from sandbox.exact_online import odata
from sandbox.exact_online.models import RateWindow

SYSTEM = "exact_online"
DEFAULT_DIVISION = 3050123
MINUTELY_LIMIT = 60
DAILY_LIMIT = 5000


def division_of(account):
    return int(account.settings.get("division", DEFAULT_DIVISION))


def _unauthorized(message):
    # RFC 6750: an invalid (expired, revoked, unknown) token is `invalid_token`.
    response = shapes.exact_error(401, message)
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


def _count(account, division):
    """Count one call; returns (allowed, minutely (limit, left, reset), daily (limit, left, reset))."""
    now = clock.now()
    minute = now.replace(second=0, microsecond=0)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    per_minute = int(account.settings.get("minutely_limit", MINUTELY_LIMIT))
    per_day = int(account.settings.get("daily_limit", DAILY_LIMIT))
    with transaction.atomic():
        window, _ = RateWindow.objects.select_for_update().get_or_create(
            account=account, division=division, defaults={"minute_start": minute, "day_start": day})
        minute_count = window.minute_count if window.minute_start == minute else 0
        day_count = window.day_count if window.day_start == day else 0
        allowed = minute_count < per_minute and day_count < per_day
        if allowed:
            minute_count += 1
            day_count += 1
        RateWindow.objects.filter(pk=window.pk).update(
            minute_start=minute, minute_count=minute_count, day_start=day, day_count=day_count)
    ms = lambda instant: str(int(instant.timestamp() * 1000))  # noqa: E731
    return (allowed,
            (per_minute, max(0, per_minute - minute_count), ms(minute + timedelta(minutes=1))),
            (per_day, max(0, per_day - day_count), ms(day + timedelta(days=1))))


def exact_api(view):
    """Decorate view(request, account, division, ...) as an Exact REST endpoint under /api/v1/{division}/."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, division=None, **kwargs):
        account = credentials.valid_access(credentials.bearer(request), SYSTEM)
        if account is None:
            return _unauthorized("Access token is missing, expired or revoked")
        own = division_of(account)
        if division is not None and int(division) != own:
            # The consenting user has no access to that division: the token itself is fine.
            return shapes.exact_error(401, f"Access to division {division} is not allowed for this user")
        allowed, (m_limit, m_left, m_reset), (d_limit, d_left, d_reset) = _count(account, own)
        minutely = {"X-RateLimit-Minutely-Limit": str(m_limit), "X-RateLimit-Minutely-Remaining": str(m_left),
                    "X-RateLimit-Minutely-Reset": m_reset}
        if not allowed:
            return shapes.exact_error(429, "API rate limit exceeded", headers=minutely)
        try:
            response = view(request, account, own, *args, **kwargs)
        except odata.QueryError as exc:
            response = shapes.exact_error(400, str(exc))
        for name, value in {**minutely, "X-RateLimit-Limit": str(d_limit), "X-RateLimit-Remaining": str(d_left),
                            "X-RateLimit-Reset": d_reset}.items():
            response[name] = value
        return response

    return wrapper


def ok(payload, status=200):
    return HttpResponse(odata.render(payload), status=status, content_type="application/json")
