"""Item master data beyond the catalog, as the M3 emulator serves it on MMS200MI (MITMAS): weight,
dimensions, image URLs, and change stamps that `fulfil.touch_items` moves.

The catalog has no weights or pictures, so they are derived from the item number (deterministic,
like the catalog). Units: pounds and inches (a US seller's MMS001 setup). Field names: GRWE/NEWE
gross/net weight, ILEN/IWID/IHEI length/width/height, LMDT change date, LMTS change stamp (ms).
M3's standard item master keeps no image URL (pictures usually live in Infor Document Management);
this emulator serves them as IMG1/IMG2, the way a tenant keeps them in user-defined item fields.
UNCONFIRMED, all of them: the connector reads every one from its config (connectors/infor_m3/SETUP.md).
"""

from datetime import datetime, timezone
from decimal import Decimal

from sandbox.infor_m3 import data
from sandbox.infor_m3.models import ItemChange

IMAGE_BASE = "https://images.sandbox.ml-connector.example/m3"
IMAGE_FIELDS = ("IMG1", "IMG2")
# The catalog's items were all last changed on data.ITEMS_CHANGED (midnight UTC).
CATALOG_CHANGED = datetime.strptime(data.ITEMS_CHANGED, "%Y%m%d").replace(tzinfo=timezone.utc)


def changes():
    """{ITNO: ItemChange} of every item changed since the catalog (a small table: one query)."""
    return {c.itno: c for c in ItemChange.objects.all()}


def catalog_images(itno):
    return [f"{IMAGE_BASE}/{itno}/main.jpg", f"{IMAGE_BASE}/{itno}/side.jpg"]


def extras(item, changed=None):
    """The MMS200MI fields the catalog lacks, with the item's change, if any, applied."""
    n = int(item.item_code[3:]) if item.item_code[3:].isdigit() else 1
    moment = changed.changed_at if changed else CATALOG_CHANGED
    images = list(changed.images) if changed else catalog_images(item.item_code)
    weight = Decimal(25 + n * 37 % 800) / 100  # 0.25 to 8.24 lb
    return {
        "FUDS": changed.description if changed else f"{item.name} ({item.category})",
        "GRWE": weight, "NEWE": (weight * Decimal("0.9")).quantize(Decimal("0.01")),
        "ILEN": Decimal(4 + n % 20), "IWID": Decimal(3 + n % 12), "IHEI": Decimal(1 + n % 9),
        "IMG1": images[0] if images else "", "IMG2": images[1] if len(images) > 1 else "",
        "LMDT": moment.strftime("%Y%m%d"), "LMTS": int(moment.timestamp() * 1000),
    }
