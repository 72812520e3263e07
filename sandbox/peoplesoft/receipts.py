"""The PO receipt service operation (PURCHASE_ORDER_RECEIPT, records BCT_C_PO_RC_EVW / BCT_D_PO_RC_EVW).

In PeopleSoft the message lands in staging and the Receive Load process (PO_RECVLOAD) creates the
receipt. The emulator does both at once, as a synchronous REST wrapper set up by the customer
would: validate the required fields, refuse an over-receipt, number the receiver (0000012345 style),
raise QTY_RECEIVED on the PO schedule and QTY_ONHAND in the receiving inventory business unit.
"""

import json
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from sandbox import clock, shapes
from sandbox.peoplesoft.gateway import RECEIPT_OPERATION, operation
from sandbox.peoplesoft.models import ItemBalance, PoSchedule, Receipt, ReceiptLine

HEADER = "BCT_C_PO_RC_EVW"
DETAIL = "BCT_D_PO_RC_EVW"
# Required fields (erp-samples/peoplesoft/po_receipt_message_required_fields.json).
HEADER_FIELDS = ("EIP_TRANS_SRC", "EIP_TRANS_SRC_REF", "EIP_TRANS_SRC_SEQ", "TRANSACTION_CODE", "SHIPTO_SETID",
                 "SHIPTO_ID", "VENDOR_ID", "CARRIER_ID", "BILL_OF_LADING", "RECEIVER_ID", "BUSINESS_UNIT",
                 "END_TRANS_FLAG")
DETAIL_FIELDS = ("EIP_TRANS_SRC_SEQ", "TRANSACTION_CODE", "UNIT_OF_MEASURE", "RECEIVER_ID", "RECV_LN_NBR", "QTY",
                 "SCHED_NBR", "BUSINESS_UNIT_PO", "PO_ID", "LINE_NBR")
LENGTHS = {"BILL_OF_LADING": 30, "EIP_TRANS_SRC_REF": 30, "EIP_TRANS_SRC": 10, "CARRIER_ID": 10, "BUSINESS_UNIT": 5}
RECEIVER_BASE = 12344  # receiver ids run 0000012345, 0000012346...


class Refused(Exception):
    pass


def _missing(record, row, fields):
    for name in fields:
        if row.get(name) in (None, ""):
            raise Refused(f"{record}.{name}: Field is required. (Message PURCHASE_ORDER_RECEIPT)")


def _validate(body):
    header = body.get(HEADER) if isinstance(body, dict) else None
    if isinstance(header, list) and len(header) == 1:
        header = header[0]
    if not isinstance(header, dict):
        raise Refused(f"Message PURCHASE_ORDER_RECEIPT: one {HEADER} row is required")
    _missing(HEADER, header, HEADER_FIELDS)
    for name, length in LENGTHS.items():
        if len(str(header[name])) > length:
            raise Refused(f"{HEADER}.{name}: value is longer than {length} characters")
    details = header.get(DETAIL)
    if not isinstance(details, list) or not details:
        raise Refused(f"{HEADER}: at least one {DETAIL} row is required")
    for detail in details:
        _missing(DETAIL, detail, DETAIL_FIELDS)
        if str(detail["TRANSACTION_CODE"]) != "0104" or str(header["TRANSACTION_CODE"]) != "0104":
            raise Refused("TRANSACTION_CODE: this receiver loads PO schedules (0104); 0102 and 0103 are not routed")
    return header, details


def _schedule(header, detail):
    try:
        schedule = PoSchedule.objects.select_for_update().get(
            business_unit=detail["BUSINESS_UNIT_PO"], po_id=detail["PO_ID"],
            line_nbr=int(detail["LINE_NBR"]), sched_nbr=int(detail["SCHED_NBR"]))
    except (PoSchedule.DoesNotExist, ValueError):
        raise Refused(f"PO {detail['BUSINESS_UNIT_PO']}/{detail['PO_ID']} line {detail['LINE_NBR']} schedule "
                      f"{detail['SCHED_NBR']} does not exist") from None
    if schedule.vendor_id != header["VENDOR_ID"]:
        raise Refused(f"Vendor {header['VENDOR_ID']} does not match vendor {schedule.vendor_id} of PO {schedule.po_id}")
    if schedule.po_status not in ("Approved", "Dispatched"):
        raise Refused(f"PO {schedule.po_id} has status {schedule.po_status}: only approved or dispatched POs can be received")
    if detail["UNIT_OF_MEASURE"] != schedule.unit_of_measure:
        raise Refused(f"Unit of measure {detail['UNIT_OF_MEASURE']} differs from {schedule.unit_of_measure} "
                      f"on PO {schedule.po_id} line {schedule.line_nbr}")
    try:
        qty = Decimal(str(detail["QTY"]))
    except InvalidOperation:
        raise Refused(f"{DETAIL}.QTY: {detail['QTY']} is not a number") from None
    open_qty = schedule.qty_po - schedule.qty_received
    if qty <= 0:
        raise Refused(f"{DETAIL}.QTY: the quantity received must be positive")
    if qty > open_qty:
        raise Refused(f"Quantity {qty} exceeds the open quantity {open_qty} of PO {schedule.po_id} line "
                      f"{schedule.line_nbr} schedule {schedule.sched_nbr}: over-receipt is not allowed")
    return schedule, qty


@require_http_methods(["POST"])
@operation(lambda kwargs, settings: kwargs["name"] if kwargs["name"] == settings.get(
    "receipt_operation", RECEIPT_OPERATION) else None)
def create_receipt(request, account, node, name):
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return shapes.peoplesoft_error(400, "The request body is not valid JSON")
    try:
        with transaction.atomic():
            header, details = _validate(body)
            now = clock.now()
            receipt = Receipt.objects.create(
                business_unit=header["BUSINESS_UNIT"], vendor_id=header["VENDOR_ID"], receipt_dt=now.date(),
                bill_of_lading=header["BILL_OF_LADING"], eip_trans_src=header["EIP_TRANS_SRC"],
                eip_trans_src_ref=header["EIP_TRANS_SRC_REF"], carrier_id=header["CARRIER_ID"], created_at=now,
            )
            receipt.receiver_id = f"{RECEIVER_BASE + receipt.pk:010d}"
            receipt.save(update_fields=["receiver_id"])
            for number, detail in enumerate(details, start=1):
                schedule, qty = _schedule(header, detail)
                ReceiptLine.objects.create(receipt=receipt, recv_ln_nbr=number, schedule=schedule, qty=qty,
                                           unit_of_measure=schedule.unit_of_measure)
                schedule.qty_received += qty
                schedule.save(update_fields=["qty_received"])
                balance, _ = ItemBalance.objects.select_for_update().get_or_create(
                    business_unit=schedule.business_unit_in, inv_item_id=schedule.inv_item_id)
                balance.qty_onhand += qty
                balance.save(update_fields=["qty_onhand"])
    except Refused as exc:
        return shapes.peoplesoft_error(400, str(exc))
    data = {"BUSINESS_UNIT": receipt.business_unit, "RECEIVER_ID": receipt.receiver_id,
            "RECEIPT_DT": receipt.receipt_dt.isoformat(), "BILL_OF_LADING": receipt.bill_of_lading}
    return HttpResponse(json.dumps({"status": "success", "data": data}), content_type="application/json")
