"""Infor CloudSuite FSM sandbox tenants and connections for the demo and the tests.

Provisioned the way a user sets one up: the emulator's API Gateway hands out an `.ionapi` file and
the Connection is made by reading it with connectors.ionapi.read_ionapi (see sandbox.ion.provision).
"""

from connectors.models import Connection
from sandbox import catalog, ion
from sandbox.infor_cloudsuite.views import SYSTEM

DEMO_NAME = "demo-cloudsuite"
# Overrides that configure the emulated tenant/app rather than the connection.
ACCOUNT_SETTINGS = ("token_lifetime", "issue_refresh_tokens", "refresh_token_lifetime", "login_quota", "open_years",
                    "closed_periods")


def provision_connection(name=DEMO_NAME, site_url=None, **overrides):
    settings = {k: overrides.pop(k) for k in ACCOUNT_SETTINGS if k in overrides}
    config = {"finance_enterprise_group": catalog.FINANCE_ENTERPRISE_GROUP,
              "accounting_entity": catalog.ACCOUNTING_ENTITY,
              # Order debits go to the demo receivable account; the demo GL rules name their units.
              "receivable_account": catalog.GL_ACCOUNTS["receivable"][0], "receivable_accounting_unit": "ECOM",
              **overrides}
    return ion.provision(SYSTEM, name, site_url, config=config, account_settings=settings)


def seed_demo(site_url=None):
    """Idempotent: keep a working demo connection; re-provision only when its app is gone or the site moved."""
    existing = Connection.objects.filter(name=DEMO_NAME, system=SYSTEM).first()
    if existing is not None and ion.still_provisioned(existing, SYSTEM, site_url):
        return existing
    return provision_connection(DEMO_NAME, site_url)
