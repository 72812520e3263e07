"""Error responses in each vendor's own shape, used by the fault injector and the emulators."""

import json
import uuid

from django.http import HttpResponse

from sandbox import clock


def header(request, name):
    """A request header by its vendor spelling; works for names with underscores (WM_SVC.NAME)."""
    return request.META.get("HTTP_" + name.upper().replace("-", "_"), "")


def _json(status, body, headers=None):
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def walmart_error(status, code, description, *, field="", category="REQUEST", headers=None):
    """Walmart's error envelope: {"errors": {"error": [{code, field, description, info, severity, category}]}}."""
    return _json(status, {"errors": {"error": [{
        "code": code, "field": field, "description": description, "info": description,
        "severity": "ERROR", "category": category, "causes": [], "errorIdentifiers": {},
    }]}}, headers)


def ifs_error(status, code, message, headers=None):
    return _json(status, {"error": {"code": code, "message": message}}, headers)


def exact_error(status, message, headers=None):
    return _json(status, {"error": {"code": "", "message": {"lang": "", "value": message}}}, headers)


def oauth_error(status, error, description, headers=None):
    return _json(status, {"error": error, "error_description": description}, headers)


def infor_error(status, message, headers=None):
    return _json(status, {"error": {"code": str(status), "message": message}, "correlationId": str(uuid.uuid4())}, headers)


def peoplesoft_error(status, message, headers=None):
    return _json(status, {"status": "error", "message": message}, headers)


def error_response(system, status, message):
    """A generic failure of `system` in its own shape (faults: error, outage)."""
    if system == "walmart":
        code = {503: "SERVICE_UNAVAILABLE", 500: "SYSTEM_ERROR", 504: "DOWNSTREAM_SYSTEM_TIME_OUT"}.get(status, "SYSTEM_ERROR")
        return walmart_error(status, f"{code}.GMP_GATEWAY_API", message, category="SYSTEM")
    if system == "ifs_cloud":
        return ifs_error(status, "ODP_SERVER_ERROR", message)
    if system == "exact_online":
        return exact_error(status, message)
    if system in ("infor_cloudsuite", "infor_m3"):
        return infor_error(status, message)
    return peoplesoft_error(status, message)


def throttle_response(system, *, reset_in=60):
    """A 429 with the vendor's rate-limit headers."""
    reset_ms = int((clock.now().timestamp() + reset_in) * 1000)
    if system == "walmart":
        return walmart_error(
            429, "REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API", "Request threshold violated",
            headers={"X-Current-Token-Count": "0", "X-Next-Replenishment-Time": str(reset_ms)},
        )
    if system == "exact_online":
        return exact_error(429, "API rate limit exceeded", headers={
            "X-RateLimit-Minutely-Limit": "60", "X-RateLimit-Minutely-Remaining": "0",
            "X-RateLimit-Minutely-Reset": str(reset_ms),
        })
    headers = {"Retry-After": str(reset_in)}
    if system == "ifs_cloud":
        return ifs_error(429, "TOO_MANY_REQUESTS", "Too many requests", headers)
    if system in ("infor_cloudsuite", "infor_m3"):
        return infor_error(429, "Quota exceeded: too many requests", headers)
    return peoplesoft_error(429, "Too many requests", headers)
