"""items_out for IFS Cloud: the configured site's sales parts changed since a mark, as ItemData.

One read of SalesPartSet (`Contract eq site and <item_changed_field> ge <mark>`), snapshot_page_size rows
per call. Title = CatalogDesc, price = ListPrice in price_currency (as price_snapshot reads it), GTIN from
`gtin_field` (as items_by_gtin reads it) as GTIN-14; the rest from the properties `item_fields` names,
all UNCONFIRMED for IFS Cloud (SETUP.md). Images keep only https URLs (Walmart fetches nothing else).
"""

from connectors.contract import ItemData
from connectors.gtin import as_gtin14
from connectors import marks
from connectors.ifs_cloud.records import number


def read(client, config, since):
    stamp = marks.parse(since).get("item", marks.Stamp())
    fields = {k: v for k, v in config.item_fields.items() if v}
    changed = config.item_changed_field
    select = ",".join(dict.fromkeys(["CatalogNo", "CatalogDesc", "ListPrice", changed, *fields.values(),
                                     *([config.gtin_field] if config.gtin_field else [])]))
    rows = client.changed_sales_parts(config.site, field=changed, since=stamp.literal(), select=select,
                                      page_size=config.snapshot_page_size)
    rows = [r for r in rows if not stamp.seen(marks.parse_date(r.get(changed)), r["CatalogNo"])]
    items = [_item(config, fields, r) for r in rows]
    new = stamp.after((marks.parse_date(r.get(changed)), r["CatalogNo"]) for r in rows)
    return items, marks.render({"item": new})


def _decimal(row, field):
    return number(row.get(field))[0] if field else None


def _item(config, fields, row):
    at = marks.parse_date(row.get(config.item_changed_field))
    images = tuple(url for url in str(row.get(fields.get("images", "")) or "").split() if url.startswith("https://"))
    dimensions = [_decimal(row, fields.get(k)) for k in ("length", "width", "height")]
    weight = _decimal(row, fields.get("weight"))
    return ItemData(
        item=row["CatalogNo"], title=row.get("CatalogDesc") or "",
        description=str(row.get(fields.get("description", "")) or "") if fields.get("description") else "",
        brand=str(row.get(fields["brand"]) or "") if fields.get("brand") else "",
        gtin=as_gtin14(str(row.get(config.gtin_field) or "")) if config.gtin_field else "",
        images=images, weight=weight, weight_unit=config.weight_unit if weight is not None else "",
        length=dimensions[0], width=dimensions[1], height=dimensions[2],
        dimension_unit=config.dimension_unit if any(d is not None for d in dimensions) else "",
        price=number(row.get("ListPrice"))[0], currency=config.price_currency, mark=marks.iso(at) if at else "",
    )
