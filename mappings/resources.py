"""django-import-export resources of the mapping kinds: the row layer of every export.

One `ModelResource` per kind, built from `mappings.kinds` (so columns exist in one place), with a
`CodecWidget` per column that delegates to the kind's cell codec: codes stay text (`123`, never
`123.0`; leading zeros kept), formula-looking text gets its `'` prefix, numbers are Decimals.

Only the row layer is the library's. Files are written by mappings.spreadsheet (streamed, XLSX
write-only with every cell typed as a string) and imports go through mappings.importer: why is
measured in docs/mappings.md ("Why the import pipeline is our own").
"""

from functools import lru_cache

from import_export import fields, resources, widgets

from mappings.kinds import KINDS


class CodecWidget(widgets.Widget):
    """A widget that reads and renders a cell with one of our codecs (mappings.cells)."""

    def __init__(self, codec):
        super().__init__()
        self.codec = codec

    def clean(self, value, row=None, **kwargs):
        return self.codec.clean(value)

    def render(self, value, obj=None, **kwargs):
        return self.codec.render(value)


@lru_cache(maxsize=None)
def resource_class(kind_name):
    """The ModelResource of a kind: its fields are the import's columns, in the import's order."""
    kind = KINDS[kind_name]
    attrs = {
        column.name: fields.Field(
            attribute="integration__slug" if column.name == "integration" else column.name,
            column_name=column.name, widget=CodecWidget(column.codec), readonly=column.name == "integration",
        )
        for column in kind.columns
    }
    # Export only: the integration column is the slug, read-only here; imports resolve it (and
    # everything else) in mappings.importer.
    attrs["Meta"] = type("Meta", (), {
        "model": kind.model, "fields": tuple(kind.headers), "export_order": tuple(kind.headers),
    })
    return type(f"{kind.model.__name__}Resource", (resources.ModelResource,), attrs)


def resource(kind_name):
    return resource_class(kind_name)()
