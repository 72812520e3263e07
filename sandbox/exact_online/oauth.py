"""Exact Online's OAuth2 endpoints: the consent page and the token endpoint (erp-apis.md §E.2).

- GET /api/oauth2/auth shows a consent page for the sandbox account (Authorize / Deny); the POST back
  redirects to redirect_uri with `code` and `state`, or `error=access_denied`. Codes are single use
  and live 3 minutes on the sandbox clock.
- POST /api/oauth2/token: `authorization_code` and `refresh_token` grants; 600-s access tokens with
  `expires_in` as a STRING; refresh tokens single use and rotating: reuse gives 401 "Old refresh token
  used."; a refresh while the current access token is younger than 570 s (and not revoked) gives 400
  "Rate limit exceeded: access_token not expired" with `Reason: TooEarlyToRefreshTokens`, and leaves
  the refresh token usable; a refresh token unused for 30 days has expired.
"""

import json
from urllib.parse import urlencode, urlsplit

from django.core import signing
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox import clock, credentials, shapes
from sandbox.exact_online.api import SYSTEM, division_of
from sandbox.models import IssuedToken

ACCESS_LIFETIME = 600
TOO_EARLY_AGE = 570  # 9.5 minutes
CODE_LIFETIME = 180
REFRESH_IDLE_DAYS = 30
CONSENT_SALT = "sandbox.exact_online.consent"


def _redirect_allowed(account, redirect_uri):
    """Exact only redirects to the URI registered for the app (account setting `redirect_uris`, if any)."""
    registered = account.settings.get("redirect_uris")
    parts = urlsplit(redirect_uri or "")
    return parts.scheme in ("http", "https") and parts.netloc and (not registered or redirect_uri in registered)


def issue_code(account, redirect_uri):
    """A single-use authorization code, as after the user clicked Authorize (the demo seeding uses it too)."""
    return credentials.issue(account, IssuedToken.Kind.CODE, CODE_LIFETIME, prefix="stampNL001.",
                             data={"redirect_uri": redirect_uri})


def issue_tokens(account):
    """A new access token and its refresh token; the refresh token remembers its partner (too-early rule)."""
    access = credentials.issue(account, IssuedToken.Kind.ACCESS, account.settings.get("token_lifetime", ACCESS_LIFETIME),
                               prefix="gAAAAA")
    refresh = credentials.issue(account, IssuedToken.Kind.REFRESH, REFRESH_IDLE_DAYS * 86400, prefix="Gcp7!IAAA",
                                data={"access": credentials.digest(access)})
    return {"access_token": access, "token_type": "bearer",
            "expires_in": str(account.settings.get("token_lifetime", ACCESS_LIFETIME)), "refresh_token": refresh}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def authorize(request):
    params = request.GET if request.method == "GET" else request.POST
    client_id, redirect_uri, state = params.get("client_id", ""), params.get("redirect_uri", ""), params.get("state", "")
    account = credentials.find_account(SYSTEM, client_id)
    if account is None or params.get("response_type", "code") != "code" or not _redirect_allowed(account, redirect_uri):
        problem = ("Unknown client_id" if account is None else
                   "response_type must be 'code'" if params.get("response_type", "code") != "code" else
                   "The redirect_uri does not match the app's registered redirect URI")
        return render(request, "sandbox_exact_online/consent.html", {"problem": problem}, status=400)
    if request.method == "GET":
        # The page's form carries a signed copy of the request, so the POST cannot be redirected elsewhere.
        consent = signing.dumps({"c": client_id, "r": redirect_uri, "s": state}, salt=CONSENT_SALT)
        return render(request, "sandbox_exact_online/consent.html", {
            "account": account, "division": division_of(account), "client_id": client_id,
            "redirect_uri": redirect_uri, "state": state, "consent": consent,
        })
    try:
        signed = signing.loads(params.get("consent", ""), salt=CONSENT_SALT, max_age=3600)
    except signing.BadSignature:
        return render(request, "sandbox_exact_online/consent.html", {"problem": "The consent form was tampered with"},
                      status=400)
    if (signed["c"], signed["r"], signed["s"]) != (client_id, redirect_uri, state):
        return render(request, "sandbox_exact_online/consent.html", {"problem": "The consent form was tampered with"},
                      status=400)
    if params.get("decision") == "authorize":
        answer = {"code": issue_code(account, redirect_uri), "state": state}
    else:
        answer = {"error": "access_denied", "error_description": "The user denied access", "state": state}
    separator = "&" if "?" in redirect_uri else "?"
    return HttpResponseRedirect(redirect_uri + separator + urlencode(answer))


def _json(body):
    return HttpResponse(json.dumps(body), content_type="application/json")


@csrf_exempt
@require_http_methods(["POST"])
def token(request):
    form = request.POST
    account = credentials.find_account(SYSTEM, form.get("client_id", ""), form.get("client_secret", ""))
    if account is None:
        return shapes.oauth_error(400, "invalid_client", "Invalid client_id or client_secret.")
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        return _authorization_code(account, form)
    if grant_type == "refresh_token":
        return _refresh(account, form.get("refresh_token", ""))
    return shapes.oauth_error(400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token.")


def _consume(issued):
    """Mark a single-use token used; False if another request used it first (conditional UPDATE)."""
    return IssuedToken.objects.filter(pk=issued.pk, used_at__isnull=True).update(used_at=clock.now()) == 1


def _authorization_code(account, form):
    issued = credentials.lookup(form.get("code", ""), IssuedToken.Kind.CODE, SYSTEM)
    if issued is None or issued.account_id != account.pk or issued.used_at or issued.expires_at <= clock.now():
        return shapes.oauth_error(400, "invalid_grant", "The authorization code is invalid, expired or already used.")
    if issued.data.get("redirect_uri") != form.get("redirect_uri"):
        return shapes.oauth_error(400, "invalid_grant", "The redirect_uri does not match the authorization request.")
    if not _consume(issued):
        return shapes.oauth_error(400, "invalid_grant", "The authorization code is invalid, expired or already used.")
    return _json(issue_tokens(account))


def _refresh(account, presented):
    issued = credentials.lookup(presented, IssuedToken.Kind.REFRESH, SYSTEM)
    now = clock.now()
    if issued is None or issued.account_id != account.pk or issued.revoked:
        return shapes.oauth_error(400, "invalid_grant", "The refresh token is invalid.")
    if issued.used_at:
        return shapes.oauth_error(401, "unauthorized_client", "Old refresh token used.")
    if issued.expires_at and issued.expires_at <= now:
        return shapes.oauth_error(401, "invalid_grant", f"The refresh token expired at {issued.expires_at.isoformat()}.")
    partner = IssuedToken.objects.filter(token_hash=issued.data.get("access", "")).first()
    if partner is not None and not partner.revoked and (now - partner.issued_at).total_seconds() < TOO_EARLY_AGE:
        return shapes.oauth_error(400, "access_denied", "Rate limit exceeded: access_token not expired",
                                  headers={"Reason": "TooEarlyToRefreshTokens"})
    if not _consume(issued):
        return shapes.oauth_error(401, "unauthorized_client", "Old refresh token used.")
    return _json(issue_tokens(account))

