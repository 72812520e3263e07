"""Walmart's token endpoint and the check every emulated Walmart call makes.

POST /v3/token: client credentials in HTTP Basic, form `grant_type=client_credentials`,
WM_SVC.NAME and WM_QOS.CORRELATION_ID required; 900-second tokens (account setting
`token_lifetime` overrides). Business calls must carry WM_SEC.ACCESS_TOKEN (a Bearer
Authorization header is refused, as Walmart does with UNAUTHORIZED.GMP_GATEWAY_API).
"""

import base64
import binascii
import json

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox import clock, credentials, shapes
from sandbox.models import IssuedToken

SYSTEM = "walmart"
TOKEN_LIFETIME = 900
DEFAULT_SCOPES = {s: "full_access" for s in (
    "reports", "item", "shipping", "price", "lagtime", "feeds", "returns", "orders", "rules", "inventory", "content")}


def _missing_header(name):
    return shapes.walmart_error(400, "MISSING_REQUEST_HEADER.GMP_GATEWAY_API", f"Missing required header {name}", field=name)


def _basic(request):
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None, None
    try:
        user, _, password = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return user, password


@csrf_exempt
@require_http_methods(["POST"])
def token(request):
    for name in ("WM_SVC.NAME", "WM_QOS.CORRELATION_ID"):
        if not shapes.header(request, name):
            return _missing_header(name)
    if request.POST.get("grant_type") != "client_credentials":
        return shapes.walmart_error(400, "INVALID_REQUEST_CONTENT.GMP_GATEWAY_API", "grant_type must be client_credentials",
                                    field="grant_type")
    client_id, secret = _basic(request)
    account = credentials.find_account(SYSTEM, client_id or "", secret or "")
    if account is None:
        return shapes.walmart_error(401, "UNAUTHORIZED.GMP_GATEWAY_API", "Unauthorized", category="REQUEST")
    lifetime = account.settings.get("token_lifetime", TOKEN_LIFETIME)
    access = credentials.issue(account, IssuedToken.Kind.ACCESS, lifetime, prefix="eyJraWQiOi")
    body = {"access_token": access, "token_type": "Bearer", "expires_in": lifetime}
    return HttpResponse(json.dumps(body), content_type="application/json")


def authenticate(request):
    """The account for a business call, or an error response in Walmart's shape."""
    for name in ("WM_SVC.NAME", "WM_QOS.CORRELATION_ID"):
        if not shapes.header(request, name):
            return None, _missing_header(name)
    presented = shapes.header(request, "WM_SEC.ACCESS_TOKEN")
    if not presented:
        return None, shapes.walmart_error(401, "UNAUTHORIZED.GMP_GATEWAY_API", "Unauthorized: WM_SEC.ACCESS_TOKEN missing")
    issued = credentials.lookup(presented, IssuedToken.Kind.ACCESS, SYSTEM)
    if issued is None or issued.revoked:
        return None, shapes.walmart_error(401, "UNAUTHORIZED.GMP_GATEWAY_API", "Unauthorized")
    if issued.expires_at and issued.expires_at <= clock.now():
        # Walmart answers an expired token with 401 (and some gateways with 400 INVALID_TOKEN).
        if issued.account.settings.get("expired_token_status") == 400:
            return None, shapes.walmart_error(400, "INVALID_TOKEN.GMP_GATEWAY_API", "Token is invalid or expired")
        return None, shapes.walmart_error(401, "UNAUTHORIZED.GMP_GATEWAY_API", "Unauthorized: token expired")
    return issued.account, None


@require_http_methods(["GET"])
def token_detail(request):
    account, error = authenticate(request)
    if error:
        return error
    presented = credentials.lookup(shapes.header(request, "WM_SEC.ACCESS_TOKEN"), IssuedToken.Kind.ACCESS, SYSTEM)
    body = {
        "expire_at": str(int(presented.expires_at.timestamp() * 1000)),
        "issued_at": str(int(presented.issued_at.timestamp() * 1000)),
        "is_valid": True,
        "is_channel_match": True,
        "scopes": {**DEFAULT_SCOPES, **account.settings.get("scopes", {})},
    }
    return HttpResponse(json.dumps(body), content_type="application/json")
