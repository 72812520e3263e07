"""IFS IAM (Keycloak) token endpoint and the bearer check every projection call makes.

POST auth/realms/<realm>/protocol/openid-connect/token, client credentials in the form body
(reference/erp-apis.md §A.2). An account is an IAM client; its settings name its `realm` and may
override `token_lifetime` (IFS 24R2 issues 180-second tokens). Answers in Keycloak's shapes:
unknown realm 404 {"error": "Realm does not exist"}, wrong secret 401 unauthorized_client.
"""

import functools
import json
import secrets

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox import credentials, shapes
from sandbox.models import Account, IssuedToken

SYSTEM = "ifs_cloud"
TOKEN_LIFETIME = 180  # IFS 24R2 (erp-samples/ifs/token_response_24r2.json)


def realm_exists(realm):
    return Account.objects.filter(system=SYSTEM, settings__realm=realm).exists()


@csrf_exempt
@require_http_methods(["POST"])
def token(request, realm):
    if not realm_exists(realm):
        return HttpResponse(json.dumps({"error": "Realm does not exist"}), status=404, content_type="application/json")
    grant_type = request.POST.get("grant_type")
    if not grant_type:
        return shapes.oauth_error(400, "invalid_request", "Missing form parameter: grant_type")
    if grant_type != "client_credentials":
        return shapes.oauth_error(400, "unsupported_grant_type", "Unsupported grant_type")
    client_id = request.POST.get("client_id", "")
    account = credentials.find_account(SYSTEM, client_id)
    if account is None or account.settings.get("realm") != realm:
        return shapes.oauth_error(401, "invalid_client", "Invalid client or Invalid client credentials")
    if credentials.find_account(SYSTEM, client_id, request.POST.get("client_secret", "")) is None:
        return shapes.oauth_error(401, "unauthorized_client", "Invalid client secret")
    lifetime = int(account.settings.get("token_lifetime", TOKEN_LIFETIME))
    scope = request.POST.get("scope") or "profile email"
    access = credentials.issue(account, IssuedToken.Kind.ACCESS, lifetime, prefix="eyJhbGciOiJSUzI1NiJ9.",
                               data={"scope": scope})
    body = {
        "access_token": access,
        "expires_in": lifetime,
        # Keycloak issues no refresh token to a client-credentials grant; a new grant is the refresh.
        "refresh_expires_in": 0,
        "token_type": "Bearer",
        "not-before-policy": 0,
        "scope": scope,
    }
    if "openid" in scope.split():
        # Keycloak adds an ID token when the openid scope is asked for; nothing in the emulator accepts it.
        body["id_token"] = "eyJhbGciOiJSUzI1NiJ9." + secrets.token_urlsafe(32)
    return HttpResponse(json.dumps(body), content_type="application/json")


def _unauthorized(message):
    response = shapes.ifs_error(401, "UNAUTHORIZED", message)
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


def _stale_metadata(account):
    """Account setting `stale_metadata_calls` = n: the next n calls meet a projection cache that a
    deployment just invalidated (IFS answers 500 MI_MODIFIED_ERROR once per stale cache)."""
    left = int(account.settings.get("stale_metadata_calls") or 0)
    if left <= 0:
        return False
    account.settings["stale_metadata_calls"] = left - 1
    Account.objects.filter(pk=account.pk).update(settings=account.settings)
    return True


def projection_call(view):
    """Decorate view(request, account, ...) as a projection endpoint: a valid Bearer token is required."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        presented = credentials.bearer(request)
        if not presented:
            return _unauthorized("Bearer token required")
        account = credentials.valid_access(presented, SYSTEM)
        if account is None:
            return _unauthorized("The access token is invalid or expired")
        if _stale_metadata(account):
            return shapes.ifs_error(500, "MI_MODIFIED_ERROR",
                                    "The metadata of the projection has been modified. Please retry the request.")
        return view(request, account, *args, **kwargs)

    return wrapper
