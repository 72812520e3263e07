"""Infor ION API Gateway, as both Infor emulators need it (reference/erp-apis.md B.1-B.3).

- `create_app(...)`: an authorized backend-service app with a service account in a tenant; returns
  the `.ionapi` file. The sandbox keeps only hashes of `cs` and `sask` (like a vendor), so the file
  is shown once, when it is created.
- `token_view(system)`: `POST /sandbox/<system>/<TENANT>/as/token.oauth2` (pu + ot): the
  resource-owner password grant (username = saak, password = sask, client_id = ci, client_secret =
  cs; client credentials also accepted as HTTP Basic) and, when the app's `issue_refresh_tokens`
  setting is on, the refresh_token grant (rolling refresh tokens, as PingFederate does by default).
  Tokens last 7,200 s unless the app's `token_lifetime` says otherwise.
- Service-account logins are scarce: 20 a minute and 1,000 a day per service account on the
  sandbox clock (`login_quota` setting {"per_minute": n, "per_day": n}); beyond that, 429 with
  Retry-After. Only password grants count: a refresh is not a service-account authentication.
- `ion_api(system)`: the decorator of every API view under `/sandbox/<system>/<TENANT>/...`: a
  valid Bearer token of an app of that tenant, else 401.
- `download_view(system)`: `GET /sandbox/<system>/ionapi/<name>.ionapi` creates a NEW app and
  service account in tenant `<NAME>_TST` on every call and returns its file (the sandbox cannot show
  an old secret again). Each call is a new credential: old files keep working.
"""

import base64
import binascii
import functools
import json
import math
import re
import secrets
from datetime import timedelta

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox import clock, credentials, shapes
from sandbox.models import IssuedToken

TOKEN_LIFETIME = 7200
LOGIN_QUOTA = {"per_minute": 20, "per_day": 1000}


def tenant_for(name):
    """The tenant id the sandbox uses for a connection name: `demo-m3` -> `DEMO_M3_TST`."""
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_") + "_TST"


def base_url(system, site_url):
    return f"{site_url.rstrip('/')}/sandbox/{system}"


def create_app(system, site_url, tenant, *, app_name="ml-connector", **settings):
    """Create an authorized app + service account in `tenant`; return its `.ionapi` content (a dict)."""
    client_id = f"{tenant}~{secrets.token_urlsafe(24)}"
    client_secret = secrets.token_urlsafe(48)
    saak = f"{tenant}#{secrets.token_urlsafe(60)}"
    sask = secrets.token_urlsafe(60)
    credentials.create_account(
        system, client_id, client_secret, secret2=sask, name=tenant,
        tenant=tenant, saak=saak, app_name=app_name, **settings,
    )
    iu = base_url(system, site_url)
    return {
        "ti": tenant, "cn": app_name, "dt": "12", "ci": client_id, "cs": client_secret, "iu": iu,
        "pu": f"{iu}/{tenant}/as/", "oa": "authorization.oauth2", "ot": "token.oauth2", "or": "revoke_token.oauth2",
        "ev": "S0000000001", "v": "1.0", "saak": saak, "sask": sask,
    }


# --- token endpoint ------------------------------------------------------------------------

def _client(request, system, tenant):
    """The app named by client_id/client_secret (form fields or HTTP Basic), in this tenant."""
    client_id, client_secret = request.POST.get("client_id", ""), request.POST.get("client_secret", "")
    header = request.headers.get("Authorization", "")
    if not client_id and header.lower().startswith("basic "):
        try:
            client_id, _, client_secret = base64.b64decode(header[6:].strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
    account = credentials.find_account(system, client_id, client_secret)
    if account is None or account.settings.get("tenant") != tenant:
        return None
    return account


def _quota_exceeded(account):
    """Seconds to wait if one more service-account login would break the quota, else None."""
    quota = {**LOGIN_QUOTA, **(account.settings.get("login_quota") or {})}
    now = clock.now()
    logins = IssuedToken.objects.filter(account=account, kind=IssuedToken.Kind.ACCESS, data__grant="password")
    for window, limit in ((60, quota["per_minute"]), (86400, quota["per_day"])):
        since = now - timedelta(seconds=window)
        recent = list(logins.filter(issued_at__gt=since).order_by("issued_at").values_list("issued_at", flat=True))
        if len(recent) >= limit:
            oldest = recent[len(recent) - limit]
            return max(1, math.ceil((oldest + timedelta(seconds=window) - now).total_seconds()))
    return None


def _grant(account, grant):
    lifetime = account.settings.get("token_lifetime", TOKEN_LIFETIME)
    body = {
        "access_token": credentials.issue(account, IssuedToken.Kind.ACCESS, lifetime, prefix="eyJhbGciOi",
                                          data={"grant": grant}),
        "token_type": "Bearer",
        "expires_in": lifetime,
    }
    if account.settings.get("issue_refresh_tokens"):
        body["refresh_token"] = credentials.issue(
            account, IssuedToken.Kind.REFRESH, account.settings.get("refresh_token_lifetime", 0)
        )
    return JsonResponse(body)


def _password(request, account):
    if request.POST.get("username", "") != account.settings.get("saak") or not credentials.check_secret2(
        account, request.POST.get("password", "")
    ):
        return shapes.oauth_error(400, "invalid_grant", "The service account credentials (saak/sask) are invalid")
    wait = _quota_exceeded(account)
    if wait is not None:
        return shapes.oauth_error(
            429, "temporarily_unavailable",
            "Service account authentication quota exceeded (20 per minute, 1,000 per day)",
            headers={"Retry-After": str(wait)},
        )
    return _grant(account, "password")


def _refresh(request, account):
    issued = credentials.lookup(request.POST.get("refresh_token", ""), IssuedToken.Kind.REFRESH)
    now = clock.now()
    if (issued is None or issued.account_id != account.pk or issued.revoked or issued.used_at
            or (issued.expires_at and issued.expires_at <= now)):
        return shapes.oauth_error(400, "invalid_grant", "The refresh token is invalid, expired or already used")
    IssuedToken.objects.filter(pk=issued.pk).update(used_at=now)  # rolling: each refresh token works once
    return _grant(account, "refresh_token")


def token_view(system):
    @csrf_exempt
    @require_http_methods(["POST"])
    def token(request, tenant):
        account = _client(request, system, tenant)
        if account is None:
            return shapes.oauth_error(401, "invalid_client", "Invalid client or client credentials")
        grant_type = request.POST.get("grant_type", "")
        if grant_type == "password":
            return _password(request, account)
        if grant_type == "refresh_token" and account.settings.get("issue_refresh_tokens"):
            return _refresh(request, account)
        return shapes.oauth_error(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not allowed for this client")

    return token


def revoke_view(system):
    """POST pu + or: revoke an access or refresh token (client credentials as Basic)."""

    @csrf_exempt
    @require_http_methods(["POST"])
    def revoke(request, tenant):
        account = _client(request, system, tenant)
        if account is None:
            return shapes.oauth_error(401, "invalid_client", "Invalid client or client credentials")
        presented = request.POST.get("token", "")
        IssuedToken.objects.filter(account=account, token_hash=credentials.digest(presented)).update(revoked=True)
        return HttpResponse(status=200)  # RFC 7009: 200 whether or not the token was known

    return revoke


# --- API authentication --------------------------------------------------------------------

def authenticate(request, system, tenant):
    """(account, None) for a valid Bearer token of an app in `tenant`, else (None, 401 response)."""
    account = credentials.valid_access(credentials.bearer(request), system)
    if account is None or account.settings.get("tenant") != tenant:
        return None, shapes.infor_error(401, "Unauthorized: the access token is missing, invalid or expired",
                                        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return account, None


def ion_api(system):
    """Decorate a view(request, account, tenant, ...) served under /sandbox/<system>/<TENANT>/."""

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, tenant, *args, **kwargs):
            account, error = authenticate(request, system, tenant)
            if error is not None:
                return error
            return view(request, account, tenant, *args, **kwargs)

        return wrapper

    return decorator


def download_view(system):
    @require_http_methods(["GET"])
    def download(request, name):
        site = request.build_absolute_uri("/")
        data = create_app(system, site, tenant_for(name))
        response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}.ionapi"'
        response["Cache-Control"] = "no-store"  # it carries secrets
        return response

    return download


def provision(system, name, site_url, *, config, account_settings):
    """An app in tenant `tenant_for(name)` and a Connection made by reading its `.ionapi` file, the way
    a user does it in the admin.

    Idempotent (`manage.py demo` runs it every time): when the connection's app still exists at this
    site, the app's settings and the connection's config are updated in place and the file is
    rebuilt from the connection's own secrets; otherwise a new app is created. The file's text is
    kept on the returned instance as `ionapi_file` (the sandbox stores only hashes of the secrets).
    """
    from django.conf import settings as django_settings

    from connectors.ionapi import read_ionapi
    from connectors.models import Connection
    from sandbox import provision as sandbox_provision

    site_url = site_url or django_settings.SITE_URL
    existing = Connection.objects.filter(name=name, system=system).first()
    if existing is not None and still_provisioned(existing, system, site_url):
        ionapi = {**existing.config["ionapi"], **existing.get_secrets()}
        account = credentials.find_account(system, ionapi["ci"])
        kept = {k: account.settings[k] for k in ("tenant", "saak", "app_name") if k in account.settings}
        account.settings = {**kept, **account_settings}
        account.save(update_fields=["settings"])
    else:
        ionapi = create_app(system, site_url, tenant_for(name), **account_settings)
    text = json.dumps(ionapi, indent=2)
    updates, file_secrets = read_ionapi(text)
    connection = sandbox_provision.connection(name, system, config={**updates, **config}, secrets=file_secrets)
    connection.ionapi_file = text
    return connection


def still_provisioned(connection, system, site_url):
    """True when a connection's app still exists in the emulator at this site."""
    from django.conf import settings as django_settings

    try:
        ionapi = connection.typed_config.ionapi
    except ValueError:
        return False
    return bool(credentials.find_account(system, ionapi.ci)) and ionapi.iu == base_url(
        system, site_url or django_settings.SITE_URL)
