"""Reference data projections: sites, stock, sales parts, customers, price queries.

Views take (request, call): `call.realm` scopes every query to the caller's IFS instance.
"""

from decimal import Decimal

from django.http import HttpResponse

from sandbox.ifs_cloud import entities, odata
from sandbox.ifs_cloud.models import Customer, InventoryPartInStock, PriceQuery, SalesPart, Site
from sandbox.ifs_cloud.odata import ODataError


def not_found(eset, keys):
    shown = ",".join(f"{k}={v!r}" for k, v in keys.items())
    return ODataError(404, "ODP_RESOURCE_NOTFOUND", f"The requested resource {eset.name}({shown}) was not found.")


def get_or_404(queryset, eset, keys, **lookup):
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise not_found(eset, keys)
    return obj


def list_sites(request, call):
    return odata.collection(request, entities.COMPANY_SITE, Site.objects.filter(realm=call.realm), **call.paging)


def get_site(request, call):
    obj = get_or_404(Site.objects.filter(realm=call.realm), entities.COMPANY_SITE, call.keys, contract=call.key("Contract"))
    return odata.single(request, entities.COMPANY_SITE, obj)


def list_stock(request, call):
    queryset = InventoryPartInStock.objects.filter(realm=call.realm)
    return odata.collection(request, entities.INVENTORY_PART_IN_STOCK, queryset, **call.paging)


def list_sales_parts(request, call):
    return odata.collection(request, entities.SALES_PART, SalesPart.objects.filter(realm=call.realm), **call.paging)


def get_sales_part(request, call):
    obj = get_or_404(SalesPart.objects.filter(realm=call.realm), entities.SALES_PART, call.keys,
                     contract=call.key("Contract"), catalog_no=call.key("CatalogNo"))
    return odata.single(request, entities.SALES_PART, obj)


def list_customers(request, call):
    return odata.collection(request, entities.CUSTOMER_INFO, Customer.objects.filter(realm=call.realm), **call.paging)


def get_customer(request, call):
    obj = get_or_404(Customer.objects.filter(realm=call.realm), entities.CUSTOMER_INFO, call.keys,
                     customer_id=call.key("CustomerId"))
    return odata.single(request, entities.CUSTOMER_INFO, obj)


def create_price_query(request, call):
    """Calculate a net price: the sales part's list price less the customer's discount."""
    values = {p.name: v for p, v in entities.PRICE_QUERY.parse(odata.read_body(request)).items()}
    for name in ("CatalogNo", "Contract", "CustomerNo", "CurrencyCode"):
        if not values.get(name):
            raise ODataError(400, "DATABASE_ERROR", f"Field [{name}] in Price Query is mandatory and must have a value.")
    part = SalesPart.objects.filter(realm=call.realm, contract=values["Contract"], catalog_no=values["CatalogNo"]).first()
    if part is None:
        raise ODataError(400, "DATABASE_ERROR",
                         f"The Sales Part {values['CatalogNo']} does not exist on site {values['Contract']}.")
    customer = Customer.objects.filter(realm=call.realm, customer_id=values["CustomerNo"]).first()
    if customer is None:
        raise ODataError(400, "DATABASE_ERROR", f"Customer {values['CustomerNo']} does not exist.")
    discount = customer.discount
    net = (part.list_price * (100 - discount) / 100).quantize(Decimal("0.01"))
    query = PriceQuery.objects.create(
        realm=call.realm, client_id=call.account.key, catalog_no=part.catalog_no, contract=part.contract,
        customer_no=customer.customer_id, currency_code=values["CurrencyCode"],
        sales_qty=values.get("SalesQty") or 1, price_qty=values.get("PriceQty") or 1,
        use_price_incl_tax=bool(values.get("UsePriceInclTax")), base_price=part.list_price, discount=discount,
        net_price=net,
    )
    return odata.single(request, entities.PRICE_QUERY, query, status=201)


def clean_price_query(request, call):
    """Unbound action: drop this IAM client's price query rows."""
    odata.read_body(request)
    PriceQuery.objects.filter(realm=call.realm, client_id=call.account.key).delete()
    return HttpResponse(status=204)
