"""Infor M3 sandbox tenants and connections for the demo and the tests.

A connection is provisioned the way a user sets one up: the emulator's API Gateway creates an app
with a service account and hands out its `.ionapi` file; the Connection is then made by reading that
file with connectors.ionapi.read_ionapi, exactly what the admin's upload does.
"""

from connectors.models import Connection
from sandbox import catalog, ion
from sandbox.infor_m3 import data, itemdata, mi

SYSTEM = mi.SYSTEM
DEMO_NAME = "demo-m3"
# Overrides that configure the emulated tenant/app rather than the connection.
ACCOUNT_SETTINGS = ("token_lifetime", "issue_refresh_tokens", "refresh_token_lifetime", "login_quota",
                    "companies", "user_cono", "user_divi", "search_available")


def provision_connection(name=DEMO_NAME, site_url=None, **overrides):
    """A tenant + app in the emulator and a Connection made from its `.ionapi` file (see ion.provision)."""
    settings = {k: overrides.pop(k) for k in ACCOUNT_SETTINGS if k in overrides}
    settings.setdefault("cono", overrides.get("cono", mi.DEFAULT_CONO))
    settings.setdefault("divi", overrides.get("divi", mi.DEFAULT_DIVI))
    config = {
        "cono": mi.DEFAULT_CONO, "divi": mi.DEFAULT_DIVI, "order_type": data.DEFAULT_ORDER_TYPE,
        "facility": data.DEFAULT_FACILITY, "warehouse": catalog.SHIP_NODES[0].warehouse,
        "customer": catalog.CUSTOMER_NO, "customer_template": next(iter(data.CUSTOMER_TEMPLATES)),
        "price_list": data.PRICE_LIST, "price_list_from": data.PRICE_LIST_FROM,  # prices_out works on a fresh demo
        "image_url_fields": list(itemdata.IMAGE_FIELDS),  # where this emulator keeps item images (items_out)
        **overrides,
    }
    return ion.provision(SYSTEM, name, site_url, config=config, account_settings=settings)


def seed_demo(site_url=None):
    """Idempotent: the demo connection (kept when it still works) and its tenant's base data."""
    existing = Connection.objects.filter(name=DEMO_NAME, system=SYSTEM).first()
    connection = existing if existing is not None and ion.still_provisioned(existing, SYSTEM, site_url) else (
        provision_connection(DEMO_NAME, site_url))
    config = connection.typed_config
    data.ensure_tenant(mi.Ctx(tenant=config.ionapi.ti, account=None, cono=config.cono, divi=config.divi))
    return connection
