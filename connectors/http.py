"""The only module that sends HTTP (DESIGN §3, style rule 6).

Every outbound call: a required timeout; success codes stated by the caller; the connection's
shared rate limiter (fed by the vendor's headers); proactive token refresh and one
refresh-and-retry on an auth failure; errors turned into the four typed errors; one audit record
per call with secrets redacted.
"""

import contextvars
import logging
import time
import uuid
from datetime import datetime, timezone as dt_timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import requests
from django.conf import settings
from urllib3.exceptions import NameResolutionError, NewConnectionError

from audit import log as audit_log
from connectors import clock, ratelimit, redact
from connectors.errors import AmbiguousOutcome, ConfigError, PermanentError, RecoverableError

logger = logging.getLogger(__name__)

IDEMPOTENT = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}

_session = None


def session():
    """One pooled requests session per process (connections to a vendor are reused)."""
    global _session
    if _session is None:
        _session = requests.Session()
        _session.headers["User-Agent"] = "ml-connector/1.0"
    return _session


def absolute(connection, url):
    if url.startswith(("http://", "https://")):
        return url
    base = connection.typed_config.api_base().rstrip("/") + "/"
    return urljoin(base, url.lstrip("/"))


def _timeouts(connection, timeout):
    if timeout is not None:
        return timeout
    cfg = connection.typed_config
    return (
        cfg.connect_timeout or settings.HTTP_CONNECT_TIMEOUT,
        cfg.read_timeout or settings.HTTP_READ_TIMEOUT,
    )


def _not_sent(exc):
    """True when the request never left this machine (safe to retry whatever the method)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3 MaxRetryError wraps the cause
    return isinstance(reason, (NewConnectionError, NameResolutionError, ConnectionRefusedError))


# --- vendor rate-limit headers -------------------------------------------------------------

def _parse_instant(value):
    """Epoch seconds, epoch milliseconds, ISO 8601 or an HTTP date -> aware datetime (Walmart sends several)."""
    if not value:
        return None
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        if number > 1e11:  # milliseconds
            number /= 1000.0
        return datetime.fromtimestamp(number, tz=dt_timezone.utc)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt_timezone.utc)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def _retry_after(value):
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        instant = _parse_instant(value)
        return max(0.0, (instant - clock.now()).total_seconds()) if instant else None


def _int(value):
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def observe_limits(connection, bucket, response):
    """Feed Walmart's and Exact's rate-limit headers (and Retry-After) into the shared limiter."""
    h = response.headers
    throttled = response.status_code == 429
    retry_after = _retry_after(h.get("Retry-After"))
    if "X-Current-Token-Count" in h:  # Walmart
        ratelimit.observe(
            connection, bucket, remaining=_int(h.get("X-Current-Token-Count")),
            limit=_int(h.get("X-Max-Token-Count")), reset_at=_parse_instant(h.get("X-Next-Replenishment-Time")),
            retry_after=retry_after, throttled=throttled,
        )
    elif "X-RateLimit-Minutely-Remaining" in h or "X-RateLimit-Remaining" in h:  # Exact Online
        minutely = "X-RateLimit-Minutely-Remaining" in h
        prefix = "X-RateLimit-Minutely-" if minutely else "X-RateLimit-"
        ratelimit.observe(
            connection, bucket, remaining=_int(h.get(prefix + "Remaining")), limit=_int(h.get(prefix + "Limit")),
            reset_at=_parse_instant(h.get(prefix + "Reset")), retry_after=retry_after, throttled=throttled,
        )
        if minutely and "X-RateLimit-Remaining" in h:
            ratelimit.observe(
                connection, "daily", remaining=_int(h.get("X-RateLimit-Remaining")),
                limit=_int(h.get("X-RateLimit-Limit")), reset_at=_parse_instant(h.get("X-RateLimit-Reset")),
            )
    elif throttled or retry_after is not None:
        ratelimit.observe(connection, bucket, retry_after=retry_after, throttled=throttled)


# --- vendor error bodies -------------------------------------------------------------------

def vendor_error(response):
    """(code, message) from any of our vendors' error shapes; falls back to the status line."""
    try:
        body = response.json()
    except ValueError:
        text = (response.text or "").strip()
        return None, (text[:300] or f"HTTP {response.status_code} {response.reason or ''}".strip())
    code, message = None, None
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, dict):  # Walmart {"errors": {"error": [...]}}
            errors = errors.get("error")
        if isinstance(errors, dict):
            errors = [errors]
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            code = first.get("code")
            message = first.get("description") or first.get("message") or first.get("info")
        error = body.get("error")
        if message is None and isinstance(error, dict):  # IFS / OData / Exact
            code = error.get("code")
            msg = error.get("message")
            message = msg.get("value") if isinstance(msg, dict) else msg
        elif message is None and isinstance(error, str):  # OAuth2
            code, message = error, body.get("error_description") or error
        if message is None and isinstance(body.get("results"), list):  # Infor M3 v2
            for result in body["results"]:
                if isinstance(result, dict) and result.get("errorMessage"):
                    code, message = result.get("errorCode"), result["errorMessage"]
                    break
        if message is None:
            message = body.get("message") or body.get("Message") or body.get("errorMessage")
    return code, (str(message) if message else f"HTTP {response.status_code}")


def _wait_hint(response):
    """Seconds to wait before retrying: Retry-After, else (429) when the vendor's window refills
    (Walmart's X-Next-Replenishment-Time; whether Walmart also sends Retry-After is unconfirmed)."""
    wait = _retry_after(response.headers.get("Retry-After"))
    if wait is None and response.status_code == 429:
        reset = _parse_instant(response.headers.get("X-Next-Replenishment-Time"))
        wait = max(0.0, (reset - clock.now()).total_seconds()) if reset else None
    return wait


def classify(connection, response, *, what):
    """Turn a non-success response into a typed error."""
    code, message = vendor_error(response)
    status = response.status_code
    text = f"{connection.system_label} {what} failed: HTTP {status}" + (f" {code}" if code else "") + f": {message}"
    text = redact.redact_values(text, connection.secret_values())
    kwargs = {"status": status, "vendor_code": code}
    if status == 429 or status >= 500 or status in (408, 423):
        return RecoverableError(text, retry_after=_wait_hint(response), **kwargs)
    if status in (401, 403):
        return ConfigError(text, **kwargs)
    return PermanentError(text, **kwargs)


# --- sending -------------------------------------------------------------------------------

# A dry run (`sync --dry-run`) writes nothing, not even the audit of the reads it makes.
unaudited = contextvars.ContextVar("unaudited", default=False)


def _audit(connection, *, action, method, url, status, started, request_body, response, error, correlation_id, obj):
    if unaudited.get() or settings.AUDIT_HTTP_CALLS == "none" or (settings.AUDIT_HTTP_CALLS == "errors" and error is None):
        return
    secrets = connection.secret_values()
    extra = connection.spec.redact_keys
    audit_log.record(
        action,
        connection=connection,
        obj=obj,
        method=method,
        url=redact.redact_url(url, secrets, extra),
        status=status,
        duration_ms=int((time.monotonic() - started) * 1000),
        request_excerpt=redact.redact_text(request_body, secrets, extra) if request_body else "",
        response_excerpt=redact.redact_text(response.text, secrets, extra) if response is not None else "",
        correlation_id=correlation_id,
        ok=error is None,
        message=redact.redact_values(str(error), secrets) if error is not None else "",
    )


def _body_text(json_body, data):
    import json as _json

    if json_body is not None:
        return _json.dumps(json_body, default=str)
    if isinstance(data, dict):
        from urllib.parse import urlencode

        return urlencode(data)
    if isinstance(data, (str, bytes)):
        return data
    return ""


def send(connection, method, url, *, ok=(200,), bucket="default", params=None, json=None, data=None,
         files=None, headers=None, auth=True, timeout=None, what=None, action="http.call", obj=None, rate_wait=None):
    """Send one request for `connection` and return the `requests.Response` if its status is in `ok`.

    `rate_wait`: the longest wait (s) for a token of the shared rate limiter before giving up with a
    RecoverableError (default RATE_LIMIT_MAX_WAIT); feeds pass 0, so a chunk without a token waits
    in its queue instead of holding a worker.

    Raises RecoverableError, PermanentError, ConfigError or AmbiguousOutcome, never anything else.
    `what` names the call in error messages ("token request", "create customer order").
    """
    method = method.upper()
    full_url = absolute(connection, url)
    what = what or f"{method} {url.split('?')[0]}"
    spec = connection.spec
    strategy = spec.auth if auth else None
    for attempt in (1, 2):
        correlation_id = str(uuid.uuid4())
        request_headers = {"Accept": "application/json"}
        default_headers = getattr(spec, "default_headers", None)
        if default_headers:
            request_headers.update(default_headers(connection.typed_config, correlation_id))
        request_headers.update(headers or {})
        token = strategy.authorize(connection, request_headers) if strategy else None
        ratelimit.acquire(connection, bucket, max_wait=rate_wait)
        started = time.monotonic()
        request_body = _body_text(json, data)
        try:
            response = session().request(
                method, full_url, params=params, json=json, data=data, files=files,
                headers=request_headers, timeout=_timeouts(connection, timeout), allow_redirects=False,
            )
        except requests.RequestException as exc:
            if _not_sent(exc):
                error = RecoverableError(f"{connection.system_label} {what}: could not connect ({type(exc).__name__})")
            elif method in IDEMPOTENT:
                error = RecoverableError(f"{connection.system_label} {what}: no answer ({type(exc).__name__})")
            else:
                error = AmbiguousOutcome(
                    f"{connection.system_label} {what}: request sent but no answer ({type(exc).__name__}); "
                    "it may have taken effect"
                )
            _audit(connection, action=action, method=method, url=full_url, status=None, started=started,
                   request_body=request_body, response=None, error=error, correlation_id=correlation_id, obj=obj)
            raise error from None

        observe_limits(connection, bucket, response)
        if strategy and attempt == 1 and strategy.is_auth_failure(response):
            _audit(connection, action=action, method=method, url=full_url, status=response.status_code,
                   started=started, request_body=request_body, response=response,
                   error="auth failure; refreshing the token once", correlation_id=correlation_id, obj=obj)
            strategy.invalidate(connection, token)
            continue
        error = None if response.status_code in ok else classify(connection, response, what=what)
        _audit(connection, action=action, method=method, url=full_url, status=response.status_code, started=started,
               request_body=request_body, response=response, error=error, correlation_id=correlation_id, obj=obj)
        if error is not None:
            raise error
        return response
    raise AssertionError("unreachable")  # pragma: no cover


def token_request(connection, url, *, data, headers=None):
    """POST a token grant. Refusals (400/401/403) are ConfigErrors: the credentials or setup are wrong."""
    try:
        return send(
            connection, "POST", url, ok=(200,), bucket="token", data=data, auth=False, what="token request",
            action="http.token", headers={"Accept": "application/json", **(headers or {})},
        )
    except AmbiguousOutcome as exc:
        # A lost token answer only costs a login; it is safe to ask again later.
        raise RecoverableError(str(exc)) from None
    except PermanentError as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError(str(exc), status=exc.status, vendor_code=exc.vendor_code) from None
