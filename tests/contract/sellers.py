"""A Walmart seller in the emulator and our Connection to it, for tests that drive the real client."""

from connectors.walmart.client import WalmartClient
from sandbox import credentials
from sandbox.walmart.seed import provision_connection


def seller(sandbox_url, name="wm", **account_settings):
    """(WalmartClient, sandbox Account) for a new seller with the given account settings."""
    conn = provision_connection(name, sandbox_url, **account_settings)
    account = credentials.find_account("walmart", conn.typed_config.client_id)
    return WalmartClient(conn), account
