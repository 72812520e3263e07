"""GTINs as ERPs key them in: what the adapters' `items_by_gtin` reads use to ask and to compare.

The connectors know nothing of the mappings app (its gtin14 validates check digits for imports);
this module only normalises what an ERP stores and lists the forms an ERP user may have typed.
"""


def gtin_forms(gtin):
    """The ways an ERP user may have keyed a GTIN-14 in: as is, and without the leading zeros that
    make EAN-13, UPC-A (12) and EAN-8 digits GTIN-14 (so "00012345678905" -> also "0012345678905",
    "012345678905")."""
    forms = [gtin]
    for length in (13, 12, 8):
        if gtin[:14 - length] == "0" * (14 - length):
            forms.append(gtin[14 - length:])
    return forms


def as_gtin14(text):
    """An ERP's GTIN/EAN/UPC text left-padded to 14 digits, or "" when it is not 8, 12, 13 or 14 digits
    (check digits are the caller's concern: it compares with GTIN-14s it validated)."""
    digits = str(text or "").strip()
    return digits.zfill(14) if digits.isdigit() and len(digits) in (8, 12, 13, 14) else ""
