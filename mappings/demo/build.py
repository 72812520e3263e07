"""Regenerate the demo mapping files from sandbox.catalog: `python -m mappings.demo.build`.

The CSVs are committed (the demo imports them like a user would); this script keeps them in step
with the catalog, and tests/mappings/test_demo.py fails if they drift. The SKUs in
catalog.UNMAPPED_SKUS and catalog.UNMAPPED_SHIP_NODE are left out on purpose: the unmapped
report needs something to show.
"""

import csv
import io
from pathlib import Path

from sandbox import catalog

DIRECTORY = Path(__file__).parent
CARRIERS = [
    ["UPSG", "UPS", "", "", "Standard"],
    ["UPS2", "UPS", "", "", "Express"],
    ["FEDX", "FedEx", "", "", "Express"],
    ["USPS", "USPS", "", "", "Standard"],
    ["METRO", "", "Metro Couriers", "https://track.metrocouriers.example/?n={trackingNumber}", "Standard"],
]
# IFS Cloud's ShipViaCode holds 3 characters: the IFS demo maps its own codes to the same carriers.
IFS_CARRIERS = [["UPG", *CARRIERS[0][1:]], ["UP2", *CARRIERS[1][1:]], ["FDX", *CARRIERS[2][1:]],
                ["USP", *CARRIERS[3][1:]], ["MET", *CARRIERS[4][1:]]]


def _rows():
    """{file name: [rows without the integration column]} — the same files seed every demo ERP."""
    accounts = {name: code for name, (code, _) in catalog.GL_ACCOUNTS.items()}
    gl_dims = lambda account, center="ECOM": [account, center, catalog.ACCOUNTING_ENTITY, center, account, catalog.COMPANY]
    files = {
        "sku.csv": [[i.sku, i.item_code, "EA", "1", i.category, i.gtin, i.name, "1"] for i in catalog.items()],
        "shipnode.csv": [[n.ship_node, n.node_type, n.warehouse, "", n.name, "1"] for n in catalog.SHIP_NODES],
        # IFS Cloud addresses stock by site (Contract) and location.
        "shipnode-ifs_cloud.csv": [[n.ship_node, n.node_type, n.ifs_site, n.ifs_location, n.name, "1"]
                                   for n in catalog.SHIP_NODES],
        "gl.csv": [
            ["default", "*", "PRODUCT", *gl_dims(accounts["revenue"]), "1"],
            ["category", "Toys", "PRODUCT", *gl_dims(accounts["revenue_toys"]), "1"],
            ["default", "*", "SHIPPING", *gl_dims(accounts["shipping"]), "1"],
            ["default", "*", "TAX", *gl_dims(accounts["tax_payable"]), "1"],
            ["default", "*", "FEE", *gl_dims(accounts["fees"], "MKTPL"), "1"],
        ],
        "customer.csv": [["*", "*", catalog.CUSTOMER_NO, "1"]],
        "carrier.csv": [[*row, "1"] for row in CARRIERS],
        "carrier-ifs_cloud.csv": [[*row, "1"] for row in IFS_CARRIERS],
        "supplier.csv": [
            [i.sku, i.supplier, {s.vendor_id: s.business_unit for s in catalog.SUPPLIERS}[i.supplier], "1"]
            for i in catalog.items()
        ],
    }
    return files


def kind_of(file_name):
    return file_name.split(".")[0].split("-")[0]


def render():
    """{file name: CSV text}, the header being the import's columns (integration left blank)."""
    from mappings.kinds import KINDS  # needs Django set up (models)

    result = {}
    for name, rows in _rows().items():
        text = io.StringIO(newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(KINDS[kind_of(name)].headers)
        for row in rows:
            writer.writerow(["", *row])
        result[name] = text.getvalue()
    return result


if __name__ == "__main__":
    import django

    django.setup()
    for name, text in render().items():
        (DIRECTORY / name).write_text(text, encoding="utf-8")
        print(f"wrote {DIRECTORY / name}")
