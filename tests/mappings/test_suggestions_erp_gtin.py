"""Suggestions from the ERP's item master by GTIN-14 (the adapters' optional items_by_gtin): one item
is suggested (basis gtin), several are not guessed, an ERP that cannot answer keeps what was found
before; end to end against the IFS Cloud, Infor M3 and Exact Online emulators."""

from importlib import import_module

import pytest
from django.utils import timezone

from connectors.errors import PermanentError, RecoverableError
from connectors.models import Connection
from mappings.models import SkuMap, UnmappedSighting
from mappings.suggestions import CHUNK, suggest
from sandbox import catalog, clock
from sandbox.models import Fault
from syncs.models import Integration

GTIN = "00012345678905"
EAN = "04006381333931"


class Erp:
    """An adapter with the optional GTIN read; `master` = {gtin14: [(item, description)]}."""

    def __init__(self, master=None, items=(), fail=None, gtin_fail=None):
        self.master, self.items, self.fail, self.gtin_fail = master or {}, set(items), fail, gtin_fail
        self.calls = []

    def lookup(self, kind, codes):
        self.calls.append((kind, list(codes)))
        if self.fail:
            raise self.fail
        return {code: (True, f"Item {code}") if code in self.items else (False, f"no item {code}") for code in codes}

    def items_by_gtin(self, gtins):
        self.calls.append(("gtin", list(gtins)))
        if self.gtin_fail:
            raise self.gtin_fail
        return {gtin: self.master[gtin] for gtin in gtins if gtin in self.master}


def sighting(integration, value, **fields):
    now = timezone.now()
    return UnmappedSighting.objects.create(integration=integration, kind="sku", value=value, first_seen=now,
                                           last_seen=now, **fields)


def outcome(value):
    row = UnmappedSighting.objects.get(value=value)
    return row.suggested_item, row.suggestion_basis, row.suggestion_note


@pytest.mark.django_db
def test_one_item_in_the_erps_master_is_suggested_in_one_batched_read(exact):
    sighting(exact, "WM-1", gtin=GTIN)
    sighting(exact, "WM-2", gtin=EAN)
    sighting(exact, "WM-3")
    erp = Erp(master={GTIN: [("ITM7", "Blue kettle")]})
    summary = suggest(exact, adapter_factory=lambda integration: erp)
    assert erp.calls == [("item", ["WM-1", "WM-2", "WM-3"]), ("gtin", [GTIN, EAN])]
    assert outcome("WM-1") == ("ITM7", "gtin", f"Exact Online item ITM7 (Blue kettle) carries GTIN {GTIN}")
    assert outcome("WM-2") == outcome("WM-3") == ("", "", "")
    assert summary == {"suggested": 1, "same_code": 0, "gtin": 1, "ambiguous": 0, "errors": []}


@pytest.mark.django_db
def test_the_master_and_the_mappings_agreeing_is_one_item(exact):
    SkuMap.objects.create(integration=exact, walmart_sku="WM-OLD", erp_item="ITM7", gtin=GTIN, active=False)
    sighting(exact, "WM-NEW", gtin=GTIN)
    suggest(exact, adapter_factory=lambda integration: Erp(master={GTIN: [("ITM7", "")]}))
    assert outcome("WM-NEW") == (
        "ITM7", "gtin", f"Exact Online item ITM7 carries GTIN {GTIN}; it is mapped on WM-OLD (acme-exact, retired)")


@pytest.mark.django_db
def test_several_items_are_not_guessed_and_the_note_lists_them(exact):
    sighting(exact, "WM-1", gtin=GTIN)
    summary = suggest(exact, adapter_factory=lambda integration: Erp(master={GTIN: [("ITM1", "A"), ("ITM2", "B")]}))
    assert outcome("WM-1") == ("", "", f"GTIN {GTIN} is on several ERP items: ITM1 (Exact Online item), "
                                       "ITM2 (Exact Online item); map this SKU by hand.")
    assert summary["ambiguous"] == 1 and summary["suggested"] == 0

    # The master says ITM1, a mapping says ITM9: two items, no guess.
    SkuMap.objects.create(integration=exact, walmart_sku="WM-A", erp_item="ITM9", gtin=GTIN)
    suggest(exact, adapter_factory=lambda integration: Erp(master={GTIN: [("ITM1", "A")]}))
    assert outcome("WM-1") == ("", "", f"GTIN {GTIN} is on several ERP items: ITM1 (Exact Online item), "
                                       "ITM9 (mapped); map this SKU by hand.")


@pytest.mark.django_db
def test_a_same_code_item_still_wins_and_the_note_says_the_gtin_points_elsewhere(exact):
    sighting(exact, "ITM1", gtin=GTIN)
    suggest(exact, adapter_factory=lambda integration: Erp(items={"ITM1"}, master={GTIN: [("ITM2", "")]}))
    assert outcome("ITM1") == ("ITM1", "same_code", "Exact Online has an item with the SKU's code ITM1: Item ITM1 "
                                                    "(its GTIN is mapped to ITM2 elsewhere: check)")


@pytest.mark.django_db
@pytest.mark.parametrize("error", [RecoverableError("503 from Exact"), PermanentError("refused")])
def test_an_erp_that_cannot_answer_keeps_earlier_gtin_suggestions(exact, error):
    sighting(exact, "WM-1", gtin=GTIN, suggested_item="ITM7", suggestion_basis="gtin", suggestion_note="earlier")
    sighting(exact, "WM-2", gtin=EAN, suggestion_note="earlier: several items")
    sighting(exact, "ITM5", suggested_item="ITM5", suggestion_basis="same_code", suggestion_note="earlier")
    summary = suggest(exact, adapter_factory=lambda integration: Erp(gtin_fail=error))
    assert outcome("WM-1") == ("ITM7", "gtin", "earlier")
    assert outcome("WM-2") == ("", "", "earlier: several items")
    assert outcome("ITM5") == ("", "", "")  # the same-code read did answer: ITM5 is gone from the ERP
    assert summary["errors"] == [f"gtin: {error}"]

    # When the ERP answers again, what it says now replaces what it said before.
    suggest(exact, adapter_factory=lambda integration: Erp())
    assert outcome("WM-1") == outcome("WM-2") == ("", "", "")


@pytest.mark.django_db
def test_an_adapter_without_the_gtin_read_uses_the_mappings_only(exact):
    class LookupOnly:
        def lookup(self, kind, codes):
            return {}

    sighting(exact, "WM-1", gtin=GTIN, suggested_item="ITM7", suggestion_basis="gtin", suggestion_note="stale")
    summary = suggest(exact, adapter_factory=lambda integration: LookupOnly())
    assert outcome("WM-1") == ("", "", "") and summary["errors"] == []


@pytest.mark.django_db
def test_gtins_are_asked_for_in_chunks(exact):
    gtins = [catalog.gtin14(881234100000 + n) for n in range(CHUNK + 1)]
    UnmappedSighting.objects.bulk_create([
        UnmappedSighting(integration=exact, kind="sku", value=f"WM-{n}", gtin=gtin, first_seen=timezone.now(),
                         last_seen=timezone.now()) for n, gtin in enumerate(gtins)])
    erp = Erp(master={gtins[-1]: [("ITM1", "")]})
    suggest(exact, adapter_factory=lambda integration: erp)
    assert [len(codes) for kind, codes in erp.calls if kind == "gtin"] == [CHUNK, 1]
    assert outcome(f"WM-{CHUNK}")[:2] == ("ITM1", "gtin")


# --- end to end against the emulators ------------------------------------------------------

def integration_for(system, sandbox):
    seed = import_module(f"sandbox.{system}.seed")
    erp = seed.provision_connection(f"erp-{system.replace('_', '-')}", sandbox)
    if "site_url" in seed.seed_demo.__code__.co_varnames:
        seed.seed_demo(site_url=sandbox)
    else:
        seed.seed_demo()
    walmart = Connection.objects.create(name="wm", system="walmart", config={"client_id": "x"})
    return Integration.objects.create(slug="acme", name="Acme", walmart=walmart, erp=erp)


@pytest.mark.parametrize("system, description", [("ifs_cloud", True), ("infor_m3", False), ("exact_online", True)])
def test_a_relisted_product_is_found_in_the_erps_item_master(system, description, sandbox):
    """A SKU Walmart lists under a new code, with the GTIN of an ERP item nothing maps yet."""
    integration = integration_for(system, sandbox)
    item, other = catalog.items()[4], catalog.items()[5]
    sighting(integration, "WM-RELISTED", gtin=item.gtin)
    sighting(integration, "WM-NEW-PRODUCT", gtin=catalog.unmapped_items()[0].gtin)
    sighting(integration, other.item_code, gtin=other.gtin)  # same code wins
    summary = suggest(integration)
    assert summary["errors"] == [] and summary["gtin"] == 1 and summary["same_code"] == 1
    suggested, basis, note = outcome("WM-RELISTED")
    assert (suggested, basis) == (item.item_code, "gtin")
    assert note.startswith(f"{integration.erp.system_label} item {item.item_code}") and item.gtin in note
    assert (item.name in note) == description  # M3's alias read carries no item text
    assert outcome("WM-NEW-PRODUCT") == ("", "", "")
    assert outcome(other.item_code)[:2] == (other.item_code, "same_code")

    # An outage of the ERP keeps the suggestion it made.
    Fault.objects.create(system=system, mode="outage", starts_at=clock.now())
    summary = suggest(integration)
    assert summary["errors"] and outcome("WM-RELISTED")[:2] == (item.item_code, "gtin")
