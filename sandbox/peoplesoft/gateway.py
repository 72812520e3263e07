"""The emulated Integration Gateway in front of every PeopleSoft call: authentication, node, service
operation state and permission list, then the operation itself.

Accounts (sandbox.models.Account, system "peoplesoft") are either operators (key = OPRID, secret =
password, setting auth="basic") or OAuth2 clients (key = client id, secret = client secret,
auth="oauth2", PeopleTools 8.59+). Their settings also hold the instance's setup:
  node                 target node name accepted in the URL (default PSFT_EP)
  token_lifetime       OAuth2 access token seconds (default 3600)
  inactive_operations  service operations (URL names, e.g. "ExecuteQuery.v1") left inactive → 404
  denied_operations    operations the permission list does not grant → 403
  receipt_operation    the receipt service operation's URL name (default PURCHASE_ORDER_RECEIPT.v1)
"""

import base64
import binascii
import functools
import json

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox import credentials, shapes
from sandbox.models import IssuedToken

SYSTEM = "peoplesoft"
DEFAULT_NODE = "PSFT_EP"
TOKEN_LIFETIME = 3600
RECEIPT_OPERATION = "PURCHASE_ORDER_RECEIPT.v1"
# The QAS operation as administrators see it in the Service Operations page.
INTERNAL_NAMES = {"ExecuteQuery.v1": "QAS_EXECUTEQRY_REST_GET"}


def _basic(request):
    header = request.headers.get("Authorization", "")
    if header[:6].lower() != "basic ":
        return None, None
    try:
        user, _, password = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return user, password


def _unauthorized(message):
    response = shapes.peoplesoft_error(401, message)
    response["WWW-Authenticate"] = 'Basic realm="PSIGW"'
    return response


def authenticate(request):
    """(account, None) or (None, a 401 in PeopleSoft's shape)."""
    token = credentials.bearer(request)
    if token:
        account = credentials.valid_access(token, SYSTEM)
        if account is None or account.settings.get("auth") != "oauth2":
            return None, _unauthorized("Invalid or expired OAuth2 access token")
        return account, None
    user, password = _basic(request)
    if user is None:
        return None, _unauthorized("Authorization required: HTTP Basic (OPRID) or an OAuth2 bearer token")
    account = credentials.find_account(SYSTEM, user, password)
    if account is None or account.settings.get("auth", "basic") != "basic":
        return None, _unauthorized(f"Invalid user ID or password for {user}")
    return account, None


def operation(name_of):
    """Decorate view(request, account, node, ...) as an IB REST operation; name_of(kwargs) names it."""

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, node, **kwargs):
            account, error = authenticate(request)
            if error is not None:
                return error
            settings = account.settings
            if node != settings.get("node", DEFAULT_NODE):
                return shapes.peoplesoft_error(
                    404, f"Integration Gateway: node {node} is not defined on this gateway or has no routing "
                         "for the incoming request")
            name = name_of(kwargs, settings)
            if name is None or name in settings.get("inactive_operations", []):
                shown = INTERNAL_NAMES.get(name, name) or request.path.rsplit("/", 1)[-1]
                return shapes.peoplesoft_error(
                    404, f"Integration Broker: service operation {shown} is inactive or has no active routing "
                         f"to node {node}")
            if name in settings.get("denied_operations", []):
                return shapes.peoplesoft_error(
                    403, f"User {account.key} is not authorized to invoke service operation "
                         f"{INTERNAL_NAMES.get(name, name)} (no permission list grants it)")
            return view(request, account, node, **kwargs)

        return wrapper

    return decorator


@csrf_exempt
@require_http_methods(["POST"])
def token(request):
    """OAuth2 client credentials (client authentication by HTTP Basic or in the form body)."""
    if request.POST.get("grant_type") != "client_credentials":
        return shapes.oauth_error(400, "unsupported_grant_type", "Only client_credentials is supported")
    client_id, secret = _basic(request)
    if client_id is None:
        client_id, secret = request.POST.get("client_id", ""), request.POST.get("client_secret", "")
    account = credentials.find_account(SYSTEM, client_id, secret)
    if account is None or account.settings.get("auth") != "oauth2":
        return shapes.oauth_error(401, "invalid_client", "Client authentication failed")
    lifetime = account.settings.get("token_lifetime", TOKEN_LIFETIME)
    access = credentials.issue(account, IssuedToken.Kind.ACCESS, lifetime)
    body = {"access_token": access, "token_type": "Bearer", "expires_in": lifetime}
    return HttpResponse(json.dumps(body), content_type="application/json")
