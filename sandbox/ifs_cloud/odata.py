"""The OData v4 plumbing of the IFS Cloud emulator: properties, entity sets, query options, bodies.

An EntitySet names its OData properties and where each lives (a model field, or the row's `extra`
JSON for accepted fields the emulator only echoes). From that it serializes entities with
`@odata.etag`, parses and validates request bodies, and answers collection queries with $filter,
$select, $orderby, $top, $skip and $count=true. When the account setting `max_page_size` is set,
pages are capped server-side and `@odata.nextLink` points at the rest.
"""

import base64
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal

from django.http import HttpResponse

from sandbox.ifs_cloud import filters


class ODataError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self):
        return json_response({"error": {"code": self.code, "message": self.message}}, self.status)


def _default(value):
    # Our DecimalFields carry at most 14 digits, which a double's shortest repr reproduces exactly.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def json_response(body, status=200, headers=None):
    response = HttpResponse(json.dumps(body, default=_default), status=status,
                            content_type="application/json;odata.metadata=minimal")
    response["OData-Version"] = "4.0"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def read_body(request):
    try:
        body = json.loads(request.body or b"{}", parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise ODataError(400, "ODP_DESERIALIZATION_ERROR", "Error while de-serializing contents.")
    return body


def etag(obj):
    """W/"base64(objid:objversion)", the shape IFS uses."""
    return etag_of(type(obj), obj.pk, obj.version)


def etag_of(model, pk, version):
    raw = f"AAA{model.__name__[:6].upper()}{pk:08d}:{version}"
    return 'W/"' + base64.b64encode(raw.encode()).decode() + '"'


@dataclass(frozen=True)
class Prop:
    name: str
    attr: str = ""  # ORM path ("" = the row's `extra` JSON under `name`)
    kind: str = "string"  # string, int, decimal, datetime, bool, enum
    enum_type: str = ""  # e.g. IfsApp.CustomerOrderHandling.CustomerOrderState
    values: tuple = ()  # allowed enum values ((), any)
    writable: bool = False  # accepted on create
    updatable: bool = False  # accepted on PATCH
    max_length: int = 0

    @property
    def path(self):
        return self.attr or f"extra__{self.name}"

    def read(self, obj):
        if not self.attr:
            return (obj.extra or {}).get(self.name)
        value = obj
        for part in self.attr.split("__"):
            value = getattr(value, part)
        return value

    def from_json(self, value):
        """A body value as Python, or ODataError (IFS refuses wrongly typed JSON while de-serializing)."""
        if value is None:
            return None
        wrong = ODataError(400, "ODP_DESERIALIZATION_ERROR",
                           f"Error while de-serializing contents: invalid value for property '{self.name}'.")
        if self.kind in ("string", "enum"):
            if not isinstance(value, str) or (self.max_length and len(value) > self.max_length):
                raise wrong
            if self.values and value not in self.values:
                raise wrong
            return value
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise wrong
            return value
        if self.kind in ("int", "decimal"):
            if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
                raise wrong
            if self.kind == "int":
                if value != int(value):
                    raise wrong
                return int(value)
            return Decimal(value)
        if self.kind == "datetime":
            try:
                parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            except ValueError:
                raise wrong from None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        raise AssertionError(self.kind)

    def filter_value(self, lit):
        """The Python value a $filter literal stands for, checked against this property's type."""
        if lit.kind == "null":
            return None
        if self.kind == "enum":
            if lit.kind != "enum":
                raise filters.FilterError(
                    f"Property '{self.name}' is an enumeration: use a qualified literal such as {self.enum_type}'Value'")
            if lit.enum_type != self.enum_type:
                raise filters.FilterError(f"Enumeration type '{lit.enum_type}' does not match '{self.enum_type}'")
            return lit.value
        expected = {"string": ("string",), "int": ("number",), "decimal": ("number",), "bool": ("bool",),
                    "datetime": ("datetime", "date")}[self.kind]
        if lit.kind not in expected:
            raise filters.FilterError(f"Literal of kind {lit.kind} cannot be compared with property '{self.name}'")
        if self.kind == "int":
            return int(lit.value)
        if lit.kind == "date":
            return datetime.combine(lit.value, datetime.min.time(), tzinfo=timezone.utc)
        return lit.value


@dataclass
class EntitySet:
    name: str
    props: list
    keys: tuple
    by_name: dict = field(init=False)

    def __post_init__(self):
        self.by_name = {p.name: p for p in self.props}

    def entity(self, obj, select=None):
        names = select or [p.name for p in self.props]
        body = {"@odata.etag": etag(obj)}
        for name in names:
            body[name] = self.by_name[name].read(obj)
        return body

    def entities_of(self, queryset, select=None):
        """Entities of a (sliced) queryset. When every property read is a plain column, rows come as
        .values() tuples, not model instances: pages of thousands of stock records (inventory_out
        reads a whole site) then serve in a fraction of the time."""
        props = [self.by_name[name] for name in (select or [p.name for p in self.props])]
        if any(not p.attr or "__" in p.attr for p in props):
            return [self.entity(obj, select) for obj in queryset]
        model = queryset.model
        entities = []
        for pk, version, *values in queryset.values_list("pk", "version", *(p.attr for p in props)):
            body = {"@odata.etag": etag_of(model, pk, version)}
            body.update(zip((p.name for p in props), values))
            entities.append(body)
        return entities

    def parse(self, body, *, updating=False):
        """{Prop: value} for a create or PATCH body; unknown or read-only properties are refused."""
        values = {}
        for name, raw in body.items():
            if name.startswith("@odata."):
                continue
            prop = self.by_name.get(name)
            if prop is None:
                raise ODataError(400, "ODP_DESERIALIZATION_ERROR",
                                 f"Error while de-serializing contents: property '{name}' does not exist in {self.name}.")
            if not (prop.updatable if updating else prop.writable):
                raise ODataError(400, "ODP_READONLY_PROPERTY",
                                 f"Property '{name}' of {self.name} cannot be {'updated' if updating else 'set'}.")
            values[prop] = prop.from_json(raw)
        return values

    @staticmethod
    def split(values):
        """({model field: value}, {extra name: JSON value}) from parse(); parent-key paths are left out,
        and so are nulls for model fields (null = not given, as IFS clients drop them)."""
        fields = {p.attr: v for p, v in values.items() if p.attr and "__" not in p.attr and v is not None}
        extra = {p.name: json.loads(json.dumps(v, default=_default)) for p, v in values.items() if not p.attr}
        return fields, extra


def service_root(request):
    return request.build_absolute_uri(request.path.split(".svc", 1)[0] + ".svc")


def _int_option(request, name):
    raw = request.GET.get(name)
    if raw is None:
        return None
    if not raw.isdigit():
        raise ODataError(400, "ODP_INVALID_QUERY_OPTION", f"The value '{raw}' of {name} is not a non-negative integer.")
    return int(raw)


def _select(request, eset):
    raw = request.GET.get("$select")
    if not raw:
        return None
    names = [n.strip() for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in eset.by_name]
    if unknown:
        raise ODataError(400, "ODP_INVALID_QUERY_OPTION", f"Property '{unknown[0]}' in $select does not exist in {eset.name}.")
    return names


def _ordering(request, eset):
    order = []
    for part in (request.GET.get("$orderby") or "").split(","):
        words = part.split()
        if not words:
            continue
        prop = eset.by_name.get(words[0])
        if prop is None or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise ODataError(400, "ODP_INVALID_QUERY_OPTION", f"Invalid $orderby '{part.strip()}' for {eset.name}.")
        order.append(("-" if len(words) == 2 and words[1] == "desc" else "") + prop.path)
    return order + ["pk"]  # a stable order, so $top/$skip pages never overlap or skip rows


def collection(request, eset, queryset, *, max_page_size=None):
    """Answer a collection GET with the query options applied."""
    raw_filter = request.GET.get("$filter")
    if raw_filter:
        try:
            queryset = queryset.filter(filters.to_q(raw_filter, eset.by_name))
        except filters.FilterError as exc:
            raise ODataError(400, "ODP_INVALID_FILTER", str(exc)) from None
    select = _select(request, eset)
    top, skip = _int_option(request, "$top"), _int_option(request, "$skip") or 0
    queryset = queryset.order_by(*_ordering(request, eset))
    context = f"{service_root(request)}/$metadata#{eset.name}" + (f"({','.join(select)})" if select else "")
    body = {"@odata.context": context}
    if (request.GET.get("$count") or "").lower() == "true":
        body["@odata.count"] = queryset.count()
    size = top if top is not None else None
    capped = max_page_size is not None and (size is None or size > max_page_size)
    if capped:
        size = max_page_size
    rows = eset.entities_of(queryset[skip:skip + size + 1] if size is not None else queryset[skip:], select)
    more = size is not None and len(rows) > size
    body["value"] = rows[:size] if size is not None else rows
    if capped and more:
        params = request.GET.copy()
        params["$skip"] = str(skip + size)
        if top is not None:
            params["$top"] = str(top - size)
        body["@odata.nextLink"] = request.build_absolute_uri(request.path) + "?" + params.urlencode(safe="$'(),:")
    return json_response(body)


def single(request, eset, obj, status=200):
    body = {"@odata.context": f"{service_root(request)}/$metadata#{eset.name}/$entity", **eset.entity(obj)}
    return json_response(body, status, headers={"ETag": body["@odata.etag"]})
