"""Walmart list paging (walmart-api.md §2.2): the next page is the list path plus `meta.nextCursor`
appended VERBATIM (decoding or re-encoding it corrupts dates and breaks the call); a 404 means
"nothing matches"; a cursor seen before means Walmart ignored it, so stop instead of looping."""

import logging
from datetime import datetime, timezone as dt_timezone

from connectors import http
from connectors.errors import PermanentError

logger = logging.getLogger(__name__)


def query_value(value):
    """Walmart's query formats: aware datetimes as UTC ISO 8601 with milliseconds, booleans lowercase."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("dates sent to Walmart must be timezone-aware")
        return value.astimezone(dt_timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _meta(body):
    if "list" in body:  # orders
        return (body.get("list") or {}).get("meta") or {}
    return body.get("meta") or {}


def iter_pages(connection, path, filters, *, bucket, what):
    """Yield each page's JSON body of a Walmart list endpoint."""
    params = {k: query_value(v) for k, v in filters.items() if v is not None}
    url, seen = path, set()
    while True:
        try:
            response = http.send(connection, "GET", url, params=params, bucket=bucket, what=what)
        except PermanentError as exc:
            if exc.status == 404:  # Walmart's way of saying "no results"
                return
            raise
        body = response.json()
        yield body
        cursor = _meta(body).get("nextCursor")
        if not cursor:
            return
        if cursor in seen:
            logger.warning("%s: Walmart repeated the cursor %s; stopping to avoid a loop", what, cursor)
            return
        seen.add(cursor)
        url = path + (cursor if cursor.startswith("?") else "?" + cursor)
        params = None  # the cursor carries every parameter of the next page
