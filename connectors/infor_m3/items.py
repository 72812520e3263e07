"""items_out for Infor M3: items new or changed since a mark, as ItemData (SETUP.md counts the calls).

MMS200MI/LstItmByChgDate (erp-apis.md C.2 names it for incremental sync; FLMD "from change date")
lists the items; its change date is a day, so the items' own stamp (LMTS, ms; the field is a
setting) decides what is newer than the mark, and the mark is the newest stamp seen. The GTIN is the
item's EAN alias (MMS025MI/LstAlias, category gtin_alias_category: the alias items_by_gtin reads),
the price the base price list prices_out reads (OIS017MI/LstBasePrice). Weight, dimensions, the
description and image URLs are read from the fields the connection names (UNCONFIRMED names).
"""

from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from connectors.contract import ItemData
from connectors.gtin import as_gtin14
from connectors.infor_m3.client import M3TransactionError


def _number(text):
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def _stamp(record, field, fallback_day):
    """The record's stamp in ms; without one, the end of its change day (LMDT), so it is not lost."""
    value = str(record.get(field, "") or "").strip()
    if value.isdigit():
        return int(value)
    try:
        day = datetime.strptime(record.get("LMDT", ""), "%Y%m%d").replace(tzinfo=timezone.utc)
    except ValueError:
        return fallback_day
    return int((day + timedelta(days=1)).timestamp() * 1000) - 1


def read(client, config, since, prices):
    """(list of ItemData, new mark). `prices(itnos)` answers {ITNO: (price, currency)} (the adapter's
    price_snapshot read, so items_out and prices_out show the same price)."""
    mark = int(since) if str(since or "").isdigit() else 0
    start = ""
    if mark:
        start = (datetime.fromtimestamp(mark / 1000, tz=timezone.utc) - timedelta(days=1)).strftime("%Y%m%d")
    # Reference: MMS200MI/LstItmByChgDate (FLMD, TLMD optional), erp-apis.md C.2; M3H5 metadata
    records = client.execute("MMS200MI", "LstItmByChgDate", {"FLMD": start or None}, maxrecs=0)
    changed = []
    for record in records:
        stamp = _stamp(record, config.item_stamp_field, mark + 1)
        if record.get("ITNO") and stamp > mark:
            changed.append((record, stamp))
    itnos = [r["ITNO"] for r, _ in changed]
    gtins = _gtins(client, config, itnos)
    priced = prices(itnos) if itnos else {}
    items = [_item(config, record, stamp, gtins.get(record["ITNO"], ""), priced.get(record["ITNO"]))
             for record, stamp in changed]
    new_mark = max((stamp for _, stamp in changed), default=mark)
    return items, (str(new_mark) if new_mark else str(since or ""))


def _gtins(client, config, itnos):
    """{ITNO: GTIN-14} from each item's EAN aliases: one bulk MMS025MI request per READS_PER_BULK items."""
    # Reference: MMS025MI/LstAlias (ITNO required; ALWT optional), M3H5 M3H5Lib.Api/MMS025MIResource.cs
    reads = [("LstAlias", {"ITNO": itno, "ALWT": config.gtin_alias_category}, ["ITNO", "POPN", "ALWT"])
             for itno in itnos]
    found = {}
    for itno, result in zip(itnos, client.bulk_reads("MMS025MI", reads)):
        if not result.ok:
            if result.error_field != "ITNO":
                raise M3TransactionError("MMS025MI", result)
            continue
        gtins = [as_gtin14(r.get("POPN", "")) for r in result.records]
        found[itno] = next((g for g in gtins if g), "")
    return found


def _item(config, record, stamp, gtin, price):
    name = record.get("ITDS", "")
    images = []
    for field in config.image_url_fields:
        url = record.get(field, "")
        if url.startswith("https://") and url not in images:  # Walmart takes https images only
            images.append(url)
    return ItemData(
        item=record["ITNO"], title=name, description=record.get(config.item_description_field, "") or name,
        gtin=gtin, images=tuple(images),
        weight=_number(record.get(config.weight_field, "")), weight_unit=config.weight_unit,
        length=_number(record.get(config.length_field, "")), width=_number(record.get(config.width_field, "")),
        height=_number(record.get(config.height_field, "")), dimension_unit=config.dimension_unit,
        price=price[0] if price else None, currency=price[1] if price else "", mark=str(stamp),
    )
