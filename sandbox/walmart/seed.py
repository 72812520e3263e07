"""Walmart sandbox accounts and connections for the demo and the tests."""

from sandbox import credentials, provision
from sandbox.walmart_listings.profile import PRODUCTION_FEED_THROTTLES

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


DEMO_NAME = "demo-walmart"
DEMO_ORDERS = 30
DEMO_SHIPPED = 6
DEMO_RETURNS = 3

# The demo seller's account settings: production-like feed throttles for every feed type
# (profile.PRODUCTION_FEED_THROTTLES: MP_INVENTORY 50/h 5 MB, PRICE_AND_PROMOTION 10/h 10 MB, MP_ITEM
# 10/h 25 MB...). The emulator's defaults are Walmart's *sandbox* limits (30/h, 2 KB inventory
# files), under which a full stock resend of the demo catalog would take more than an hour.
# seed_demo() writes them onto an existing account too, so re-running demo upgrades it.
DEMO_SETTINGS = {"feed_throttles": PRODUCTION_FEED_THROTTLES}


def seed_demo():
    """The demo seller: production-like feed throttles (DEMO_SETTINGS), its listings and stock, a
    first batch of orders, a few shipped and returned.

    Idempotent: listings are added only when missing, orders only when the account has none.
    """
    from connectors.models import Connection
    from sandbox import clock
    from sandbox.walmart import generator, lines, records
    from sandbox.walmart.models import Order
    from sandbox.walmart_listings.seed import seed_account

    connection = Connection.objects.filter(name=DEMO_NAME).first()
    if connection is None:
        return
    account = credentials.find_account(SYSTEM, connection.typed_config.client_id)
    settings = {**account.settings, **DEMO_SETTINGS}
    if settings != account.settings:
        account.settings = settings
        account.save(update_fields=["settings"])
    seed_account(account)
    if Order.objects.filter(account=account).exists():
        return
    generator.generate_orders(account, DEMO_ORDERS, seed=2026, deliver=False)
    now_ms = records.to_ms(clock.now())
    seller_fulfilled = Order.objects.filter(account=account, ship_node_type="SellerFulfilled").order_by("id")
    for number, order in enumerate(seller_fulfilled[:DEMO_SHIPPED], start=1):
        data = order.data
        lines.ship(data, {"orderShipment": {"orderLines": {"orderLine": [
            {"lineNumber": line["lineNumber"], "sellerOrderId": f"DEMO-{number}", "orderLineStatuses": {"orderLineStatus": [{
                "status": "Shipped",
                "statusQuantity": {"unitOfMeasurement": "EACH", "amount": line["orderLineQuantity"]["amount"]},
                "trackingInfo": {"shipDateTime": now_ms, "carrierName": {"carrier": "UPS"}, "methodCode": "Standard",
                                 "trackingNumber": f"1Z999AA1{number:010d}"}}]}}
            for line in lines.order_lines(data)]}}}, now_ms)
        records.update_order(order, data)
    generator.generate_returns(account, DEMO_RETURNS, seed=2026, deliver=False)
