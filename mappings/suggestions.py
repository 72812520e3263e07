"""ERP items to suggest for unmapped Walmart SKUs, and accepting them through the import.

Signals, strongest first:
- same code: the ERP has an item whose code is the Walmart SKU (asked through the adapter's
  `lookup("item", codes)`, one batched read per chunk, the same call verification uses);
- same GTIN-14: Walmart's GTIN/UPC of the SKU (as GTIN-14) is
  - on an item of the ERP's item master (asked through the adapter's optional
    `items_by_gtin(gtins)`, one batched read per chunk: IFS Cloud sales parts, M3 EAN aliases,
    Exact Online item barcodes; adapters without it are simply not asked), or
  - the GTIN of a SKU mapping that already names an ERP item, on any integration posting to the
    same ERP connection (same item catalog), or of a mapped SKU Walmart lists with that GTIN (a
    relisted product).
  The item master and the mappings are pooled: one item between them is suggested, several are
  not guessed and the note lists them.

An ERP that cannot answer (outage, refused read, incomplete settings) leaves what it said before as
it was: an outage says nothing about the items.

Accepting builds SKU rows and runs them through `services.import_file`, the import's validation
and upsert, audited as `mapping.import.confirmed` with source "suggestion".
"""

import io
from collections import defaultdict

import pydantic

from connectors import registry
from connectors.errors import ConnectorError
from mappings import services
from mappings.cells import gtin14
from mappings.kinds import KINDS
from mappings.models import SightingKind, SkuMap, SuggestionBasis, UnmappedSighting
from mappings.spreadsheet import write_csv
from mappings.verify import adapter_for

CHUNK = 500  # codes per ERP read and per IN (...) query: below SQLite's variable limit
ITEM_CODE_LENGTH = SkuMap._meta.get_field("erp_item").max_length


def suggest(integration, sightings=None, *, listed_gtins=None, adapter_factory=adapter_for):
    """Set suggested_item / suggestion_basis / suggestion_note on unmapped SKU sightings.

    sightings: UnmappedSighting rows of the integration (default: all its SKU sightings).
    listed_gtins: {gtin14: [walmart skus]} of mapped SKUs on Walmart (from a catalog refresh).
    Returns {"suggested", "same_code", "gtin", "ambiguous", "errors"}. An ERP that cannot answer
    leaves earlier suggestions as they were: an outage says nothing about the items.
    """
    if sightings is None:
        sightings = UnmappedSighting.objects.filter(integration=integration, kind=SightingKind.SKU)
    rows = [row for row in sightings if row.kind == SightingKind.SKU]
    summary = {"suggested": 0, "same_code": 0, "gtin": 0, "ambiguous": 0, "errors": []}
    if not rows:
        return summary
    label = registry.label(integration.erp_system)
    adapter = _adapter(integration, adapter_factory, summary["errors"])
    same_code, answered = _same_code(adapter, label, [row.value for row in rows], summary["errors"])
    gtins = {row.gtin for row in rows if row.gtin}
    by_gtin = _gtin_candidates(integration, gtins, listed_gtins or {})
    in_erp, erp_answered = _erp_gtins(adapter, gtins, summary["errors"])
    changed = []
    for row in rows:
        mapped = by_gtin.get(row.gtin, {}) if row.gtin else {}
        erp_items = in_erp.get(gtin14(row.gtin), {}) if row.gtin else {}
        candidates = set(mapped) | set(erp_items)
        if row.value in same_code:
            outcome = (row.value, SuggestionBasis.SAME_CODE, _note(
                f"{label} has an item with the SKU's code {row.value}", same_code[row.value], candidates, row.value))
        elif len(candidates) == 1:
            (item,) = candidates
            outcome = (item, SuggestionBasis.GTIN, _gtin_note(row.gtin, item, label, erp_items, mapped))
        elif candidates:
            outcome = ("", "", _several(row.gtin, label, erp_items, mapped))
            summary["ambiguous"] += 1
        elif row.value not in answered and row.suggestion_basis == SuggestionBasis.SAME_CODE:
            continue  # the ERP did not answer this time: keep what it said before
        elif (row.gtin and erp_answered is not None and gtin14(row.gtin) not in erp_answered
              and row.suggestion_basis != SuggestionBasis.SAME_CODE and (row.suggested_item or row.suggestion_note)):
            continue  # the ERP's item master did not answer for this GTIN: keep what was found before
        else:
            outcome = ("", "", "")
        if outcome[1]:
            summary["suggested"] += 1
            summary[outcome[1]] += 1
        current = (row.suggested_item, row.suggestion_basis, row.suggestion_note)
        outcome = (outcome[0], outcome[1], outcome[2][:500])
        if current != outcome:
            row.suggested_item, row.suggestion_basis, row.suggestion_note = outcome
            changed.append(row)
    UnmappedSighting.objects.bulk_update(changed, ["suggested_item", "suggestion_basis", "suggestion_note"],
                                         batch_size=CHUNK)
    return summary


def _note(text, message, candidates, item):
    text = f"{text}: {message}" if message else text
    others = sorted(set(candidates) - {item})
    return f"{text} (its GTIN is mapped to {', '.join(others)} elsewhere: check)" if others else text


def _gtin_note(gtin, item, label, erp_items, mapped):
    sources = mapped.get(item, [])
    if item not in erp_items:
        return f"GTIN {gtin} is mapped to {item} on {', '.join(sources[:3])}"
    description = f" ({erp_items[item]})" if erp_items[item] else ""
    text = f"{label} item {item}{description} carries GTIN {gtin}"
    return f"{text}; it is mapped on {', '.join(sources[:3])}" if sources else text


def _several(gtin, label, erp_items, mapped):
    if not erp_items:
        return f"GTIN {gtin} is mapped to several ERP items ({', '.join(sorted(mapped))}); map this SKU by hand."
    where = []
    for item in sorted(set(erp_items) | set(mapped)):
        origins = ([f"{label} item"] if item in erp_items else []) + (["mapped"] if item in mapped else [])
        where.append(f"{item} ({', '.join(origins)})")
    return f"GTIN {gtin} is on several ERP items: {', '.join(where)}; map this SKU by hand."


def _adapter(integration, adapter_factory, errors):
    """The ERP adapter, or None (with the reason in `errors`) when it cannot be built."""
    try:
        return adapter_factory(integration)
    except ConnectorError as exc:
        errors.append(f"item: {exc}")
    except pydantic.ValidationError as exc:
        errors.append(f"item: the {integration.erp} connection's settings are incomplete ({exc.error_count()} problems)")
    return None


def _same_code(adapter, label, skus, errors):
    """({sku: ERP message} of SKUs the ERP has as item codes, set of SKUs the ERP answered for)."""
    found, answered = {}, set()
    codes = sorted({sku.strip() for sku in skus if sku.strip() and len(sku.strip()) <= ITEM_CODE_LENGTH})
    if not codes or adapter is None:
        return found, answered
    if not hasattr(adapter, "lookup"):
        errors.append(f"item: the {label} adapter cannot look codes up, so same-code suggestions are unavailable")
        return found, answered
    for start in range(0, len(codes), CHUNK):
        try:
            reply = adapter.lookup("item", codes[start:start + CHUNK])
        except ConnectorError as exc:
            errors.append(f"item: {exc}")
            break
        for code, (exists, message) in reply.items():
            answered.add(str(code).strip())
            if exists:
                found[str(code).strip()] = message or ""
    return found, answered


def _erp_gtins(adapter, gtins, errors):
    """({gtin14: {item: description}} of the ERP's items carrying these GTINs, GTIN-14s it answered for).

    The answered set is None when the ERP has no GTIN read (its adapter lacks `items_by_gtin`): there is
    then nothing to wait for. An adapter that could not be built answers for no GTIN.
    """
    wanted = sorted({gtin14(gtin) for gtin in gtins} - {""})
    if adapter is not None and not hasattr(adapter, "items_by_gtin"):
        return {}, None
    found, answered = defaultdict(dict), set()
    if adapter is None:
        return found, answered
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        try:
            reply = adapter.items_by_gtin(chunk)
        except ConnectorError as exc:
            errors.append(f"gtin: {exc}")
            break
        answered.update(chunk)
        for gtin, items in (reply or {}).items():
            gtin = gtin14(gtin)
            if gtin not in answered:
                continue
            for code, description in items:
                code = str(code or "").strip()
                if code and len(code) <= ITEM_CODE_LENGTH:
                    found[gtin].setdefault(code, str(description or "").strip())
    return found, answered


def _gtin_candidates(integration, gtins, listed_gtins):
    """{gtin14: {erp item: [where it is mapped]}} from mappings on the same ERP connection."""
    candidates = defaultdict(lambda: defaultdict(list))
    gtins = sorted(gtins)
    for start in range(0, len(gtins), CHUNK):
        rows = (SkuMap.objects.filter(integration__erp_id=integration.erp_id, gtin__in=gtins[start:start + CHUNK])
                .exclude(erp_item="").select_related("integration").order_by("-active", "walmart_sku"))
        for row in rows:
            where = f"{row.walmart_sku} ({row.integration.slug}{'' if row.active else ', retired'})"
            candidates[row.gtin][row.erp_item].append(where)
    wanted = set(gtins)
    relisted = {sku: code for code, skus in listed_gtins.items() if code in wanted for sku in skus}
    skus = sorted(relisted)
    for start in range(0, len(skus), CHUNK):
        for row in SkuMap.objects.filter(integration=integration, active=True, walmart_sku__in=skus[start:start + CHUNK]):
            where = f"{row.walmart_sku} ({integration.slug}, same GTIN on Walmart)"
            if row.erp_item and where not in candidates[relisted[row.walmart_sku]][row.erp_item]:
                candidates[relisted[row.walmart_sku]][row.erp_item].append(where)
    return candidates


def accept(sightings, *, user=None):
    """Import the suggested items of these SKU sightings, one import per integration.

    Returns [(integration, ImportResult, refused)], refused = ["SKU (column): message"]: the rows
    the import refused, named by SKU since staff never see the generated file's row numbers. Those
    are not written; the valid ones are (as with --skip-errors). An existing, retired mapping of the
    SKU is updated, keeping its unit, factor and texts: accepting only sets the item and reactivates it.
    """
    by_integration = defaultdict(list)
    for row in sightings:
        if row.kind == SightingKind.SKU and row.suggested_item:
            by_integration[row.integration].append(row)
    results = []
    for integration, rows in by_integration.items():
        data = _csv(integration, rows)
        result = services.import_file("sku", f"suggestions-{integration.slug}.csv", data, user=user,
                                      integration=integration, skip_errors=True, source="suggestion")
        # Row 1 is the header, so row n of the file is rows[n - 2].
        refused = [f"{rows[error.row - 2].value} ({error.column}): {error.message}" for error in result.errors]
        results.append((integration, result, refused))
    return results


def _csv(integration, rows):
    kind = KINDS["sku"]
    existing = {row.walmart_sku: row for row in SkuMap.objects.filter(
        integration=integration, walmart_sku__in=[row.value for row in rows])}
    lines = []
    for sighting in rows:
        current = existing.get(sighting.value)
        values = {
            "integration": integration.slug, "walmart_sku": sighting.value, "erp_item": sighting.suggested_item,
            "unit": current.unit if current else "", "factor": current.factor if current else 1,
            "category": (current.category if current else "") or sighting.detail,
            "gtin": (current.gtin if current else "") or sighting.gtin,
            "description": (current.description if current else "") or sighting.name, "active": True,
        }
        # Rendered by the import's own codecs, so escaping and number formats round-trip exactly.
        lines.append([column.codec.render(values[column.name]) for column in kind.columns])
    text = io.StringIO(newline="")
    write_csv(text, kind.headers, lines)
    return text.getvalue().encode("utf-8")
