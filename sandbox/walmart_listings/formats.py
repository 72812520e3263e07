"""Reading bulk feed files: validate against the feed's schema, then normalise each record.

Schemas: `inventory` 1.4 and `price` 1.7 use Walmart's JSON Schemas (schemas/, MIT, from
whitebox-co/walmart-marketplace-api); `MP_INVENTORY` 1.5 has no published schema in our copy, so
MP_INVENTORY_SCHEMA below encodes the documented sample (lower-case keys, ship nodes required per
SKU); `MP_ITEM` and `PRICE_AND_PROMOTION` are checked for their envelope and the fields the
emulator uses. A file that fails here makes the whole feed end in ERROR, as on Walmart.

records(feed_type, body, ship_node) -> [(sku, record)], where a record is what the processor needs:
  inventory / MP_INVENTORY: {"nodes": [{"ship_node": str|None, "quantity": int}]}
  price / PRICE_AND_PROMOTION: {"price": "12.34"|None, "currency": "USD"}
  MP_ITEM: {"product_name", "price", "gtin", "product_type"}
"""

import json
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft6Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT6

from sandbox.walmart_listings import fast_check

SCHEMA_DIR = Path(__file__).with_name("schemas")
MAX_REPORTED_SCHEMA_ERRORS = 10


class FeedFileError(ValueError):
    """The file as a whole cannot be processed; `errors` are Walmart ingestionError dicts."""

    def __init__(self, errors):
        super().__init__("; ".join(e["description"] for e in errors))
        self.errors = errors


def file_error(description, code="ERR_EXT_DATA_0001"):
    return {"type": "DATA_ERROR", "code": code, "description": description}


QUANTITY = {
    "type": "object", "additionalProperties": False, "required": ["unit", "amount"],
    "properties": {"unit": {"enum": ["EACH"]}, "amount": {"type": "integer"}},
}
MP_INVENTORY_SCHEMA = {
    "type": "object", "required": ["inventoryHeader", "inventory"],
    "properties": {
        "inventoryHeader": {"type": "object", "required": ["version"], "properties": {"version": {"type": "string"}}},
        "inventory": {"type": "array", "minItems": 1, "items": {
            "type": "object", "additionalProperties": False, "required": ["sku", "shipNodes"],
            "properties": {"sku": {"type": "string", "minLength": 1}, "shipNodes": {"type": "array", "minItems": 1, "items": {
                "type": "object", "additionalProperties": False, "required": ["shipNode", "quantity"],
                "properties": {"shipNode": {"type": "string", "minLength": 1}, "quantity": QUANTITY},
            }}},
        }},
    },
}
MP_ITEM_FEED_SCHEMA = {  # the envelope shared by MP_ITEM and PRICE_AND_PROMOTION (items.json examples)
    "type": "object", "required": ["MPItemFeedHeader", "MPItem"],
    "properties": {
        "MPItemFeedHeader": {"type": "object", "required": ["version"]},
        "MPItem": {"type": "array", "minItems": 1, "items": {"type": "object"}},
    },
}


@lru_cache(maxsize=None)
def _walmart_validator(name):
    """A validator for one of Walmart's schema files, resolving its relative $refs to its siblings."""
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT6))
        for path in SCHEMA_DIR.glob("*.json")
    ]
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMA_DIR / name).read_text())
    return Draft6Validator(schema, registry=registry)


def _validator(feed_type):
    if feed_type == "inventory":
        return _walmart_validator("InventoryFeed.json")
    if feed_type == "price":
        return _walmart_validator("PriceFeed.json")
    if feed_type == "MP_INVENTORY":
        return Draft6Validator(MP_INVENTORY_SCHEMA)
    return Draft6Validator(MP_ITEM_FEED_SCHEMA)


def _check(feed_type, document):
    if fast_check.certainly_valid(feed_type, document):
        return
    errors = sorted(_validator(feed_type).iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise FeedFileError([
            file_error(f"{'/'.join(str(p) for p in e.absolute_path) or '(file)'}: {e.message}")
            for e in errors[:MAX_REPORTED_SCHEMA_ERRORS]
        ])


def _money(value):
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return "invalid"
    return str(amount) if amount.is_finite() else "invalid"


def parse(body):
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedFileError([file_error(f"The file is not readable JSON: {exc}", "ERR_EXT_DATA_0002")]) from None
    if not isinstance(document, dict):
        raise FeedFileError([file_error("The file must hold one JSON object", "ERR_EXT_DATA_0002")])
    return document


def records(feed_type, body, ship_node=None):
    document = parse(body)
    _check(feed_type, document)
    if feed_type == "inventory":
        return [(r["sku"], {"nodes": [{"ship_node": ship_node, "quantity": r["quantity"]["amount"]}]})
                for r in document.get("Inventory") or ()]
    if feed_type == "MP_INVENTORY":
        return [(r["sku"], {"nodes": [{"ship_node": n["shipNode"], "quantity": n["quantity"]["amount"]}
                                      for n in r["shipNodes"]]}) for r in document["inventory"]]
    if feed_type == "price":
        result = []
        for r in document["Price"]:
            current = r["pricing"][0].get("currentPrice") or {}
            result.append((r["sku"], {"price": _money(current.get("amount")), "currency": current.get("currency", "USD")}))
        return result
    if feed_type == "PRICE_AND_PROMOTION":
        result = []
        for r in document["MPItem"]:
            promo = r.get("Promo&Discount") or {}
            result.append((str(promo.get("sku") or ""), {"price": _money(promo.get("price")), "currency": "USD"}))
        return result
    if feed_type == "MP_ITEM":
        result = []
        for r in document["MPItem"]:
            orderable = r.get("Orderable") or {}
            identifiers = orderable.get("productIdentifiers") or {}
            visible = r.get("Visible") or {}
            result.append((str(orderable.get("sku") or ""), {
                "product_name": str(orderable.get("productName") or ""),
                "price": _money(orderable.get("price")),
                "gtin": str(identifiers.get("productId") or ""),
                "product_type": next(iter(visible), ""),
            }))
        return result
    raise ValueError(f"unknown feed type {feed_type}")
