"""Walmart's list paging: `meta.nextCursor` is a complete query string (starting with "?") that the
client appends verbatim to the list URL (walmart-api.md §2.2). It carries every filter of the first
call, the page size, the offset and the end of the window frozen at the first call, so pages stay
stable while new documents arrive, as Walmart's `createdEndDate` in its cursor does.
"""

from urllib.parse import urlencode

from sandbox.walmart import shapes_errors as errors


class BadParam(Exception):
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message

    def response(self):
        return errors.bad_param(self.field, self.message)


def limit(params, *, default, maximum=200):
    raw = params.get("limit", "")
    if raw in ("", None):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParam("limit", "limit must be a number") from None
    if not 1 <= value <= maximum:
        raise BadParam("limit", f"limit must be between 1 and {maximum}")
    return value


def offset(params, key):
    try:
        return max(0, int(params.get(key, "0") or 0))
    except ValueError:
        raise BadParam(key, f"{key} must be a number") from None


def next_cursor(params, *, total, start, size, offset_key, extra=None):
    """The cursor for the page after [start, start+size), or None on the last page."""
    if start + size >= total:
        return None
    carried = {k: v for k, v in params.items() if k not in (offset_key, "hasMoreElements", "limit")}
    query = {"limit": str(size), "hasMoreElements": "true", offset_key: str(start + size), **(extra or {}), **carried}
    return "?" + urlencode(query)
