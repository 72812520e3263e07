"""An ERP item as Walmart's MP_ITEM record (items.json, the 4.x "Orderable / Visible" shape), with the
SKU mapping's overrides winning over the ERP's values, and the checks Walmart would fail it on made
before it is sent: required fields, GTIN check digit, https image URLs, known units."""

import hashlib
import json
from decimal import Decimal

from connectors.walmart.listings import json_numbers
from mappings.cells import gtin14

WEIGHT_TO_LB = {"LB": Decimal("1"), "OZ": Decimal("0.0625"), "KG": Decimal("2.20462"), "G": Decimal("0.00220462")}
LENGTH_TO_IN = {"IN": Decimal("1"), "CM": Decimal("0.393701"), "MM": Decimal("0.0393701"), "FT": Decimal("12")}
DEFAULT_CATEGORY = "Home"


def _number(value, factor):
    return (Decimal(value) * factor).quantize(Decimal("0.01")) if value is not None else None


def build(sku, item, mapping):
    """(record, problems) for one SKU of an ERP item; `mapping` a SkuMap (its overrides win)."""
    problems = []
    title = (mapping.description or item.title or "").strip()
    given = mapping.gtin or item.gtin or ""
    gtin = gtin14(given)  # GTIN-14 with a valid check digit, or ""
    category = mapping.category or DEFAULT_CATEGORY
    if not title:
        problems.append("no product name")
    if not given:
        problems.append("no GTIN/UPC")
    elif not gtin:
        problems.append(f"GTIN {given} is not a valid GTIN (length or check digit)")
    if item.price is None or item.price <= 0:
        problems.append("no positive price")
    images = [url for url in item.images if url]
    if not images:
        problems.append("no image")
    bad = [url for url in images if not url.lower().startswith("https://")]
    if bad:
        problems.append(f"image URLs must be https: {', '.join(bad[:3])}")
    weight = None
    if item.weight is not None:
        if item.weight_unit.upper() not in WEIGHT_TO_LB:
            problems.append(f"unknown weight unit {item.weight_unit!r} (LB, OZ, KG, G)")
        else:
            weight = _number(item.weight, WEIGHT_TO_LB[item.weight_unit.upper()])
    if any(v is not None for v in (item.length, item.width, item.height)) and \
            item.dimension_unit.upper() not in LENGTH_TO_IN:
        problems.append(f"unknown dimension unit {item.dimension_unit!r} (IN, CM, MM, FT)")
    factor = mapping.factor or 1
    orderable = {"sku": sku, "productIdentifiers": {"productIdType": "GTIN", "productId": gtin}, "productName": title,
                 "brand": item.brand or "Unbranded",
                 "price": (item.price * factor).quantize(Decimal("0.01")) if item.price is not None else None}
    if weight is not None:
        orderable["ShippingWeight"] = weight
    visible = {"shortDescription": item.description or title, "mainImageUrl": images[0] if images else ""}
    if len(images) > 1:
        visible["productSecondaryImageURL"] = images[1:]
    unit = LENGTH_TO_IN.get(item.dimension_unit.upper()) if item.dimension_unit else None
    for name, value in (("assembledProductLength", item.length), ("assembledProductWidth", item.width),
                        ("assembledProductHeight", item.height)):
        if value is not None and unit is not None:
            visible[name] = {"measure": _number(value, unit), "unit": "in"}
    # Stored as JSON (the state's `record`) and sent as is: Decimals become the exact JSON numbers.
    return json_numbers({"Orderable": orderable, "Visible": {category: visible}}), problems


def content_hash(record):
    """What decides "changed": the record as Walmart would get it (title, description, brand, GTIN,
    images, dimensions, price)."""
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()
