"""Token strategies and the shared token cache (DESIGN §3 "Tokens").

A strategy knows how to obtain a grant from its vendor and how to put a token on a request.
The cache logic is here once for every system:

1. Read the cached token; if it is fresh (expires later than the strategy's margin), use it.
2. Otherwise take the connection's refresh lease: a conditional UPDATE committed before any vendor
   call, so exactly one process across all machines refreshes.
3. After taking the lease, re-read the token: another process may have refreshed meanwhile.
4. Refresh only if still needed, and store the new token (and a rotated refresh token) in the same
   UPDATE that releases the lease.

Processes that lose the race wait for the lease holder and use the token it stored.
"""

import base64
import logging
from abc import ABC, abstractmethod
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F, Q

from connectors import clock
from connectors.errors import ConfigError, RecoverableError
from connectors.models import Connection

logger = logging.getLogger(__name__)

LEASE_SECONDS = 60  # longer than any token call may take (HTTP timeouts are shorter)
WAIT_SECONDS = 45  # how long a process waits for another's refresh


@dataclass
class Grant:
    access_token: str
    expires_in: float
    refresh_token: str | None = None  # a new (rotated) refresh token, if the vendor sent one


TOKEN_FIELDS = [
    "access_token", "token_expires_at", "token_obtained_at", "refresh_token", "refresh_token_obtained_at",
    "token_lease_until", "token_lease_owner", "auth_state", "auth_message", "token_fetches",
]


class AuthStrategy(ABC):
    """Puts credentials on a request. Subclasses: BasicAuth, TokenAuth and its grants."""

    @abstractmethod
    def authorize(self, connection, headers):
        """Add credentials to `headers`; return the token used (None if no token)."""

    def is_auth_failure(self, response):
        return response.status_code == 401

    def invalidate(self, connection, token):
        """Called once after an auth failure; the next authorize() must not reuse `token`."""


class NoAuth(AuthStrategy):
    def authorize(self, connection, headers):
        return None


class BasicAuth(AuthStrategy):
    """HTTP Basic with a user name from config and a password from secrets."""

    def __init__(self, user_field="username", secret_field="password"):
        self.user_field = user_field
        self.secret_field = secret_field

    def authorize(self, connection, headers):
        user = getattr(connection.typed_config, self.user_field)
        password = connection.secret(self.secret_field)
        if not user or not password:
            raise ConfigError(f"{connection.name}: user name and password are required for Basic authentication")
        headers["Authorization"] = basic_header(user, password)
        return None


class TokenAuth(AuthStrategy):
    """Bearer tokens cached per connection in the database and shared by all workers."""

    # Refresh this many seconds before expiry (a config field `token_refresh_margin` overrides it).
    refresh_margin = 60
    header = "Authorization"
    scheme = "Bearer"

    @abstractmethod
    def grant(self, connection):
        """Obtain a new grant from the vendor (network). Raise typed errors only."""

    def margin(self, connection):
        value = getattr(connection.typed_config, "token_refresh_margin", None)
        return self.refresh_margin if value is None else value

    def apply(self, headers, token):
        headers[self.header] = f"{self.scheme} {token}" if self.scheme else token

    def is_fresh(self, connection, now):
        if not connection.access_token or not connection.token_expires_at:
            return False
        return connection.token_expires_at - timedelta(seconds=self.margin(connection)) > now

    def authorize(self, connection, headers):
        token = ensure_token(connection, self)
        self.apply(headers, token)
        return token

    def invalidate(self, connection, token):
        connection._stale_token = token


def _reload(connection):
    connection.refresh_from_db(fields=TOKEN_FIELDS)


def _usable(connection, strategy, stale):
    return strategy.is_fresh(connection, clock.now()) and connection.access_token != stale


def ensure_token(connection, strategy):
    """Return a fresh access token for `connection`, refreshing it at most once across all processes."""
    stale = getattr(connection, "_stale_token", None)
    if connection.access_token and _usable(connection, strategy, stale):
        return connection.access_token
    _reload(connection)
    if _usable(connection, strategy, stale):
        return connection.access_token

    owner = uuid.uuid4().hex
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        now = clock.now()
        claimed = Connection.objects.filter(pk=connection.pk).filter(
            Q(token_lease_until__isnull=True) | Q(token_lease_until__lt=now)
        ).update(token_lease_until=now + timedelta(seconds=LEASE_SECONDS), token_lease_owner=owner)
        if claimed:
            break
        time.sleep(0.05)
        _reload(connection)
        if _usable(connection, strategy, stale):
            return connection.access_token
        if time.monotonic() > deadline:
            raise RecoverableError(f"{connection.name}: another process is still refreshing the token")

    try:
        _reload(connection)  # re-read after taking the lease
        if _usable(connection, strategy, stale):
            return connection.access_token
        grant = strategy.grant(connection)
    except ConfigError as exc:
        _release(connection, owner, auth_state=_failed_state(exc), auth_message=str(exc)[:500])
        raise
    except BaseException:
        _release(connection, owner)
        raise
    _store(connection, owner, grant)
    connection._stale_token = None
    return connection.access_token


def _failed_state(exc):
    return getattr(exc, "auth_state", Connection.AuthState.BROKEN)


def _release(connection, owner, **changes):
    Connection.objects.filter(pk=connection.pk, token_lease_owner=owner).update(
        token_lease_until=None, token_lease_owner="", **changes
    )
    _reload(connection)


def _store(connection, owner, grant):
    now = clock.now()
    changes = {
        "access_token": grant.access_token,
        "token_expires_at": now + timedelta(seconds=float(grant.expires_in)),
        "token_obtained_at": now,
        "token_lease_until": None,
        "token_lease_owner": "",
        "auth_state": Connection.AuthState.OK,
        "auth_message": "",
        "token_fetches": F("token_fetches") + 1,
    }
    if grant.refresh_token:
        changes["refresh_token"] = grant.refresh_token
        changes["refresh_token_obtained_at"] = now
    updated = Connection.objects.filter(pk=connection.pk, token_lease_owner=owner).update(**changes)
    if not updated:
        # Our lease expired while the vendor answered (it should not: timeouts are shorter than the lease).
        # Store anyway: a rotated refresh token must never be lost.
        logger.warning("%s: token lease lost during refresh; storing the new token anyway", connection.name)
        Connection.objects.filter(pk=connection.pk).update(**changes)
    _reload(connection)


def forget_token(connection):
    """Drop the cached access token (e.g. after credentials changed)."""
    Connection.objects.filter(pk=connection.pk).update(access_token="", token_expires_at=None)
    _reload(connection)


def basic_header(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def parse_grant(connection, response):
    """Read an OAuth2 token response; `expires_in` may be a number or a string (Exact sends "600")."""
    try:
        body = response.json()
        return Grant(
            access_token=body["access_token"],
            expires_in=float(body.get("expires_in") or 0) or 300.0,
            refresh_token=body.get("refresh_token") or None,
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{connection.name}: the token endpoint answered without a usable access_token") from exc


class ClientCredentialsGrant(TokenAuth):
    """OAuth2 client credentials (Walmart, IFS Cloud, PeopleSoft OAuth2).

    token_url(config) -> URL; credentials go as HTTP Basic (`send="basic"`, Walmart) or in the form
    body (`send="form"`, Keycloak/IFS). `extra_headers(config)` adds vendor headers to the token call.
    """

    def __init__(self, *, token_url, send="form", client_id_field="client_id", secret_field="client_secret",
                 scope_field=None, extra_headers=None, auth_failure=None, refresh_margin=60):
        self.token_url = token_url
        self.send = send
        self.client_id_field = client_id_field
        self.secret_field = secret_field
        self.scope_field = scope_field
        self.extra_headers = extra_headers
        self.auth_failure = auth_failure
        self.refresh_margin = refresh_margin

    def is_auth_failure(self, response):
        if self.auth_failure is not None:
            return self.auth_failure(response)
        return response.status_code == 401

    def grant(self, connection):
        from connectors import http

        cfg = connection.typed_config
        client_id = getattr(cfg, self.client_id_field)
        secret = connection.secret(self.secret_field)
        if not client_id or not secret:
            raise ConfigError(f"{connection.name}: client id and client secret are required")
        data = {"grant_type": "client_credentials"}
        headers = {"Accept": "application/json"}
        if self.extra_headers:
            headers.update(self.extra_headers(cfg))
        if self.send == "basic":
            headers["Authorization"] = basic_header(client_id, secret)
        else:
            data.update(client_id=client_id, client_secret=secret)
        scope = getattr(cfg, self.scope_field, None) if self.scope_field else None
        if scope:
            data["scope"] = scope
        response = http.token_request(connection, self.token_url(cfg), data=data, headers=headers)
        return parse_grant(connection, response)


class PasswordGrant(TokenAuth):
    """OAuth2 resource-owner password grant with an Infor `.ionapi` service account.

    Infor limits service-account logins (20/min, 1,000/day), so the shared cache matters most here:
    one login per token lifetime for all workers; a refresh token, when the app issues one, is used
    instead of a new login.
    """

    refresh_margin = 120

    def grant(self, connection):
        from connectors import http

        cfg = connection.typed_config
        ion = cfg.ionapi
        secrets = connection.get_secrets()
        if not secrets.get("cs") or not secrets.get("sask"):
            raise ConfigError(f"{connection.name}: the .ionapi secrets (cs, sask) are missing; upload the file again")
        base = {"client_id": ion.ci, "client_secret": secrets["cs"]}
        url = ion.token_url()
        if connection.refresh_token:
            try:
                response = http.token_request(
                    connection, url, data={"grant_type": "refresh_token", "refresh_token": connection.refresh_token, **base}
                )
                return parse_grant(connection, response)
            except ConfigError:
                logger.info("%s: refresh token refused; logging in with the service account", connection.name)
        response = http.token_request(
            connection, url, data={"grant_type": "password", "username": ion.saak, "password": secrets["sask"], **base}
        )
        return parse_grant(connection, response)
