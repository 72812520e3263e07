"""ShipmentHandling: shipments and their lines (read-only; sandbox.ifs_cloud.warehouse ships orders)."""

from sandbox.ifs_cloud import entities, odata
from sandbox.ifs_cloud.models import Shipment, ShipmentLine
from sandbox.ifs_cloud.views_master import get_or_404


def list_shipments(request, call):
    return odata.collection(request, entities.SHIPMENT, Shipment.objects.filter(realm=call.realm), **call.paging)


def get_shipment(request, call):
    obj = get_or_404(Shipment.objects.filter(realm=call.realm), entities.SHIPMENT, call.keys,
                     shipment_id=call.key("ShipmentId"))
    return odata.single(request, entities.SHIPMENT, obj)


def list_shipment_lines(request, call):
    queryset = ShipmentLine.objects.filter(shipment__realm=call.realm)
    return odata.collection(request, entities.SHIPMENT_LINE, queryset, **call.paging)
