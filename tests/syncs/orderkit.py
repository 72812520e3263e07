"""Test kit for orders: Walmart-shaped order JSON, and a stateful ERP double for the posting machine.

`ScriptedErp` is an in-memory ERP behind the ErpAdapter contract: documents keyed by reference,
stock per (item, warehouse), and a script of what the next create does (fail recoverably, refuse,
commit then lose the answer, lose the request). The sandbox emulators test the real adapters; this
double lets the machine's every branch be driven deterministically.
"""

from collections import deque
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from connectors.contract import ErpAdapter, ErpDocument, StockLevel
from connectors.errors import AmbiguousOutcome, PermanentError, RecoverableError
from syncs.orders.normalise import store


def ms(moment):
    return int(moment.timestamp() * 1000)


def walmart_order(po, lines, *, ship_node="721407", node_type="SellerFulfilled", ordered=None, state="TX",
                  address1="100 Main St", ship_in_days=1):
    """lines: [(sku, quantity, unit price, tax, shipping)] → an order as GET /v3/orders/{po} returns it."""
    ordered = ordered or timezone.now() - timedelta(minutes=5)
    order_lines, total = [], Decimal("0")
    for number, (sku, quantity, price, tax, shipping) in enumerate(lines, start=1):
        product = Decimal(str(price)) * quantity
        charges = [{"chargeType": "PRODUCT", "chargeName": "ItemPrice",
                    "chargeAmount": {"currency": "USD", "amount": float(product)},
                    "tax": {"taxName": "Tax1", "taxAmount": {"currency": "USD", "amount": float(tax)}}}]
        total += product + Decimal(str(tax))
        if shipping:
            charges.append({"chargeType": "SHIPPING", "chargeName": "Shipping",
                            "chargeAmount": {"currency": "USD", "amount": float(shipping)}})
            total += Decimal(str(shipping))
        order_lines.append({
            "lineNumber": str(number), "item": {"productName": f"Product {sku}", "sku": sku},
            "charges": {"charge": charges},
            "orderLineQuantity": {"unitOfMeasurement": "EACH", "amount": str(quantity)},
            "statusDate": ms(ordered),
            "orderLineStatuses": {"orderLineStatus": [
                {"status": "Created", "statusQuantity": {"unitOfMeasurement": "EACH", "amount": str(quantity)}}]},
            "fulfillment": {"fulfillmentOption": "S2H", "shipMethod": "STANDARD", "pickUpDateTime": ms(ordered)},
        })
    return {
        "purchaseOrderId": str(po), "customerOrderId": f"C{po}", "customerEmailId": "ABC@relay.walmart.com",
        "orderType": "REGULAR", "orderDate": ms(ordered),
        "shippingInfo": {
            "phone": "2025550100", "methodCode": "Standard",
            "estimatedShipDate": ms(ordered + timedelta(days=ship_in_days)),
            "estimatedDeliveryDate": ms(ordered + timedelta(days=ship_in_days + 3)),
            "postalAddress": {"name": "Jane Doe", "address1": address1, "city": "Dallas", "state": state,
                              "postalCode": "75001", "country": "USA", "addressType": "RESIDENTIAL"},
        },
        "orderLines": {"orderLine": order_lines},
        "orderSummary": {"totalAmount": {"currencyAmount": float(total), "currencyUnit": "USD"}},
        "shipNode": {"type": node_type, "name": "Dallas DC", "id": ship_node},
    }


def add_order(integration, po, lines, **kwargs):
    order, _ = store(integration, walmart_order(po, lines, **kwargs))
    return order


class ScriptedErp(ErpAdapter):
    """An in-memory ERP. `script` holds what the next post_order calls do: "ok", "recoverable",
    "permanent", ("permanent", code), "commit_then_drop" (creates, then raises AmbiguousOutcome),
    "drop" (raises AmbiguousOutcome without creating), "half" (creates an incomplete document)."""

    capabilities = frozenset({"orders_in"})

    def __init__(self, connection=None, stock=None):
        self.connection = connection
        self.documents = {}
        self.stock = {key: Decimal(v) for key, v in (stock or {}).items()}
        self.script = deque()
        self.posts = []
        self.lookups = 0
        self.lookup_error = None

    def ping(self):
        raise AssertionError("not used")

    def _create(self, posting, complete=True):
        number = f"DOC{len(self.documents) + 1:04d}"
        self.documents[posting.reference] = ErpDocument(posting.reference, number, "sales_order",
                                                        {"lines": len(posting.lines)}, complete)
        return self.documents[posting.reference]

    def post_order(self, posting, existing=None):
        self.posts.append((posting, existing))
        step = self.script.popleft() if self.script else "ok"
        code = None
        if isinstance(step, tuple):
            step, code = step
        if step == "recoverable":
            raise RecoverableError("503 Service Unavailable", status=503)
        if step == "permanent":
            raise PermanentError(f"ERP says no ({code or 'data'})", status=400, vendor_code=code)
        if step == "drop":
            raise AmbiguousOutcome("connection reset after sending")
        if step == "half":
            self._create(posting, complete=False)
            raise AmbiguousOutcome("connection reset after the header")
        if existing is not None:
            document = self.documents[posting.reference]
            self.documents[posting.reference] = ErpDocument(document.reference, document.number, document.kind,
                                                            document.data, True)
            return self.documents[posting.reference]
        assert posting.reference not in self.documents, f"double post of {posting.reference}"
        document = self._create(posting)
        if step == "commit_then_drop":
            raise AmbiguousOutcome("read timed out after sending")
        return document

    def find_document(self, reference):
        self.lookups += 1
        if self.lookup_error is not None:
            raise self.lookup_error
        return self.documents.get(reference)

    def stock_levels(self, items, warehouse):
        return [StockLevel(item, warehouse, self.stock.get((item, warehouse), Decimal("0"))) for item in items]


def demo_integration(system, site_url, **settings):
    """One ERP's demo set-up only (cheaper than `manage.py demo`): the emulator's demo connection and
    data, a Walmart seller, an integration with the demo mapping files. Returns (integration, walmart account)."""
    import inspect

    from mappings import demo as mapping_demo
    from sandbox import credentials
    from sandbox.management.commands.demo import DEMO_CONNECTIONS, seed_function
    from sandbox.walmart.seed import provision_connection as provision_walmart
    from syncs.models import Integration

    name = dict(DEMO_CONNECTIONS)[system]
    walmart = provision_walmart("demo-walmart", site_url)
    erp = seed_function(system, "provision_connection")(name, site_url=site_url)
    seed = seed_function(system, "seed_demo")
    seed(**({"site_url": site_url} if "site_url" in inspect.signature(seed).parameters else {}))
    integration = Integration.objects.create(slug=name, name=name, walmart=walmart, erp=erp,
                                             enabled_flows=["orders_in"], **settings)
    mapping_demo.seed(integration)
    return integration, credentials.find_account("walmart", walmart.typed_config.client_id)
