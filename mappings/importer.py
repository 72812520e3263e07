"""The import pipeline shared by the admin, the CLI, the queued confirm and the demo seeding.

One pass over the streamed rows, in chunks: clean each cell, check the row (per-ERP rules from
mappings.kinds), look the chunk's natural keys up in ONE query, and classify every row as new,
updated, unchanged or error. A dry run stops there. A real run does the same inside one
transaction and writes each chunk with bulk operations; if any row has an error (and errors are
not skipped) or the plan differs from the previewed one (`expected_digest`), the transaction is
rolled back, so nothing is ever half-written. Upsert by natural key; rows are never deleted.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from mappings.cells import CellError
from mappings.kinds import KINDS
from mappings.models import VerifyState
from mappings.spreadsheet import FileRefused, check_size, read_rows
from syncs.models import Integration

CHUNK_ROWS = 1000
MAX_ERRORS_KEPT = 1000
SAMPLE_ROWS = 20
# The key field to look existing rows up by (the most selective one).
LOOKUP_FIELD = {"gl": "scope"}


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"Row {self.row}, column {self.column}: {self.message}" if self.column else f"Row {self.row}: {self.message}"


@dataclass
class ImportResult:
    kind: str
    counts: dict = field(default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0, "errors": 0})
    errors: list = field(default_factory=list)  # RowError, the first MAX_ERRORS_KEPT
    error_count: int = 0
    sample: list = field(default_factory=list)  # [{"row", "action", "values"}] of the first changes
    rows: int = 0
    digest: str = ""
    written: bool = False
    changed_since_preview: bool = False

    def as_dict(self):
        return {
            "kind": self.kind, "counts": self.counts, "rows": self.rows, "digest": self.digest,
            "error_count": self.error_count, "written": self.written,
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors],
            "sample": self.sample,
        }


class _Rollback(Exception):
    """Leave the transaction without writing: an error row, or a plan that differs from the preview."""


def run_import(kind_name, data, *, integration=None, dry_run=True, skip_errors=False, expected_digest=None):
    """Validate (and unless dry_run, apply) a mapping file. Raises FileRefused for whole-file problems."""
    check_size(len(data))
    kind = KINDS[kind_name]
    result = ImportResult(kind=kind_name)
    if dry_run:
        _run(kind, data, integration, result, write=False)
        return result
    try:
        with transaction.atomic():
            _run(kind, data, integration, result, write=True, skip_errors=skip_errors)
            if result.error_count and not skip_errors:
                raise _Rollback
            if expected_digest is not None and result.digest != expected_digest:
                result.changed_since_preview = True
                raise _Rollback
            result.written = True
    except _Rollback:
        result.written = False
    except IntegrityError:
        # Another import or an admin edit inserted one of our new keys meanwhile (the UNIQUE
        # constraint caught it, the transaction rolled back): report it like a changed preview.
        result.written = False
        result.changed_since_preview = True
    if result.changed_since_preview:
        # Report what the data looks like now, as a fresh preview.
        fresh = run_import(kind_name, data, integration=integration, dry_run=True)
        fresh.changed_since_preview = True
        return fresh
    return result


def _run(kind, data, integration, result, *, write, skip_errors=False):
    rows = read_rows(data)
    header = next(rows, None)
    if header is None:
        raise FileRefused("The file is empty.")
    positions = _map_header(kind, header[1], integration)
    integrations = {i.slug: i for i in Integration.objects.select_related("erp")}
    digest = hashlib.sha256()
    seen = {}
    chunk = []
    for number, cells in rows:
        result.rows += 1
        parsed = _parse_row(kind, number, cells, positions, integration, integrations, result)
        if parsed is not None:
            key = kind.key_of(parsed[1].pk, parsed[2])
            if key in seen:
                shown = ", ".join(f"{name} {parsed[2][name]!r}" for name in kind.key)
                _error(result, number, "+".join(kind.key),
                       f"duplicate: rows {seen[key]} and {number} both map {shown} of integration {parsed[1].slug}; keep one.")
                digest.update(f"{number}|dup\n".encode())
                continue
            seen[key] = number
            chunk.append(parsed)
        if len(chunk) >= CHUNK_ROWS:
            _process_chunk(kind, chunk, result, digest, write=write and (skip_errors or not result.error_count))
            chunk = []
    if chunk:
        _process_chunk(kind, chunk, result, digest, write=write and (skip_errors or not result.error_count))
    if result.rows == 0:
        raise FileRefused("The file has a header row but no data rows.")
    result.digest = digest.hexdigest()


def _map_header(kind, header_cells, integration):
    names = [str(cell).strip().lstrip("\ufeff").lower() if cell is not None else "" for cell in header_cells]
    while names and names[-1] == "":
        names.pop()
    expected = kind.headers
    optional = {"integration"} if integration is not None else set()
    duplicates = sorted({name for name in names if name and names.count(name) > 1})
    unknown = [name or "(blank)" for name in names if name not in expected]
    missing = [name for name in expected if name not in names and name not in optional]
    if duplicates or unknown or missing:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown {', '.join(unknown)}")
        if duplicates:
            parts.append(f"repeated {', '.join(duplicates)}")
        raise FileRefused(
            f"The header row (row 1) does not match the {kind.label} template: {'; '.join(parts)}. "
            f"Expected columns: {', '.join(expected)}."
        )
    return {name: names.index(name) for name in expected if name in names}


def _error(result, row, column, message):
    result.error_count += 1
    if len(result.errors) < MAX_ERRORS_KEPT:
        result.errors.append(RowError(row, column, message))


def _parse_row(kind, number, cells, positions, integration, integrations, result):
    """(row number, integration, cleaned values), or None after recording the row's errors."""
    errors_before = result.error_count
    values = {}
    for column in kind.columns:
        position = positions.get(column.name)
        raw = cells[position] if position is not None and position < len(cells) else None
        try:
            values[column.name] = column.codec.clean(raw)
        except CellError as exc:
            _error(result, number, column.name, str(exc))
    target = _row_integration(values.pop("integration", ""), integration, integrations, number, result)
    if result.error_count == errors_before and target is not None:
        for column, message in kind.check(values, target.erp_system):
            _error(result, number, column, message)
    if result.error_count > errors_before or target is None:
        result.counts["errors"] += 1
        return None
    return number, target, values


def _row_integration(slug, integration, integrations, number, result):
    if integration is not None:
        if slug and slug != integration.slug:
            _error(result, number, "integration", f"is {slug!r}, but this import is for integration {integration.slug!r}.")
            return None
        return integration
    if not slug:
        _error(result, number, "integration", "is required (or choose the integration to import into).")
        return None
    found = integrations.get(slug)
    if found is None:
        known = ", ".join(sorted(integrations)) or "none yet"
        _error(result, number, "integration", f"{slug!r} is not an integration (known: {known}).")
    return found


def _process_chunk(kind, chunk, result, digest, *, write):
    model = kind.model
    lookup = LOOKUP_FIELD.get(kind.name, kind.key[0])
    existing = {
        kind.key_of(row.integration_id, {name: getattr(row, name) for name in kind.key}): row
        for row in model.objects.filter(
            integration_id__in={target.pk for _, target, _ in chunk},
            **{f"{lookup}__in": {values[lookup] for _, _, values in chunk}},
        )
    }
    now = timezone.now()
    to_create, to_update = [], []
    fields = kind.value_fields
    for number, target, values in chunk:
        row = existing.get(kind.key_of(target.pk, values))
        if row is None:
            action = "new"
            if write:  # building model instances is a third of a dry run's time otherwise
                to_create.append(model(integration=target, **values))
        else:
            changed = [name for name in fields if getattr(row, name) != values[name]]
            if not changed:
                result.counts["unchanged"] += 1
                continue
            action = "updated"
            for name in changed:
                setattr(row, name, values[name])
            if set(changed) & set(kind.verify_fields):
                # The ERP has not confirmed the new code yet.
                row.verify_state, row.verify_message, row.verified_at = VerifyState.UNVERIFIED, "", None
            row.updated_at = now
            to_update.append(row)
        result.counts[action] += 1
        digest.update(f"{number}|{action}|{target.pk}|{sorted(values.items())}\n".encode())
        if len(result.sample) < SAMPLE_ROWS:
            result.sample.append({"row": number, "action": action, "integration": target.slug,
                                  "values": {name: str(value) for name, value in values.items()}})
    if write:
        model.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            model.objects.bulk_update(
                to_update, [*fields, "verify_state", "verify_message", "verified_at", "updated_at"], batch_size=500
            )
