"""Walmart sandbox accounts and connections for the demo and the tests."""

from sandbox import credentials, provision

SYSTEM = "walmart"


def provision_connection(name="demo-walmart", site_url=None, *, client_id=None, client_secret=None, **account_settings):
    """A Walmart seller account in the emulator and a Connection that uses it."""
    client_id = client_id or f"sandbox-{name}"
    client_secret = client_secret or f"sandbox-secret-for-{name}-do-not-use-in-production"
    credentials.create_account(SYSTEM, client_id, client_secret, name=name, **account_settings)
    return provision.connection(
        name, SYSTEM,
        config={"base_url": provision.sandbox_base(SYSTEM, site_url), "client_id": client_id},
        secrets={"client_secret": client_secret},
    )
