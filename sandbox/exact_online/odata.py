"""The slice of OData v3 that Exact Online speaks and the connector uses.

$filter (eq ne gt ge lt le, and/or, parentheses, trim(), string/guid/datetime/number literals),
$select (required on collections, like Exact: "Please add a $select or a $top=1 statement"),
$expand of line collections, $top, and paging: 60 records a page, `d.__next` with a $skiptoken.
Rows are dicts with native values; `render` writes Exact's JSON (/Date(ms)/, numbers).
"""

import bisect
import json
import re
import threading
from collections import OrderedDict
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal
from urllib.parse import urlencode

PAGE_SIZE = 60

_TOKEN = re.compile(r"""\s*(?:
    (?P<guid>guid'[^']*')
  | (?P<datetime>datetime'[^']*')
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>-?\d+(?:\.\d+)?)[LlMmDd]?
  | (?P<punct>[(),])
  | (?P<word>[A-Za-z_][A-Za-z0-9_/]*)
)""", re.X)
OPERATORS = {"eq", "ne", "gt", "ge", "lt", "le"}


class QueryError(ValueError):
    """A query Exact would refuse with 400 (the message is Exact-like)."""


def _tokens(text):
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise QueryError(f"Invalid $filter near: {text[pos:pos + 20]}")
        kind = match.lastgroup
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


def _literal(kind, value):
    if kind == "string":
        return value[1:-1].replace("''", "'")
    if kind == "guid":
        return value[5:-1].lower()
    if kind == "datetime":
        parsed = datetime.fromisoformat(value[9:-1])
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt_timezone.utc)
    return Decimal(value)


class _Parser:
    def __init__(self, text, fields):
        self.tokens, self.pos, self.fields = _tokens(text), 0, fields

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self, expected=None):
        kind, value = self.peek()
        if kind is None or (expected and value.lower() != expected):
            raise QueryError(f"Invalid $filter: expected {expected or 'more'}")
        self.pos += 1
        return kind, value

    def parse(self):
        predicate = self.expr()
        if self.pos != len(self.tokens):
            raise QueryError(f"Invalid $filter: unexpected {self.peek()[1]}")
        return predicate

    def expr(self):
        parts = [self.conjunction()]
        while (self.peek()[1] or "").lower() == "or":
            self.take()
            parts.append(self.conjunction())
        return lambda row: any(p(row) for p in parts)

    def conjunction(self):
        parts = [self.term()]
        while (self.peek()[1] or "").lower() == "and":
            self.take()
            parts.append(self.term())
        return lambda row: all(p(row) for p in parts)

    def term(self):
        if self.peek()[1] == "(":
            self.take()
            inner = self.expr()
            self.take(")")
            return inner
        left = self.operand()
        kind, op = self.take()
        if op.lower() not in OPERATORS:
            raise QueryError(f"Invalid $filter: unknown operator {op}")
        right = self.operand()
        return _comparison(left, op.lower(), right)

    def operand(self):
        kind, value = self.take()
        if kind == "word" and value.lower() == "trim" and self.peek()[1] == "(":
            self.take()
            inner = self.operand()
            self.take(")")
            return lambda row: (inner(row) or "").strip() if isinstance(inner(row), str) else inner(row)
        if kind == "word" and value.lower() in ("true", "false", "null"):
            constant = {"true": True, "false": False, "null": None}[value.lower()]
            return lambda row: constant
        if kind == "word":
            if value not in self.fields:
                raise QueryError(f"No property '{value}' exists in type '{self.fields.type_name}'")
            return lambda row: row.get(value)
        constant = _literal(kind, value)
        return lambda row: constant


def _comparable(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a, b
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)):
        return Decimal(str(a)), Decimal(str(b))
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() if _is_guid(a) else a, b
    return a, b


def _is_guid(value):
    return len(value) == 36 and value.count("-") == 4


def _comparison(left, op, right):
    def check(row):
        a, b = _comparable(left(row), right(row))
        if op == "eq":
            return a == b
        if op == "ne":
            return a != b
        if a is None or b is None:
            return False
        try:
            return {"gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[op]
        except TypeError:
            return False
    return check


class Fields(set):
    """The properties of an entity type (for 'No property X exists' errors)."""

    def __init__(self, type_name, names):
        super().__init__(names)
        self.type_name = type_name


# Filtered and sorted collections by (version, $filter), so that paging through a large collection
# (10,000+ ItemWarehouses rows) costs one slice per page, not a rebuild, filter and sort per page.
_PREPARED = OrderedDict()
_PREPARED_LOCK = threading.Lock()
PREPARED_ENTRIES = 32


def _prepare(rows, key, fields, filter_text):
    if callable(rows):
        rows = rows()
    if filter_text:
        predicate = _Parser(filter_text, fields).parse()
        rows = [r for r in rows if predicate(r)]
    numeric = bool(rows) and isinstance(rows[0][key], int)  # sync endpoints page by Timestamp
    rows = sorted(rows, key=lambda r: r[key] if numeric else str(r[key]))
    return rows, [r[key] if numeric else str(r[key]) for r in rows], numeric


def _prepared(rows, key, fields, filter_text, version):
    if version is None:
        return _prepare(rows, key, fields, filter_text)
    cache_key = (version, key, filter_text)
    with _PREPARED_LOCK:
        if cache_key in _PREPARED:
            _PREPARED.move_to_end(cache_key)
            return _PREPARED[cache_key]
    prepared = _prepare(rows, key, fields, filter_text)
    with _PREPARED_LOCK:
        _PREPARED[cache_key] = prepared
        while len(_PREPARED) > PREPARED_ENTRIES:
            _PREPARED.popitem(last=False)
    return prepared


def query(request, rows, *, key, fields, lines=None, page_size=PAGE_SIZE, require_select=True, version=None):
    """Apply the request's OData options to `rows`; returns the `d` payload (results and maybe __next).

    With `version` (a value that changes whenever the collection does), `rows` may be a callable that
    builds them, and the filtered, sorted collection is reused by the following pages.
    """
    params = request.GET
    select = [s.strip() for s in params.get("$select", "").split(",") if s.strip()]
    top = params.get("$top")
    if require_select and not select and top != "1":
        raise QueryError("Please add a $select or a $top=1 statement to the query string.")
    for name in select:
        head = name.split("/")[0]
        if head not in fields and head != lines:
            raise QueryError(f"No property '{head}' exists in type '{fields.type_name}'")
    rows, keys, numeric = _prepared(rows, key, fields, params.get("$filter") or "", version)
    token = params.get("$skiptoken")
    start = 0
    if token:
        after = token[5:-1] if token.startswith("guid'") else token.strip("'").rstrip("L")
        try:
            start = bisect.bisect_right(keys, int(after) if numeric else after)
        except (ValueError, TypeError):
            raise QueryError("Invalid $skiptoken") from None
    end = len(rows)
    if top:
        try:
            end = min(end, start + max(int(top), 0))
        except ValueError:
            raise QueryError("Invalid $top") from None
    page = rows[start:min(end, start + page_size)]
    expand = {e.strip() for e in params.get("$expand", "").split(",") if e.strip()}
    payload = {"results": [project(r, select, lines, expand, request) for r in page]}
    if start + len(page) < end:
        query_params = {k: v for k, v in params.items() if k != "$skiptoken"}
        last = page[-1][key]
        query_params["$skiptoken"] = f"{last}L" if numeric else f"guid'{last}'" if _is_guid(str(last)) else f"'{last}'"
        if top:
            query_params["$top"] = str(int(top) - len(page))
        payload["__next"] = request.build_absolute_uri(request.path) + "?" + urlencode(query_params)
    return payload


def project(row, select, lines=None, expand=(), request=None):
    """Keep the selected properties; a line collection is expanded or left as a __deferred link."""
    top_level = [s for s in select if "/" not in s] or [k for k in row if k != lines]
    out = {k: row.get(k) for k in top_level if k != lines}
    wanted_lines = lines and (lines in select or any(s.startswith(lines + "/") for s in select) or lines in expand)
    if wanted_lines:
        if lines in expand:
            sub = [s.split("/", 1)[1] for s in select if s.startswith(lines + "/")]
            out[lines] = {"results": [{k: line.get(k) for k in (sub or line)} for line in row.get(lines, [])]}
        else:
            uri = request.build_absolute_uri(request.path).rstrip("/") if request else ""
            out[lines] = {"__deferred": {"uri": f"{uri}/{lines}"}}
    return out


def _default(value):
    if isinstance(value, datetime):
        return f"/Date({int(value.timestamp() * 1000)})/"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else float(value)
    raise TypeError(f"cannot render {type(value).__name__}")


def render(payload):
    return json.dumps({"d": payload}, default=_default)
