"""Export mappings with exactly the import's columns, so an exported file imports back unchanged.

Rows are rendered by django-import-export resources (mappings.resources) whose widgets are the
same codecs that read them (mappings.cells), which escape formula-looking cells; XLSX cells are
typed as strings. Rows stream from the database with `.iterator()` into mappings.spreadsheet's
writers, not into a tablib Dataset: a 50,000-row XLSX then needs no extra memory (docs/mappings.md).
"""

import io

from mappings.kinds import KINDS
from mappings.resources import resource
from mappings.spreadsheet import write_csv, write_xlsx

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def format_for(filename):
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        raise ValueError(f"Cannot tell the format of {filename!r}: use a .csv or .xlsx file name.")
    return suffix


def rendered_rows(kind_name, integration=None, queryset=None):
    """Each row as the export's cells, rendered by the kind's django-import-export resource (mappings.resources)."""
    kind = KINDS[kind_name]
    row_layer = resource(kind_name)
    rows = queryset if queryset is not None else kind.model.objects.all()
    if integration is not None:
        rows = rows.filter(integration=integration)
    rows = rows.select_related("integration").order_by("integration__slug", *kind.key)
    for row in rows.iterator(chunk_size=2000):
        yield row_layer.export_resource(row)


def export_bytes(kind_name, fmt, integration=None, queryset=None, template=False):
    """The file as bytes. `template=True` gives just the header row (the per-kind import template)."""
    kind = KINDS[kind_name]
    rows = [] if template else rendered_rows(kind_name, integration, queryset)
    if fmt == "csv":
        text = io.StringIO(newline="")
        write_csv(text, kind.headers, rows)
        # A BOM so Excel opens accents correctly; the import accepts it.
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    binary = io.BytesIO()
    write_xlsx(binary, kind.headers, rows, title=kind.label)
    return binary.getvalue()


def count_rows(kind_name, integration=None, queryset=None):
    rows = queryset if queryset is not None else KINDS[kind_name].model.objects.all()
    if integration is not None:
        rows = rows.filter(integration=integration)
    return rows.count()
