"""PeopleSoft sandbox data (open POs and stock from sandbox.catalog), accounts and connections.

Open POs are derived from the shared catalog, deterministically: every item's supplier has one open
PO schedule for it, except every tenth item (only a completed PO: no match) and every tenth item
counting from the fifth (two open POs from the same supplier: an ambiguous match).
"""

from datetime import date, timedelta
from decimal import Decimal

from connectors.peoplesoft.config import PeopleSoftConfig
from sandbox import catalog, credentials, provision
from sandbox.peoplesoft.gateway import SYSTEM
from sandbox.peoplesoft.models import ItemBalance, PoSchedule

LINES_PER_PO = 4
FIRST_PO = 80001
FIRST_PO_DATE = date(2026, 9, 1)
RECEIVING_UNITS = tuple(n.warehouse for n in catalog.SHIP_NODES if n.node_type == "SellerFulfilled")


def no_match(index):
    return index % 10 == 0


def ambiguous(index):
    return index % 10 == 5


def _schedules():
    """(status, fully_received, item index, item) groups per supplier, chunked into POs of a few lines."""
    runs = []
    for supplier in catalog.SUPPLIERS:
        own = [(i, item) for i, item in enumerate(catalog.items(), start=1) if item.supplier == supplier.vendor_id]
        runs.append((supplier, "Dispatched", [(i, it) for i, it in own if not no_match(i)]))
        runs.append((supplier, "Approved", [(i, it) for i, it in own if ambiguous(i)]))
        runs.append((supplier, "Complete", [(i, it) for i, it in own if no_match(i)]))
    po_number = FIRST_PO
    for supplier, status, lines in runs:
        for start in range(0, len(lines), LINES_PER_PO):
            receiving = RECEIVING_UNITS[po_number % len(RECEIVING_UNITS)]
            for line_nbr, (index, item) in enumerate(lines[start:start + LINES_PER_PO], start=1):
                qty_po = Decimal((24, 48, 96, 120)[index % 4])
                if status == "Complete":
                    received = qty_po
                else:  # every third schedule is partly received already
                    received = Decimal(12) if index % 3 == 0 and status == "Dispatched" else Decimal(0)
                yield PoSchedule(
                    business_unit=supplier.business_unit, po_id=f"{po_number:010d}", line_nbr=line_nbr, sched_nbr=1,
                    inv_item_id=item.item_code, vendor_id=supplier.vendor_id,
                    po_dt=FIRST_PO_DATE + timedelta(days=po_number % 60), po_status=status, qty_po=qty_po,
                    qty_received=received, unit_of_measure="EA", shipto_setid="SHARE", shipto_id=receiving,
                    business_unit_in=receiving,
                )
            po_number += 1


def _balances():
    for index, item in enumerate(catalog.items(), start=1):
        for warehouse, qty in item.stock.items():
            reserved = min(qty, 2) if index % 4 == 0 else 0
            yield ItemBalance(business_unit=warehouse, inv_item_id=item.item_code, qty_onhand=Decimal(qty),
                              qty_reserved=Decimal(reserved))


def seed_demo():
    """Create the missing POs and balances; existing rows (and what receipts did to them) stay as they are."""
    have = set(PoSchedule.objects.values_list("business_unit", "po_id", "line_nbr", "sched_nbr"))
    PoSchedule.objects.bulk_create(
        [s for s in _schedules() if (s.business_unit, s.po_id, s.line_nbr, s.sched_nbr) not in have])
    have = set(ItemBalance.objects.values_list("business_unit", "inv_item_id"))
    ItemBalance.objects.bulk_create([b for b in _balances() if (b.business_unit, b.inv_item_id) not in have])


def provision_connection(name="demo-peoplesoft", site_url=None, auth_type="basic", **overrides):
    """A PeopleSoft operator (basic) or OAuth2 client in the emulator, and a Connection that uses it.

    `overrides` that name a PeopleSoftConfig field change the connection's config (e.g. node="WRONG",
    read_timeout=1); the others are settings of the emulator account (token_lifetime,
    inactive_operations, denied_operations... see sandbox.peoplesoft.gateway).
    """
    config_overrides = {k: v for k, v in overrides.items() if k in PeopleSoftConfig.model_fields}
    account_settings = {k: v for k, v in overrides.items() if k not in config_overrides}
    base = provision.sandbox_base(SYSTEM, site_url)
    config = {"base_url": base, "node": "PSFT_EP", "auth_type": auth_type}
    if auth_type == "oauth2":
        key, secret = f"sandbox-{name}", f"sandbox-secret-for-{name}-not-for-production"
        config.update(client_id=key, token_url=f"{base}/oauth2/v1/token")
        secrets = {"client_secret": secret}
    else:
        key, secret = "ML_" + name.upper().replace("-", "_")[:27], f"sandbox-pw-for-{name}-not-for-production"
        config.update(username=key)
        secrets = {"password": secret}
    credentials.create_account(SYSTEM, key, secret, name=name, auth=auth_type, **account_settings)
    return provision.connection(name, SYSTEM, config={**config, **config_overrides}, secrets=secrets)
