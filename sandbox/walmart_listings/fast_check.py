"""A plain-Python pass over inventory feed files before jsonschema: jsonschema walks a 5,000-record
MP_INVENTORY file in most of a second, while the connector's benchmarks send such files by the
dozen. Each check here accepts only documents that are certainly valid under the feed's schema
(formats.py); anything else, even a valid oddity like an amount of 3.0, goes to jsonschema, which
has the last word and writes the error messages. So the fast path changes speed, never outcomes.
"""


def _quantity_ok(quantity):
    # QUANTITY / Inventory.json: exactly {unit: "EACH", amount: integer}, nothing else.
    return (type(quantity) is dict and len(quantity) == 2 and quantity.get("unit") == "EACH"
            and type(quantity.get("amount")) is int)


def _mp_inventory_ok(document):
    header, records = document.get("inventoryHeader"), document.get("inventory")
    if type(header) is not dict or type(header.get("version")) is not str:
        return False
    if type(records) is not list or not records:
        return False
    for record in records:
        if type(record) is not dict or len(record) != 2:
            return False
        sku, nodes = record.get("sku"), record.get("shipNodes")
        if type(sku) is not str or not sku or type(nodes) is not list or not nodes:
            return False
        for node in nodes:
            if type(node) is not dict or len(node) != 2:
                return False
            ship_node = node.get("shipNode")
            if type(ship_node) is not str or not ship_node or not _quantity_ok(node.get("quantity")):
                return False
    return True


def _inventory_ok(document):
    # InventoryFeed.json 1.4 requires neither key, but the processor needs the records.
    header, records = document.get("InventoryHeader"), document.get("Inventory")
    if "InventoryHeader" in document and (type(header) is not dict or set(header) != {"version"}
                                          or type(header["version"]) is not str):
        return False
    if type(records) is not list or not 1 <= len(records) <= 100_000:
        return False
    for record in records:
        if type(record) is not dict or len(record) != 2 or type(record.get("sku")) is not str:
            return False
        if not _quantity_ok(record.get("quantity")):
            return False
    return True


CHECKS = {"MP_INVENTORY": _mp_inventory_ok, "inventory": _inventory_ok}


def certainly_valid(feed_type, document):
    check = CHECKS.get(feed_type)
    return check is not None and check(document)
