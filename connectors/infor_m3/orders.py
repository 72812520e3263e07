"""An OrderPosting as OIS100MI batch-order transactions (pure: builds records, sends nothing).

One order = one bulk request (program OIS100MI), in this order:
  AddBatchHead (CUNO, CUOR = our reference, ORTP, FACI, WHLO, ORDT, CUCD, YREF = Walmart customerOrderId)
  AddBatchAddress (the Walmart ship-to as the delivery address, when configured)
  AddBatchLine x n (ITNO, ORQT, WHLO, SAPR, CUOR, CUPO = the Walmart line number per line_number_field)
  AddBatchHeadChg x charges (shipping, collected tax, fees; CRID per config, CRAM, CUCD)
  Confirm
ORNO is left out after the head: M3 carries the batch number AddBatchHead returned to the next
transactions of the same request (see M3Config.single_call_orders).

Money: SAPR is Walmart's net product amount / ERP quantity, rounded to `price_decimals`; the line is
refused before sending if quantity x SAPR no longer rounds to Walmart's amount, so M3's order value
always equals what Walmart charged.
"""

from decimal import ROUND_HALF_UP, Decimal

from connectors.errors import ConfigError, PermanentError

CENT = Decimal("0.01")
CUOR_LENGTH = 20  # OOHEAD.CUOR, A20
# M3 address fields are fixed-length; longer Walmart values are cut rather than refused (M3 would
# answer InputFieldTooLong for the whole order).
ADDRESS_LENGTHS = {"CUNM": 36, "CUA1": 36, "CUA2": 36, "CUA3": 36, "TOWN": 20, "ECAR": 2, "PONO": 10, "CSCD": 3}
COUNTRIES = {"USA": "US", "CAN": "CA", "MEX": "MX"}  # Walmart sends ISO alpha-3; M3 country codes are alpha-2


def _money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def customer_of(config, posting):
    customer = posting.customer or config.customer
    if not customer:
        raise PermanentError("Infor M3: no customer (CUNO) for this order: map one or set the connection's customer",
                             vendor_code="unmapped_customer")
    return customer


def head_warehouse(config, posting):
    return next((line.warehouse for line in posting.lines if line.warehouse), "") or config.warehouse


def unit_price(config, line):
    """SAPR for a line, refused when it cannot reproduce Walmart's line amount."""
    exponent = Decimal(1).scaleb(-config.price_decimals)
    price = line.unit_price.quantize(exponent, rounding=ROUND_HALF_UP)
    amount = _money(line.amount("PRODUCT"))
    if _money(price * line.quantity) != amount:
        raise PermanentError(
            f"Infor M3: line {line.line_number} ({line.erp_item}): {amount} for {line.quantity} units is not a price "
            f"with {config.price_decimals} decimals; raise price_decimals or fix the unit mapping",
            vendor_code="price_rounding")
    return price


def charges(config, posting):
    """[(CRID, amount)] for the money beside the lines: shipping, the tax Walmart collected, fees."""
    shipping = sum((line.amount("SHIPPING") for line in posting.lines), Decimal(0))
    tax = sum((line.tax for line in posting.lines), Decimal(0))
    other = sum((c.amount for line in posting.lines for c in line.charges
                 if c.charge_type not in ("PRODUCT", "SHIPPING")), Decimal(0))
    wanted = [("shipping", config.shipping_charge, shipping), ("fee", config.fee_charge, other)]
    if config.tax_charge:  # blank: M3's own tax setup decides, the collected tax is not sent
        wanted.append(("tax", config.tax_charge, tax))
    result = []
    for label, crid, amount in wanted:
        if not amount:
            continue
        if not crid:
            # A setup gap, not the order's fault: refused before anything is written, like Exact's shipping_item.
            raise ConfigError(f"Infor M3: the order has {label} {_money(amount)} and the connection has no "
                              f"{label}_charge (OIS030 charge id) to carry it")
        result.append((crid, _money(amount)))
    return result


def check_totals(posting, prices, charged, tax_crid):
    """Our document against Walmart's totals (those Walmart gave: a zero total is 'not given')."""
    products = sum((_money(price * line.quantity) for line, price in zip(posting.lines, prices)), Decimal(0))
    shipping = _money(sum((line.amount("SHIPPING") for line in posting.lines), Decimal(0)))
    tax = _money(sum((line.tax for line in posting.lines), Decimal(0)))
    sent = products + sum((amount for _, amount in charged), Decimal(0))
    if not tax_crid:
        sent += tax  # Walmart's order total includes the tax even when M3 computes its own
    totals = (("product", products, posting.product_total), ("shipping", shipping, posting.shipping_total),
              ("tax", tax, posting.tax_total), ("order", sent, posting.order_total))
    for name, ours, walmart in totals:
        if walmart and ours != _money(walmart):
            raise PermanentError(f"Infor M3: the order's {name} total {ours} differs from Walmart's {_money(walmart)}",
                                 vendor_code="total_mismatch")


def address_record(config, ship_to):
    lines = [ship_to.address1, ship_to.address2]
    record = {"ADRT": config.delivery_address_type, "CUNM": ship_to.name, "CUA1": lines[0], "CUA2": lines[1],
              "TOWN": ship_to.city, "ECAR": ship_to.state, "PONO": ship_to.postal_code,
              "CSCD": COUNTRIES.get((ship_to.country or "").upper(), ship_to.country)}
    return {k: (v or "")[:ADDRESS_LENGTHS.get(k, 36)] for k, v in record.items() if v}


def transactions(config, posting):
    """The OIS100MI transactions of one order, [(transaction, record[, returncols])], Confirm last."""
    if not posting.lines:
        raise PermanentError("Infor M3: the order has no lines")
    if len(posting.reference) > CUOR_LENGTH:
        raise PermanentError(f"Infor M3: reference {posting.reference} is longer than CUOR ({CUOR_LENGTH})")
    currency = posting.currency or config.currency
    head = {"CUNO": customer_of(config, posting), "CUOR": posting.reference, "ORTP": config.order_type or None,
            "FACI": config.facility or None, "WHLO": head_warehouse(config, posting) or None,
            "ORDT": posting.order_date, "CUCD": currency, "YREF": (posting.customer_order_id or "")[:30] or None}
    # Reference: OIS100MI/AddBatchHead (erp-samples/m3/OIS100MI_full.txt; returns the batch ORNO)
    result = [("AddBatchHead", head, ["ORNO"])]
    if config.delivery_address and posting.ship_to.address1:
        # Reference: OIS100MI/AddBatchAddress (ORNO, ADRT; ADRT 1 = delivery address is UNCONFIRMED per tenant)
        result.append(("AddBatchAddress", address_record(config, posting.ship_to)))
    prices = []
    for line in posting.lines:
        warehouse = line.warehouse or config.warehouse
        if not warehouse:
            raise PermanentError(f"Infor M3: line {line.line_number} has no warehouse (WHLO)",
                                 vendor_code="unmapped_node")
        prices.append(unit_price(config, line))
        # Reference: OIS100MI/AddBatchLine (ORNO, ITNO; M3 assigns PONR; CUPO optional input, M3H5 metadata)
        record = {"ITNO": line.erp_item, "ORQT": line.quantity, "WHLO": warehouse, "SAPR": prices[-1],
                  "CUOR": posting.reference}
        if config.line_number_field:  # shipments name the Walmart line by it (SETUP.md)
            record[config.line_number_field] = line.line_number
        result.append(("AddBatchLine", record))
    charged = charges(config, posting)
    check_totals(posting, prices, charged, config.tax_charge)
    for crid, amount in charged:
        # Reference: OIS100MI/AddBatchHeadChg (ORNO, CRID, CRAM, CUCD)
        result.append(("AddBatchHeadChg", {"CRID": crid, "CRAM": amount, "CUCD": currency}))
    # Reference: OIS100MI/Confirm (ORNO = batch number -> final ORNO, STAT)
    result.append(("Confirm", {}, ["ORNO", "STAT"]))
    return result
