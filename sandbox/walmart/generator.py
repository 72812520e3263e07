"""Realistic demo orders and returns for a seller account, built from the shared catalog.

Orders have 1-4 lines of catalog SKUs (now and then a SKU the ERPs do not know), PRODUCT and
SHIPPING charges with sales tax computed in Decimal, ship nodes including Walmart-fulfilled (WFS)
and an unmapped 3PL node, estimated ship and delivery dates, a relay e-mail and a fictitious
(555-01xx) phone number, and US shipping addresses. A seed makes a run reproducible.
"""

import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from sandbox import catalog, clock
from sandbox.walmart import events, lines, records, webhooks
from sandbox.walmart.models import Order, ReturnOrder
from sandbox.walmart.spec import money

CENT = Decimal("0.01")
# City, state, ZIP, sales tax rate (a plausible combined rate for the place).
PLACES = (
    ("Bentonville", "AR", "72712", "0.0950"), ("Austin", "TX", "78701", "0.0825"), ("Columbus", "OH", "43215", "0.0750"),
    ("Denver", "CO", "80202", "0.0881"), ("Raleigh", "NC", "27601", "0.0725"), ("Phoenix", "AZ", "85004", "0.0860"),
    ("Nashville", "TN", "37203", "0.0925"), ("Portland", "OR", "97204", "0.0000"), ("Orlando", "FL", "32801", "0.0650"),
    ("Madison", "WI", "53703", "0.0550"), ("Boise", "ID", "83702", "0.0600"), ("Albany", "NY", "12207", "0.0800"),
)
FIRST = ("Maria", "James", "Linda", "Robert", "Patricia", "Michael", "Jennifer", "David", "Susan", "Carlos", "Aisha",
         "Wei", "Olivia", "Noah", "Emma", "Liam")
LAST = ("Garcia", "Smith", "Johnson", "Lee", "Brown", "Nguyen", "Martinez", "Davis", "Wilson", "Clark", "Patel", "Lopez")
STREETS = ("Oak St", "Maple Ave", "Cedar Ln", "Pine Rd", "Elm St", "Lakeview Dr", "Hillcrest Ave", "Sunset Blvd",
           "Park Pl", "River Rd")
METHODS = (("Standard", 60), ("Value", 25), ("Express", 10), ("OneDay", 5))
RETURN_REASONS = ("ARRIVED_LATE", "DAMAGED_ITEM", "WRONG_ITEM", "NO_LONGER_NEEDED", "ITEM_NOT_AS_DESCRIBED",
                  "SIZE_OR_FIT_ISSUE")


def _cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _amount(currency_amount):
    return {"currency": "USD", "amount": money(currency_amount)}


def _unique_id(rng, taken, digits=13):
    while True:
        candidate = str(rng.randrange(10 ** (digits - 1), 10 ** digits))
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def _ship_node(rng):
    roll = rng.random()
    if roll < 0.03:
        node = catalog.UNMAPPED_SHIP_NODE
    elif roll < 0.18:
        node = next(n for n in catalog.SHIP_NODES if n.node_type == "WFSFulfilled")
    else:
        node = rng.choice([n for n in catalog.SHIP_NODES if n.node_type == "SellerFulfilled"])
    return {"type": node.node_type, "name": node.name, "id": node.ship_node}


def _line(rng, number, tax_rate, method, order_ms, ship_node_type):
    item = rng.choice(catalog.unmapped_items()) if rng.random() < 0.03 else rng.choice(catalog.items())
    quantity = rng.choice((1, 1, 1, 1, 2, 2, 3))
    product = _cents(item.price * quantity)
    charges = [{"chargeType": "PRODUCT", "chargeName": "ItemPrice", "chargeAmount": _amount(product),
                "tax": {"taxName": "Tax1", "taxAmount": _amount(_cents(product * tax_rate))}}]
    if method != "Value" and rng.random() < 0.4:
        shipping = _cents(Decimal(rng.choice((499, 599, 799, 999))) / 100)
        charges.append({"chargeType": "SHIPPING", "chargeName": "Shipping", "chargeAmount": _amount(shipping),
                        "tax": {"taxName": "Tax2", "taxAmount": _amount(_cents(shipping * tax_rate))}})
    fulfillment = {"fulfillmentOption": "S2H", "shipMethod": method.upper(), "pickUpDateTime": order_ms}
    if method in ("Express", "OneDay") or ship_node_type == "WFSFulfilled":
        fulfillment["shippingProgramType"] = "ONE_DAY" if method == "OneDay" else "TWO_DAY"
    return {
        "lineNumber": str(number),
        "item": {"productName": item.name, "sku": item.sku},
        "charges": {"charge": charges},
        "orderLineQuantity": {"unitOfMeasurement": "EACH", "amount": str(quantity)},
        "statusDate": order_ms,
        "orderLineStatuses": {"orderLineStatus": [
            {"status": "Created", "statusQuantity": {"unitOfMeasurement": "EACH", "amount": str(quantity)}}]},
        "fulfillment": fulfillment,
    }


def build_order(rng, taken, now):
    """One order dict as GET /v3/orders/{purchaseOrderId} returns it."""
    ordered = now - timedelta(minutes=rng.randrange(1, 180))
    order_ms = records.to_ms(ordered)
    method = rng.choices([m for m, _ in METHODS], weights=[w for _, w in METHODS])[0]
    ship_days = 0 if method == "OneDay" else rng.choice((1, 1, 2))
    ship_date = ordered + timedelta(days=ship_days)
    delivery_date = ship_date + timedelta(days={"OneDay": 1, "Express": 2}.get(method, rng.choice((3, 4, 5))))
    city, state, postal_code, tax_rate = rng.choice(PLACES)
    node = _ship_node(rng)
    order_lines = [_line(rng, n, Decimal(tax_rate), method, order_ms, node["type"])
                   for n in range(1, rng.choice((1, 1, 1, 2, 2, 3, 4)) + 1)]
    product = sum(Decimal(str(c["chargeAmount"]["amount"])) for ln in order_lines for c in ln["charges"]["charge"]
                  if c["chargeType"] == "PRODUCT")
    shipping = sum(Decimal(str(c["chargeAmount"]["amount"])) for ln in order_lines for c in ln["charges"]["charge"]
                   if c["chargeType"] == "SHIPPING")
    tax = sum(Decimal(str(c["tax"]["taxAmount"]["amount"])) for ln in order_lines for c in ln["charges"]["charge"])
    return {
        "purchaseOrderId": _unique_id(rng, taken),
        "customerOrderId": _unique_id(rng, taken),
        "customerEmailId": "%032X@relay.walmart.com" % rng.getrandbits(128),
        "orderType": "REGULAR",
        "orderDate": order_ms,
        "shippingInfo": {
            "phone": f"{rng.randrange(201, 990)}55501{rng.randrange(0, 100):02d}",
            "estimatedDeliveryDate": records.to_ms(delivery_date),
            "estimatedShipDate": records.to_ms(ship_date),
            "methodCode": method,
            "postalAddress": {
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "address1": f"{rng.randrange(100, 9999)} {rng.choice(STREETS)}",
                **({"address2": f"Apt {rng.randrange(1, 400)}"} if rng.random() < 0.2 else {}),
                "city": city, "state": state, "postalCode": postal_code, "country": "USA",
                "addressType": "RESIDENTIAL",
            },
        },
        "orderLines": {"orderLine": order_lines},
        "orderSummary": {
            "totalAmount": {"currencyAmount": money(product + shipping + tax), "currencyUnit": "USD"},
            "orderSubTotals": [
                {"subTotalType": "productAmount", "totalAmount": {"currencyAmount": money(product), "currencyUnit": "USD"}},
                {"subTotalType": "shippingAmount", "totalAmount": {"currencyAmount": money(shipping), "currencyUnit": "USD"}},
                {"subTotalType": "taxAmount", "totalAmount": {"currencyAmount": money(tax), "currencyUnit": "USD"}},
            ],
        },
        "shipNode": node,
    }


def generate_orders(account, count, *, seed=None, deliver=True):
    """Create `count` new orders for the seller `account`; returns their JSON (as the API serves it)."""
    rng = random.Random(seed)
    taken = set(Order.objects.filter(account=account).values_list("purchase_order_id", flat=True))
    taken |= set(Order.objects.filter(account=account).values_list("customer_order_id", flat=True))
    now = clock.now()
    created = [build_order(rng, taken, now) for _ in range(count)]
    with transaction.atomic():
        records.create_orders(account, created, now=now)
        events.emit(account, [e for order in created for e in events.order_events(account, order)])
    if deliver:
        # After commit: a receiver that re-fetches the order by REST must find it.
        transaction.on_commit(webhooks.deliver_due)
    return created


def _return_line(rng, number, order, line):
    quantity = int(line["orderLineQuantity"]["amount"])
    charges, totals = [], {"PRODUCT": Decimal(0), "TAX": Decimal(0)}
    for charge in line["charges"]["charge"]:
        if charge["chargeType"] != "PRODUCT":
            continue  # shipping is not refunded on a customer return
        amount = Decimal(str(charge["chargeAmount"]["amount"]))
        tax = Decimal(str((charge.get("tax") or {}).get("taxAmount", {}).get("amount", 0)))
        totals["PRODUCT"] += amount
        totals["TAX"] += tax
        charges.append({
            "chargeCategory": "PRODUCT", "chargeName": "ItemPrice",
            "chargePerUnit": {"currencyAmount": money(amount / quantity), "currencyUnit": "USD"},
            "isDiscount": False, "isBillable": True,
            "tax": [{"taxName": "Tax1", "taxPerUnit": {"currencyAmount": money(tax / quantity), "currencyUnit": "USD"},
                     "excessTax": {"currencyAmount": 0, "currencyUnit": "USD"}}],
            "excessCharge": {"currencyAmount": 0, "currencyUnit": "USD"},
        })
    return {
        "returnOrderLineNumber": number,
        "salesOrderLineNumber": int(line["lineNumber"]),
        "returnReason": rng.choice(RETURN_REASONS),
        "purchaseOrderId": order["purchaseOrderId"],
        "sellerOrderId": line.get("sellerOrderId", ""),
        "purchaseOrderLineNumber": int(line["lineNumber"]),
        "item": {"sku": line["item"]["sku"], "productName": line["item"]["productName"]},
        "charges": charges,
        "unitPrice": {"currencyAmount": money(totals["PRODUCT"] / quantity), "currencyUnit": "USD"},
        "chargeTotals": [
            {"name": "lineSubTotal", "value": {"currencyAmount": money(totals["PRODUCT"]), "currencyUnit": "USD"}},
            {"name": "lineTotalTaxes", "value": {"currencyAmount": money(totals["TAX"]), "currencyUnit": "USD"}},
            {"name": "lineTotal", "value": {"currencyAmount": money(totals["PRODUCT"] + totals["TAX"]),
                                            "currencyUnit": "USD"}},
        ],
        "currentDeliveryStatus": "NOT_SHIPPED",
        "currentRefundStatus": "NOT_REFUNDED",
        "quantity": {"unitOfMeasure": "EACH", "measurementValue": quantity},
        "status": "INITIATED",
        "statusTime": records.iso(clock.now()),
    }, totals["PRODUCT"] + totals["TAX"]


def generate_returns(account, count, *, seed=None, deliver=True):
    """Create returns for up to `count` shipped seller-fulfilled orders that have none yet; returns their JSON."""
    rng = random.Random(seed)
    returned = set()
    for data in ReturnOrder.objects.filter(account=account).values_list("data", flat=True):
        returned |= {line.get("purchaseOrderId") for line in data.get("returnOrderLines") or []}
    candidates = [o for o in Order.objects.filter(account=account, line_statuses__contains="|Shipped|")
                  .exclude(ship_node_type="WFSFulfilled").order_by("order_date", "id")
                  if o.purchase_order_id not in returned]
    taken = set(ReturnOrder.objects.filter(account=account).values_list("return_order_id", flat=True))
    now = clock.now()
    created = []
    with transaction.atomic():
        for order in rng.sample(candidates, min(count, len(candidates))):
            data = order.data
            shipped = [ln for ln in lines.order_lines(data) if lines.status_quantity(ln, "Shipped")]
            chosen = rng.sample(shipped, rng.randint(1, len(shipped)))
            return_lines, total = [], Decimal(0)
            for number, line in enumerate(sorted(chosen, key=lambda ln: int(ln["lineNumber"])), start=1):
                entry, line_total = _return_line(rng, number, data, line)
                return_lines.append(entry)
                total += line_total
            name = data["shippingInfo"]["postalAddress"]["name"].split(" ", 1)
            item = {
                "returnOrderId": _unique_id(rng, taken, digits=18),
                "customerEmailId": data.get("customerEmailId", ""),
                "customerName": {"firstName": name[0], "lastName": name[-1]},
                "customerOrderId": data["customerOrderId"],
                "refundMode": "POST_DELIVERY",
                "returnOrderDate": records.iso(now),
                "returnType": "REFUND",
                "returnByDate": records.iso(now + timedelta(days=30)),
                "totalRefundAmount": {"currencyAmount": money(total), "currencyUnit": "USD"},
                "returnOrderLines": return_lines,
                "returnChannel": {"channelName": "ONLINE"},
            }
            records.save_return(account, item, now=now)
            created.append(item)
        events.emit(account, [e for item in created for e in events.return_events(account, item)])
    if deliver:
        # After commit: a receiver that re-fetches the order by REST must find it.
        transaction.on_commit(webhooks.deliver_due)
    return created
