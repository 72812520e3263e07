"""What each ERP needs from a mapping row, in one table, so the admin, the import and the resolver agree.

A mapping row is only useful if it carries the dimensions its integration's ERP posts with: an
Exact Online invoice line needs a GL account, a CloudSuite journal line an accounting entity, unit
and account code, an IFS customer order a site (Contract) and a location. Rules are keyed by the
ERP system name of `connectors.registry`; a system that a kind does not concern needs nothing.
"""

import json
from functools import lru_cache
from pathlib import Path

from connectors import registry

# kind -> system -> fields that must be non-blank. Kinds are the import kinds (mappings.kinds).
REQUIRED = {
    "sku": {
        "ifs_cloud": ["erp_item"],
        "infor_m3": ["erp_item"],
        "exact_online": ["erp_item"],
        "peoplesoft": ["erp_item"],
        # CloudSuite (FSM) posts revenue to the GL only: a SKU map there only carries the category.
        "infor_cloudsuite": [],
    },
    "shipnode": {
        "ifs_cloud": ["warehouse", "location"],
        "infor_m3": ["warehouse"],
        "exact_online": ["warehouse"],
        "peoplesoft": ["warehouse"],
        "infor_cloudsuite": [],
    },
    "gl": {
        "exact_online": ["gl_account"],
        "infor_cloudsuite": ["accounting_entity", "accounting_unit", "account_code"],
        "ifs_cloud": ["company"],
        "infor_m3": ["gl_account"],
        "peoplesoft": ["gl_account"],
    },
    "customer": {system: ["erp_customer"] for system in registry.ERP_SYSTEMS},
    "carrier": {system: [] for system in registry.ERP_SYSTEMS},
    "supplier": {system: ["vendor_id", "business_unit"] for system in registry.ERP_SYSTEMS},
}

# ERPs whose order/return postings carry a GL target per charge type: the resolver reports
# `unmapped_gl` for them only. IFS and M3 derive accounts from their own posting rules.
GL_POSTING_SYSTEMS = {"exact_online", "infor_cloudsuite"}
# ERPs whose order flow matches purchase orders by supplier (PeopleSoft PO receipts).
SUPPLIER_SYSTEMS = {"peoplesoft"}
# ERPs whose order document names a customer (IFS customer order, M3 CUNO, Exact OrderedBy): the
# customer mapping must resolve for them. CloudSuite posts to the GL, PeopleSoft receives against POs.
CUSTOMER_SYSTEMS = {"ifs_cloud", "infor_m3", "exact_online"}
# ERPs whose order document moves stock out of a warehouse: validation checks stock there.
STOCK_SYSTEMS = {"ifs_cloud", "infor_m3", "exact_online"}

# How ERPs name the dimensions, for messages staff recognise ("IFS Cloud needs a Contract").
VENDOR_NAMES = {
    ("ifs_cloud", "erp_item"): "PartNo",
    ("infor_m3", "erp_item"): "item number (ITNO)",
    ("exact_online", "erp_item"): "item Code",
    ("peoplesoft", "erp_item"): "item (INV_ITEM_ID)",
    ("ifs_cloud", "warehouse"): "site (Contract)",
    ("ifs_cloud", "location"): "location (LocationNo)",
    ("infor_m3", "warehouse"): "warehouse (WHLO)",
    ("exact_online", "warehouse"): "warehouse",
    ("peoplesoft", "warehouse"): "business unit",
    ("exact_online", "gl_account"): "GL account",
    ("infor_cloudsuite", "accounting_entity"): "AccountingEntity",
    ("infor_cloudsuite", "accounting_unit"): "accounting unit",
    ("infor_cloudsuite", "account_code"): "AccountCode",
    ("ifs_cloud", "company"): "Company",
    ("ifs_cloud", "erp_customer"): "CustomerNo",
    ("infor_m3", "erp_customer"): "customer number (CUNO)",
    ("exact_online", "erp_customer"): "account Code",
    ("peoplesoft", "vendor_id"): "VENDOR_ID",
}


def required_fields(kind, system):
    return REQUIRED.get(kind, {}).get(system, [])


def missing_message(system, field, context=""):
    """"Exact Online needs a GL account for SHIPPING" — what is missing, for whom, and where."""
    name = VENDOR_NAMES.get((system, field), field.replace("_", " "))
    article = "an" if name[:1].lower() in "aeiou" else "a"
    text = f"{registry.label(system)} needs {article} {name}"
    return f"{text} {context}".strip() if context else text


@lru_cache(maxsize=1)
def walmart_carriers():
    """(carriers, method codes) from Walmart's ship-request enums, kept as data because Walmart adds carriers."""
    data = json.loads((Path(__file__).parent / "data" / "walmart_carriers.json").read_text())
    return tuple(data["carriers"]), tuple(data["method_codes"])
