"""Exact Online authorization: the authorization-code flow and single-use rotating refresh tokens.

Exact's rules (reference/erp-apis.md §E.2, §E.3):
- Access tokens live 600 s. A refresh earlier than 9.5 minutes into a token is refused with 400
  `access_denied` "Rate limit exceeded: access_token not expired" (header Reason: TooEarlyToRefreshTokens).
- Every refresh returns a new refresh token and kills the old one; presenting the old one again gives
  401 "Old refresh token used." and only a new interactive consent helps. An unused refresh token
  dies after ~30 days.

So: refresh 30 s before expiry and never earlier (margin capped at 30 s by the config), exactly once
across all processes (the shared cache in connectors.auth), store the rotated refresh token in the
same UPDATE that releases the lease, keep idle connections alive, and turn a dead refresh token into
ConsentLost (auth_state consent_lost: the admin shows "Connect to Exact Online").

A 401 on a token younger than 9.5 minutes. connectors.http answers any 401 with one
refresh-and-retry, but a young token cannot be refreshed (Exact refuses) unless Exact itself has
invalidated it, and a refresh that is refused must not be what kills the connection. So we look at
what the 401 says:
- It says the token is invalid (`WWW-Authenticate: Bearer error="invalid_token"`: revoked, or the
  consent was withdrawn): we refresh; Exact allows an early refresh of a revoked token. Should Exact
  still answer "too early", the token server vouches for the token and the 401 was about something
  else: ConfigError, refresh token intact (Exact does not consume a refresh token it refuses).
- It does not (the token is fine, the call is not allowed: a scope the app lacks, a division the
  user cannot see): no token call at all; ConfigError with Exact's message, refresh token intact.
Either way a wrong guess heals itself: 9.5 minutes into the token the next 401 refreshes normally.
If the consent itself is gone, the refresh is refused as a dead refresh token: consent_lost.
"""

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from pydantic import ValidationError

from connectors import clock, redact
from connectors.auth import Grant, TokenAuth, ensure_token, parse_grant
from connectors.errors import ConfigError, ConnectorError, ConsentLost, RecoverableError
from connectors.models import Connection

logger = logging.getLogger(__name__)

# How long to keep using a token after Exact refused its refresh as too early. Exact's refusal proves
# the token has more than 30 s left on Exact's clock, so using it 10 s longer is safe.
TOO_EARLY_DEFER = 10.0

RECONNECT = "Exact Online consent lost: reconnect with 'Connect to Exact Online'"


def token_url(connection):
    # Reference: https://support.exactonline.com/community/s/knowledge-base#All-All-DNO-Task-oauth-eol-oauth-devstep3
    return connection.typed_config.api_base() + "/oauth2/token"


def _is_too_early(exc):
    return exc.status == 400 and exc.vendor_code == "access_denied" and "not expired" in exc.message.lower()


def _is_dead_refresh_token(exc):
    text = exc.message.lower()
    return exc.status in (400, 401) and (
        exc.vendor_code == "invalid_grant" or "old refresh token" in text or ("refresh token" in text and "expired" in text)
    )


@dataclass(frozen=True)
class Refusal:
    """What a 401 from the API said: whether the token itself is invalid, and Exact's message."""

    token_invalid: bool
    message: str


def _refusal(response):
    from connectors import http

    challenge = response.headers.get("WWW-Authenticate", "")
    return Refusal(token_invalid="invalid_token" in challenge, message=http.vendor_error(response)[1])


class ExactAuth(TokenAuth):
    refresh_margin = 30

    def __init__(self):
        # connectors.http calls is_auth_failure(response) then invalidate(connection, token) in the same
        # thread; this carries the response between the two (the strategy is shared by all threads).
        self._last_401 = threading.local()

    def is_auth_failure(self, response):
        if response.status_code != 401:
            return False
        self._last_401.response = response
        return True

    def invalidate(self, connection, token):
        super().invalidate(connection, token)
        response, self._last_401.response = getattr(self._last_401, "response", None), None
        connection._refusal = _refusal(response) if response is not None else None

    # --- the interactive authorization-code flow (connectors.views) ---------------------------

    def authorization_url(self, connection, *, redirect_uri, state):
        """Where to send the user's browser to consent.

        # Reference: https://start.exactonline.nl/docs/HlpRestAPIResourcesDetails.aspx (GET /api/oauth2/auth)
        """
        query = urlencode({
            "client_id": connection.typed_config.client_id, "redirect_uri": redirect_uri,
            "response_type": "code", "state": state,
        })
        return f"{connection.typed_config.api_base()}/oauth2/auth?{query}"

    def complete_authorization(self, connection, *, code, redirect_uri):
        """Exchange the code, store the tokens through the shared cache, fill the division. Returns a summary line."""
        from connectors.exact_online.client import ExactClient

        store_grant(connection, lambda: self._exchange_code(connection, code, redirect_uri))
        me = ExactClient(connection).me()
        if not connection.typed_config.division:
            connection.config = {**connection.config, "division": me.current_division}
            connection.save(update_fields=["config", "updated_at"])
        return (f"Connected to Exact Online as {me.full_name or 'the consenting user'}; "
                f"division {connection.typed_config.division}")

    def _exchange_code(self, connection, code, redirect_uri):
        from connectors import http

        cfg = connection.typed_config
        response = http.token_request(connection, token_url(connection), data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": cfg.client_id, "client_secret": self._secret(connection),
        })
        grant = parse_grant(connection, response)
        if not grant.refresh_token:
            raise ConfigError(f"{connection.name}: Exact Online answered the authorization without a refresh token")
        return grant

    # --- refresh -------------------------------------------------------------------------------

    def _secret(self, connection):
        secret = connection.secret("client_secret")
        if not connection.typed_config.client_id or not secret:
            raise ConfigError(f"{connection.name}: the Exact Online client id and client secret are required")
        return secret

    def grant(self, connection):
        """Refresh with the rotating refresh token (called holding the lease, after a re-read)."""
        from connectors import http

        secret = self._secret(connection)
        if not connection.refresh_token:
            raise ConsentLost(f"{connection.name}: not authorized yet: connect to Exact Online first")
        refusal = getattr(connection, "_refusal", None)
        if self._stale_and_young(connection) and refusal is not None and not refusal.token_invalid:
            connection._refusal = None
            raise self._refused_although_valid(connection, f"Exact said: {refusal.message}")
        try:
            response = http.token_request(connection, token_url(connection), data={
                "grant_type": "refresh_token", "refresh_token": connection.refresh_token,
                "client_id": connection.typed_config.client_id, "client_secret": secret,
            })
        except ConfigError as exc:
            if _is_too_early(exc):
                return self._keep_current(connection)
            if _is_dead_refresh_token(exc):
                # The refresh token is dead for good; forget it so no worker keeps presenting it.
                Connection.objects.filter(pk=connection.pk).update(access_token="", token_expires_at=None, refresh_token="")
                raise ConsentLost(f"{connection.name}: {RECONNECT} ({exc.message})") from None
            raise
        return parse_grant(connection, response)

    def _stale_and_young(self, connection):
        """After a 401: is the refused token still too young for Exact to allow a refresh?"""
        stale = connection.access_token and connection.access_token == getattr(connection, "_stale_token", None)
        return bool(stale and connection.token_expires_at
                    and (connection.token_expires_at - clock.now()).total_seconds() > self.margin(connection))

    def _refused_although_valid(self, connection, why):
        age = (clock.now() - connection.token_obtained_at).total_seconds() if connection.token_obtained_at else None
        return ConfigError(redact.redact_values(
            f"{connection.name}: Exact Online refused an access token that is still valid"
            + (f" (obtained {age:.0f} s ago)" if age is not None else "")
            + f"; {why}. The token is not the problem: the app may lack the scope for this call, or the connected "
            f"user may have no access to division {connection.typed_config.division}. The refresh token was kept.",
            connection.secret_values()))

    def _keep_current(self, connection):
        """Exact refused the refresh as too early: it still considers the current token valid."""
        now = clock.now()
        stale = connection.access_token and connection.access_token == getattr(connection, "_stale_token", None)
        if stale:
            raise self._refused_although_valid(connection, "Exact's token server says it has not expired")
        if connection.access_token and connection.token_expires_at and connection.token_expires_at > now:
            logger.info("%s: Exact refused the refresh as too early (clocks differ); keeping the current token", connection.name)
            return Grant(access_token=connection.access_token, expires_in=self.margin(connection) + TOO_EARLY_DEFER)
        raise RecoverableError(
            f"{connection.name}: Exact Online refused the token refresh as too early although our token has expired "
            "(the clocks differ); retrying shortly", retry_after=TOO_EARLY_DEFER,
        )

    def keep_alive(self, connection):
        """Refresh an idle connection whose refresh token is older than `keep_alive_days`. True if refreshed.

        Never raises: connectors.tasks.keep_tokens_alive walks every connection.
        """
        if not connection.refresh_token or not connection.refresh_token_obtained_at:
            return False
        try:
            days = connection.typed_config.keep_alive_days
        except ValidationError as exc:
            logger.warning("%s: keep-alive skipped, the configuration is not valid: %s", connection.name, exc)
            return False
        if clock.now() - connection.refresh_token_obtained_at < timedelta(days=days):
            return False
        before = connection.token_fetches
        try:
            ensure_token(connection, self)
        except ConnectorError as exc:
            logger.warning("%s: keep-alive refresh failed: %s", connection.name, exc)
            return False
        return connection.token_fetches > before


def store_grant(connection, obtain):
    """Store the grant `obtain()` returns (a code exchange) through the shared token cache; returns the access token.

    The same path as every refresh: the lease, then the store of access and refresh token in the
    UPDATE that releases it. Holding the lease matters on a reconnect: no worker refreshes with the
    old refresh token meanwhile.
    """
    return ensure_token(connection, _CodeExchange(obtain))


class _CodeExchange(TokenAuth):
    """A one-shot strategy for store_grant: never fresh, so ensure_token takes the lease and stores the grant."""

    def __init__(self, obtain):
        self.obtain = obtain

    def is_fresh(self, connection, now):
        return False  # always take the lease and store the new grant

    def grant(self, connection):
        try:
            return self.obtain()
        except ConfigError as exc:
            # A refused code (expired, used, wrong redirect URI) says nothing about the tokens we already
            # hold: keep the connection's auth state as it is.
            exc.auth_state = connection.auth_state
            raise
