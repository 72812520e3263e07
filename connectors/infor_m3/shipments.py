"""shipments_out for Infor M3: what left the warehouse, package by package, and the order lines M3
closed without delivering them, since a mark (ShipmentPage). Reads only; every step is a bulk read
or a list, never a call per order (SETUP.md counts them).

Why this chain: M3 has no "deliveries changed since" transaction in the metadata we have, but
DRS100MI/LstShipment takes a departure date (DSDT), and from a shipment (CONN) the deliveries
(DRS100MI/LstByDelivery -> DLIX, RIDN = order), their packages with tracking numbers
(MWS410MI/LstPackages) and package contents (MWS410MI/LstPackageLine: order line RIDL, quantity)
follow, one bulk request each. A delivery packed without packages falls back to MWS410MI/LstItem
(per order line) and the delivery's own tracking number. OIS100MI/GetHead gives the order's CUOR
(our reference, a confirmed GetHead output) and LstLine the line's Walmart line number and quantities.

The mark is "<delivery stamp>/<line stamp>" (milliseconds, M3's LMTS): deliveries and order lines
are filtered by their own stamps, so a line stamp taken later in a read can never hide a delivery.
Dates only narrow what M3 lists (a day's margin for time zones); the stamps decide.
"""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from connectors.contract import CancelledLine, ShipmentPage, ShippedPackage
from connectors.infor_m3.client import M3TransactionError

EPOCH_DATE = "19000101"


def _number(text):
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _stamp(record, field):
    value = _number(record.get(field, ""))
    return int(value) if value is not None else None


def parse_mark(since):
    """(delivery stamp, line stamp) of a mark; "" = from the start."""
    parts = str(since or "").split("/")
    try:
        values = [int(p) if p else 0 for p in parts]
    except ValueError:
        values = [0]
    return values[0], values[1] if len(values) > 1 else values[0]


def from_date(stamp, zone):
    """The yyyyMMdd to start an M3 list from: the stamp's date in M3's zone, a day early."""
    if not stamp:
        return ""
    moment = datetime.fromtimestamp(stamp / 1000, tz=ZoneInfo("UTC")).astimezone(zone) - timedelta(days=1)
    return moment.strftime("%Y%m%d")


def shipped_at(record, zone):
    """DSDT (yyyyMMdd) + DSHM (HHmm) in M3's zone, as an aware datetime."""
    day, clock = record.get("DSDT", ""), str(record.get("DSHM", "") or "0").zfill(4)
    try:
        return datetime.strptime(day + clock[-4:], "%Y%m%d%H%M").replace(tzinfo=zone)
    except ValueError:
        return None


def _results_ok(program, results, key_field):
    """Results of a bulk read; one refused on its key (the record is gone since it was listed) is
    treated as empty, any other refusal raises M3's message."""
    for result in results:
        if not result.ok and result.error_field != key_field:
            raise M3TransactionError(program, result)
    return [result.records if result.ok else [] for result in results]


class ShipmentReader:
    def __init__(self, client, config):
        self.client, self.config = client, config
        self.zone = ZoneInfo(config.time_zone)

    def read(self, since):
        delivery_mark, line_mark = parse_mark(since)
        shipments = self._shipments(delivery_mark)
        deliveries = self._deliveries(shipments, delivery_mark)
        contents = self._contents(deliveries)
        changed_orders = self._changed_orders(line_mark)
        orders = self._orders({d["RIDN"] for d in deliveries} | changed_orders)
        packages = []
        for delivery, (boxes, packed, items) in zip(deliveries, contents):
            packages.extend(self._packages(delivery, shipments.get(delivery.get("CONN", ""), {}), boxes, packed,
                                           items, orders))
        cancellations, line_stamps = self._cancellations(orders, line_mark)
        delivery_stamps = [d["_stamp"] for d in deliveries]
        mark = f"{max(delivery_stamps, default=delivery_mark)}/{max(line_stamps, default=line_mark)}"
        return ShipmentPage(packages=tuple(packages), cancellations=tuple(cancellations),
                            mark=mark if mark != "0/0" else (since or ""))

    def _shipments(self, delivery_mark):
        start = from_date(delivery_mark, self.zone)
        # Reference: DRS100MI/LstShipment (optional DSDT departure date, CONN: the list's key), M3H5 metadata
        found = self.client.iterate("DRS100MI", "LstShipment", {"DSDT": start or None}, key="CONN")
        return {s["CONN"]: s for s in found if s.get("CONN")}

    def _deliveries(self, shipments, delivery_mark):
        conns = list(shipments)
        # Reference: DRS100MI/LstByDelivery (CONN required -> DLIX, RIDN...), erp-apis.md C.3
        results = self.client.bulk_reads("DRS100MI", [("LstByDelivery", {"CONN": conn}) for conn in conns])
        found = []
        for conn, records in zip(conns, _results_ok("DRS100MI", results, "CONN")):
            for record in records:
                if not record.get("DLIX") or record.get("PGRS", "") < self.config.shipped_delivery_status:
                    continue
                stamp = _stamp(record, self.config.delivery_stamp_field)
                if stamp is None:  # no stamp served: the departure time stands in for it
                    moment = shipped_at(shipments[conn], self.zone)
                    stamp = int(moment.timestamp() * 1000) if moment else 0
                if stamp > delivery_mark:
                    found.append({**record, "CONN": record.get("CONN") or conn, "_stamp": stamp})
        return sorted(found, key=lambda d: (d["_stamp"], d["DLIX"]))

    def _contents(self, deliveries):
        """(packages, package lines, delivery lines) per delivery: one MWS410MI bulk request."""
        reads = []
        for d in deliveries:
            # Reference: MWS410MI/LstPackages (DLIX), LstPackageLine (DLIX, PDSO required), LstItem (DLIX),
            #   M3H5 metadata (erp-samples/m3/MWS410MI.txt); output field names UNCONFIRMED (SETUP.md)
            reads += [("LstPackages", {"DLIX": d["DLIX"]}),
                      ("LstPackageLine", {"DLIX": d["DLIX"], "PDSO": self.config.package_line_pdso}),
                      ("LstItem", {"DLIX": d["DLIX"]})]
        records = _results_ok("MWS410MI", self.client.bulk_reads("MWS410MI", reads), "DLIX")
        return [tuple(records[n:n + 3]) for n in range(0, len(records), 3)]

    def _changed_orders(self, line_mark):
        query = self.config.changed_lines_query
        if not query:
            return set()
        start = from_date(line_mark, self.zone) or EPOCH_DATE
        # Reference: OIS100MI/SearchLine (SQRY required), M3H5 metadata; query syntax UNCONFIRMED (SETUP.md)
        found = self.client.execute("OIS100MI", "SearchLine", {"SQRY": query.format(date=start)}, maxrecs=0,
                                    returncols=["ORNO", "PONR"])
        return {r["ORNO"] for r in found if r.get("ORNO")}

    def _orders(self, ornos):
        """{ORNO: (head, {PONR: line})} of the orders concerned: one OIS100MI bulk request."""
        ornos = sorted(ornos)
        reads = []
        for orno in ornos:
            # Reference: OIS100MI/GetHead (ORNO -> CUOR), OIS100MI/LstLine (ORNO), erp-apis.md C.3
            reads += [("GetHead", {"ORNO": orno}, ["ORNO", "CUOR", "CUNO"]), ("LstLine", {"ORNO": orno})]
        records = _results_ok("OIS100MI", self.client.bulk_reads("OIS100MI", reads), "ORNO")
        orders = {}
        for n, orno in enumerate(ornos):
            head, lines = records[2 * n], records[2 * n + 1]
            if head and head[0].get("CUOR"):  # an order without CUOR is not one we posted
                orders[orno] = (head[0], {str(line.get("PONR", "")): line for line in lines})
        return orders

    def _line_number(self, line, ponr):
        field = self.config.line_number_field
        return (line.get(field, "") if field else "") or str(ponr)

    def _packages(self, delivery, shipment, boxes, packed, items, orders):
        orno = delivery.get("RIDN", "")
        if orno not in orders:
            return []
        head, lines = orders[orno]
        cfg = self.config
        trackings = {b.get("PANR", ""): b.get(cfg.tracking_field, "") for b in boxes}
        delivery_tracking = delivery.get(cfg.tracking_field, "")
        if packed:
            rows = [(p.get("RIDL", ""), p.get("ITNO", ""), p.get(cfg.package_quantity_field, ""),
                     trackings.get(p.get("PANR", "")) or delivery_tracking) for p in packed]
        else:
            rows = [(i.get("RIDL", ""), i.get("ITNO", ""), i.get(cfg.delivery_quantity_field, ""), delivery_tracking)
                    for i in items]
        moment = shipped_at(shipment, self.zone) or shipped_at(delivery, self.zone)
        result = []
        for ponr, item, quantity, tracking in rows:
            line = lines.get(str(ponr), {})
            amount = _number(quantity)
            if not amount or amount <= 0 or moment is None:
                continue
            result.append(ShippedPackage(
                reference=head["CUOR"], erp_order=orno, line_number=self._line_number(line, ponr),
                erp_item=item or line.get("ITNO", ""), quantity=amount,
                carrier=shipment.get(cfg.carrier_field) or delivery.get(cfg.carrier_field, ""),
                method=delivery.get("MODL") or shipment.get("MODL", ""), tracking_number=tracking,
                shipped_at=moment, shipment_id=str(delivery["DLIX"]), mark=str(delivery["_stamp"]),
            ))
        return result

    def _cancellations(self, orders, line_mark):
        """Lines of the orders read whose ordered quantity will not all ship: ORQT - DLQT - RNQT.
        Without a delivered-quantity field only status 99 (completed without delivery) counts, so
        a tenant whose LstLine lacks the field never cancels a line that did ship."""
        cfg = self.config
        found, stamps = [], []
        for orno, (head, lines) in sorted(orders.items()):
            for ponr, line in lines.items():
                stamp = _stamp(line, cfg.line_stamp_field) or 0
                if stamp <= line_mark:
                    continue
                stamps.append(stamp)
                ordered = _number(line.get("ORQT", "")) or Decimal(0)
                status = line.get("ORST", "")
                delivered = _number(line.get(cfg.delivered_quantity_field, ""))
                remaining = _number(line.get(cfg.remaining_quantity_field, ""))
                if delivered is None:
                    cancelled = ordered if status == "99" else Decimal(0)
                else:
                    if remaining is None:
                        remaining = Decimal(0) if status >= "66" else ordered - delivered
                    cancelled = ordered - delivered - remaining
                if cancelled <= 0:
                    continue
                reason = ("closed in M3 without delivery (status 99)" if status == "99"
                          else f"closed short in M3 (status {status})" if status >= "66"
                          else "quantity reduced in M3")
                found.append(CancelledLine(reference=head["CUOR"], erp_order=orno,
                                           line_number=self._line_number(line, ponr), erp_item=line.get("ITNO", ""),
                                           quantity=cancelled, reason=reason, mark=str(stamp)))
        return found, stamps
