"""Exact Online sandbox accounts and connections for the demo and the tests.

provision_connection() also completes the OAuth consent without a browser, so the demo works
without clicking "Connect to Exact Online": the emulator issues an authorization code as if the
user had clicked Authorize, and the connector redeems it through its real code path (token call
over HTTP, tokens stored through the shared token cache, division read from current/Me). When the
web server is not up yet (`manage.py demo` runs before it starts) or we are inside a transaction
(an HTTP call to our own server would wait on our own lock), the emulator issues the tokens in-process
with the same function its token endpoint uses, and they are stored through the same cache path.
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from connectors.auth import Grant
from connectors.errors import RecoverableError
from connectors.exact_online.auth import store_grant
from connectors.exact_online.config import ExactOnlineConfig
from sandbox import credentials, provision
from sandbox.exact_online import oauth
from sandbox.exact_online.api import DEFAULT_DIVISION, SYSTEM

NAMESPACE = uuid.UUID("0d5b0a8e-3f43-4b8e-9a43-2f3c5d6e7f80")
DEMO_NAME = "demo-exact"


def _client_id(name):
    return str(uuid.uuid5(NAMESPACE, name))  # Exact's client ids are GUIDs


def provision_connection(name=DEMO_NAME, site_url=None, *, connect=True, **overrides):
    """An Exact app in the emulator and a Connection that uses it, consented unless connect=False.

    `overrides` that name an ExactOnlineConfig field go to the connection's config (e.g. read_timeout=1);
    the rest are emulator account settings (division, minutely_limit, token_lifetime, full_name ...).
    """
    site = (site_url or settings.SITE_URL).rstrip("/")
    client_id = overrides.pop("client_id", None) or _client_id(name)
    client_secret = overrides.pop("client_secret", None) or f"sandbox-secret-for-{name}-do-not-use-in-production"
    webhook_secret = overrides.pop("webhook_secret", None) or f"sandbox-webhook-secret-for-{name}"
    redirect_uri = site + reverse("connectors:callback")
    config = {"base_url": provision.sandbox_base(SYSTEM, site), "client_id": client_id, "redirect_uri": redirect_uri,
              "default_warehouse": "DAL", "shipping_item": "SHIPPING", "tax_item": "SALESTAX"}
    config.update({k: overrides.pop(k) for k in list(overrides) if k in ExactOnlineConfig.model_fields})
    account_settings = {"division": DEFAULT_DIVISION, "full_name": "Demo Accountant",
                        "redirect_uris": [redirect_uri], "default_warehouse": "DAL", **overrides}
    credentials.create_account(SYSTEM, client_id, client_secret, signing_secret=webhook_secret, name=name,
                               **account_settings)
    connection = provision.connection(
        name, SYSTEM, config=config, secrets={"client_secret": client_secret, "webhook_secret": webhook_secret},
    )
    if connect and not (connection.refresh_token and connection.auth_state == connection.AuthState.OK):
        consent(connection)
    return connection


def consent(connection):
    """Complete the authorization-code flow for `connection` without a browser; returns a summary line."""
    cfg = connection.typed_config
    account = credentials.find_account(SYSTEM, cfg.client_id)
    if not transaction.get_connection().in_atomic_block:
        try:
            code = oauth.issue_code(account, cfg.redirect_uri)
            return connection.spec.auth.complete_authorization(connection, code=code, redirect_uri=cfg.redirect_uri)
        except RecoverableError:
            pass  # the web server is not running yet: consent in-process below
    tokens = oauth.issue_tokens(account)
    store_grant(connection, lambda: Grant(access_token=tokens["access_token"], expires_in=float(tokens["expires_in"]),
                                          refresh_token=tokens["refresh_token"]))
    if not cfg.division:
        connection.config = {**connection.config, "division": int(account.settings.get("division", DEFAULT_DIVISION))}
        connection.save(update_fields=["config", "updated_at"])
    return f"Connected to the Exact Online sandbox in-process; division {connection.typed_config.division}"


def seed_demo():
    """The demo division's data. Items, warehouses and stock, G/L accounts, cost centers and the Walmart
    customer come from sandbox.catalog and are not stored; this makes sure the demo app exists."""
    if credentials.find_account(SYSTEM, _client_id(DEMO_NAME)) is None:
        provision_connection(DEMO_NAME, connect=False)
