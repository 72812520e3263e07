"""Walmart's error answers for the orders, returns and webhooks emulators (codes from walmart-api.md §8)."""

from sandbox.shapes import walmart_error


def bad_param(field, message):
    return walmart_error(400, "INVALID_REQUEST_PARAM.GMP_ORDER_API", message, field=field, category="DATA")


def bad_content(field, message, code="INVALID_REQUEST_CONTENT.GMP_ORDER_API"):
    return walmart_error(400, code, message, field=field, category="DATA")


def malformed():
    return walmart_error(400, "MALFORMED_REQUEST_CONTENT.GMP_ORDER_API", "The request body is not valid JSON",
                         category="DATA")


def not_found(what, field=""):
    # Walmart answers an empty list with 404 CONTENT_NOT_FOUND (walmart-api.md §2.2).
    return walmart_error(404, "CONTENT_NOT_FOUND.GMP_ORDER_API", f"{what} not found", field=field,
                         category="APPLICATION")


def method_not_allowed(method):
    return walmart_error(405, "METHOD_NOT_ALLOWED.GMP_GATEWAY_API", f"Method {method} not allowed")
