"""Small request/response helpers shared by this app's views (Walmart's error envelope, paging params)."""

import functools
import json
from decimal import Decimal

from django.http import HttpResponse

from sandbox import shapes


class BadRequest(Exception):
    """Raised by a view helper; the view answers with Walmart's 400 (or `status`) error envelope."""

    def __init__(self, code, description, field="", status=400):
        super().__init__(description)
        self.response = shapes.walmart_error(status, code, description, field=field)


def _default(value):
    if isinstance(value, Decimal):
        # Walmart sends money as JSON numbers; an int when whole keeps "amount": 10 as in its samples.
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def ok(body, status=200):
    return HttpResponse(json.dumps(body, default=_default), status=status, content_type="application/json")


def not_found(service, description, field=""):
    return shapes.walmart_error(404, f"CONTENT_NOT_FOUND.{service}", description, field=field, category="APPLICATION")


def json_body(request):
    try:
        body = json.loads(request.body or b"")
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("MALFORMED_REQUEST_CONTENT.GMP_GATEWAY_API", "The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("INVALID_REQUEST_CONTENT.GMP_GATEWAY_API", "The request body must be a JSON object")
    return body


def int_param(request, name, default, *, minimum=0, maximum=None):
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest("INVALID_REQUEST_PARAM.GMP_GATEWAY_API", f"{name} must be an integer", field=name) from None
    if value < minimum or (maximum is not None and value > maximum):
        limit = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise BadRequest("INVALID_REQUEST_PARAM.GMP_GATEWAY_API", f"{name} must be {limit}", field=name)
    return value


def required_param(request, name):
    value = request.GET.get(name, "")
    if not value:
        raise BadRequest("MISSING_REQUEST_PARAM.GMP_GATEWAY_API", f"Missing required parameter {name}", field=name)
    return value


def quantity(amount):
    return {"unit": "EACH", "amount": amount}


def epoch_ms(instant):
    return int(instant.timestamp() * 1000)


def handles_bad_requests(view):
    """Turn a BadRequest raised anywhere in the view into its error response."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadRequest as exc:
            return exc.response

    return wrapper
