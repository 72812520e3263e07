"""One entry point for every projection URL: authenticate, find the route, parse the key, run the view
in a transaction, and turn ODataErrors into IFS error bodies.

URL shape: <Projection>.svc/<EntitySet or unbound action>[(<key>)][/<navigation or bound action>].
"""

import re
from dataclasses import dataclass, field

from django.db import transaction

from sandbox.ifs_cloud import entities, views_master as master, views_orders as orders, views_shipments as shipments
from sandbox.ifs_cloud.auth import projection_call
from sandbox.ifs_cloud.odata import ODataError

RELEASE = "IfsApp.CustomerOrderHandling.CustomerOrder_SetReleased"

# (projection, segment, keyed, navigation) -> (entity set whose key is parsed, {method: view})
ROUTES = {
    ("CompanySiteHandling", "CompanySiteSet", False, None): (None, {"GET": master.list_sites}),
    ("CompanySiteHandling", "CompanySiteSet", True, None): (entities.COMPANY_SITE, {"GET": master.get_site}),
    ("InventoryPartInStockHandling", "InventoryPartInStockSet", False, None): (None, {"GET": master.list_stock}),
    ("SalesPartHandling", "SalesPartSet", False, None): (None, {"GET": master.list_sales_parts}),
    ("SalesPartHandling", "SalesPartSet", True, None): (entities.SALES_PART, {"GET": master.get_sales_part}),
    ("PriceQueryHandling", "PriceQuerySet", False, None): (None, {"POST": master.create_price_query}),
    ("PriceQueryHandling", "CleanPriceQuery", False, None): (None, {"POST": master.clean_price_query}),
    ("CustomerHandling", "CustomerInfoSet", False, None): (None, {"GET": master.list_customers}),
    ("CustomerHandling", "CustomerInfoSet", True, None): (entities.CUSTOMER_INFO, {"GET": master.get_customer}),
    ("CustomerOrderHandling", "CustomerOrderSet", False, None): (
        None, {"GET": orders.list_orders, "POST": orders.create_order}),
    ("CustomerOrderHandling", "CustomerOrderSet", True, None): (
        entities.CUSTOMER_ORDER, {"GET": orders.get_order, "PATCH": orders.patch_order}),
    ("CustomerOrderHandling", "CustomerOrderSet", True, "OrderLinesArray"): (
        entities.CUSTOMER_ORDER, {"GET": orders.list_order_lines, "POST": orders.add_line}),
    ("CustomerOrderHandling", "CustomerOrderSet", True, "CustomerOrderChargeArray"): (
        entities.CUSTOMER_ORDER, {"GET": orders.list_charges, "POST": orders.add_charge}),
    ("CustomerOrderHandling", "CustomerOrderSet", True, RELEASE): (entities.CUSTOMER_ORDER, {"POST": orders.release_order}),
    ("CustomerOrderHandling", "CustomerOrderLineSet", False, None): (None, {"GET": orders.list_all_lines}),
    ("ShipmentHandling", "ShipmentSet", False, None): (None, {"GET": shipments.list_shipments}),
    ("ShipmentHandling", "ShipmentSet", True, None): (entities.SHIPMENT, {"GET": shipments.get_shipment}),
    ("ShipmentHandling", "ShipmentLineSet", False, None): (None, {"GET": shipments.list_shipment_lines}),
}

_KEY_PART = re.compile(r"\s*(?:(\w+)\s*=\s*)?('(?:[^']|'')*'|-?\d+)\s*(?:,|$)")


@dataclass
class Call:
    """What a view needs besides the request: the caller's realm and account, the parsed key."""

    account: object
    keys: dict = field(default_factory=dict)

    @property
    def realm(self):
        return self.account.settings.get("realm", "")

    @property
    def paging(self):
        """Server-side page cap (account setting `max_page_size`), for @odata.nextLink paging."""
        return {"max_page_size": self.account.settings.get("max_page_size")}

    def key(self, name):
        return self.keys[name]


def parse_key(text, eset):
    """`OrderNo='C1'`, `'C1'` or `Contract='S1',CatalogNo='A'` -> {name: value}, checked against the keys."""
    values, pos = {}, 0
    while pos < len(text):
        match = _KEY_PART.match(text, pos)
        if not match or match.end() == pos:
            raise ODataError(400, "ODP_INVALID_KEY", f"Invalid key predicate ({text}) for {eset.name}.")
        name, raw = match.group(1), match.group(2)
        if name is None:
            if values or len(eset.keys) != 1:
                raise ODataError(400, "ODP_INVALID_KEY", f"{eset.name} needs named key values ({', '.join(eset.keys)}).")
            name = eset.keys[0]
        if name not in eset.keys:
            raise ODataError(400, "ODP_INVALID_KEY", f"'{name}' is not a key of {eset.name}.")
        values[name] = raw[1:-1].replace("''", "'") if raw.startswith("'") else int(raw)
        pos = match.end()
    missing = [k for k in eset.keys if k not in values]
    if missing:
        raise ODataError(400, "ODP_INVALID_KEY", f"Key value for '{missing[0]}' missing in {eset.name}({text}).")
    return values


@projection_call
def dispatch(request, account, projection, segment, keys=None, navigation=None):
    route = ROUTES.get((projection, segment, keys is not None, navigation))
    if route is None:
        shown = f"{projection}.svc/{segment}" + (f"({keys})" if keys is not None else "") + (
            f"/{navigation}" if navigation else "")
        return ODataError(404, "ODP_RESOURCE_NOTFOUND", f"Resource not found for the segment '{shown}'.").response()
    if projection in (account.settings.get("denied_projections") or ()):
        # The service user's permission sets do not grant this projection (IAM client set up, grants missing).
        return ODataError(403, "ODP_FORBIDDEN", f"Access to projection {projection} is not granted to this user.").response()
    eset, views = route
    view = views.get(request.method)
    if view is None:
        response = ODataError(405, "ODP_METHOD_NOT_ALLOWED",
                              f"The HTTP method {request.method} is not allowed here.").response()
        response["Allow"] = ", ".join(views)
        return response
    try:
        call = Call(account=account, keys=parse_key(keys, eset) if keys is not None else {})
        with transaction.atomic():
            return view(request, call)
    except ODataError as exc:
        return exc.response()
