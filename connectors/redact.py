"""Redaction of secrets in audit excerpts, errors and logs.

Two layers: key-based (any JSON/form/header key that names a secret) and value-based (every secret
string the connection holds is replaced wherever it appears, however it was embedded).
"""

import json
import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"

SECRET_KEYS = {
    "authorization", "proxy-authorization", "wm_sec.access_token", "access_token", "refresh_token",
    "id_token", "token", "client_secret", "password", "passwd", "secret", "cs", "sask",
    "api_key", "apikey", "x-api-key", "cookie", "set-cookie", "signature",
    "wm_sec.signature", "clientsecret", "authdetails",
}

EXCERPT_LIMIT = 2000

# Values that look like credentials inside free text: "Bearer xyz", "Basic xyz".
_AUTH_SCHEME = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{6,}")


def is_secret_key(key, extra=()):
    lowered = str(key).lower()
    return lowered in SECRET_KEYS or lowered in extra or lowered.endswith(("_secret", "_token", "password"))


def redact_data(data, extra=(), *, list_limit=None):
    """Recursively mask values under secret-looking keys in dicts/lists (the first `list_limit` items
    of each list only, when given)."""
    if isinstance(data, dict):
        return {k: (MASK if is_secret_key(k, extra) and v not in (None, "") else redact_data(v, extra, list_limit=list_limit))
                for k, v in data.items()}
    if isinstance(data, list):
        return [redact_data(v, extra, list_limit=list_limit) for v in data[:list_limit]]
    return data


def redact_values(text, secrets):
    for value in sorted(set(secrets), key=len, reverse=True):
        if value:
            text = text.replace(value, MASK)
    return _AUTH_SCHEME.sub(lambda m: f"{m.group(1)} {MASK}", text)


def redact_text(text, secrets=(), extra=()):
    """Redact a body excerpt: JSON and form bodies by key, then every known secret value."""
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            data = json.loads(stripped)
        except ValueError:
            pass
        else:
            # Only the excerpt is kept: a list's items past EXCERPT_LIMIT // 3 cannot reach it (each dumps
            # to at least 3 characters with its separator), so a 5,000-row page is not redacted whole.
            text = json.dumps(redact_data(data, extra, list_limit=EXCERPT_LIMIT // 3 + 1), ensure_ascii=False)
            if len(text) > 2 * EXCERPT_LIMIT:  # values are masked before the cut: none is left half-visible
                text = redact_values(text[:2 * EXCERPT_LIMIT], secrets)[:EXCERPT_LIMIT]
                return text + f"... [{len(stripped) - EXCERPT_LIMIT} more characters]"
    elif "=" in stripped and "\n" not in stripped and " " not in stripped:
        pairs = parse_qsl(stripped, keep_blank_values=True)
        if pairs:
            text = urlencode([(k, MASK if is_secret_key(k, extra) else v) for k, v in pairs])
    text = redact_values(text, secrets)
    if len(text) > EXCERPT_LIMIT:
        text = text[:EXCERPT_LIMIT] + f"... [{len(text) - EXCERPT_LIMIT} more characters]"
    return text


def redact_url(url, secrets=(), extra=()):
    parts = urlsplit(url)
    query = urlencode(
        [(k, MASK if is_secret_key(k, extra) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    )
    netloc = parts.netloc.rsplit("@", 1)[-1]  # drop user:password@
    return redact_values(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)), secrets)


def redact_headers(headers, extra=()):
    return {k: (MASK if is_secret_key(k, extra) else v) for k, v in (headers or {}).items()}


class RedactingFilter(logging.Filter):
    """Last line of defence for log output: masks bearer/basic credentials in any log message."""

    def filter(self, record):
        if isinstance(record.msg, str):
            message = record.getMessage()
            cleaned = _AUTH_SCHEME.sub(lambda m: f"{m.group(1)} {MASK}", message)
            if cleaned != message:
                record.msg, record.args = cleaned, ()
        return True
