"""The six mapping kinds of the import/export: columns (header = model field), natural key, row rules.

One definition serves the import, the export, the templates, the admin's `clean()` and the CLI,
so a column cannot exist in one place and not the other. Headers are the field names; the first
column is always `integration` (its slug), so one file may carry several integrations.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from mappings import cells, erp
from mappings.models import (
    ANY, CarrierMap, ChargeType, CustomerMap, GlLevel, GlRule, NodeType, ShipNodeMap, SkuMap, SupplierMap,
)


@dataclass(frozen=True)
class Column:
    name: str
    codec: object
    required: bool = False  # must be non-blank whatever the ERP

    @property
    def field(self):
        return None if self.name == "integration" else self.name


INTEGRATION = Column("integration", cells.Code(50))
ACTIVE = Column("active", cells.Flag())


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    columns: tuple
    key: tuple  # natural key fields, after `integration`
    label: str
    verify_fields: tuple = field(default=())  # changing one of these makes the row unverified again

    @property
    def headers(self):
        return [column.name for column in self.columns]

    @property
    def value_fields(self):
        return [column.name for column in self.columns if column.field]

    def check(self, values, system):
        """Cross-column and per-ERP rules for one cleaned row: a list of (column, message)."""
        errors = [
            (column.name, "is required.")
            for column in self.columns
            if column.required and column.field and values.get(column.name) in ("", None)
        ]
        if errors:
            return errors
        errors += self._erp_errors(values, system)
        errors += RULES.get(self.name, lambda values: [])(values)
        return errors

    def _erp_errors(self, values, system):
        context = f"for {values['charge_type']}" if self.name == "gl" and values.get("charge_type") else ""
        return [
            (name, erp.missing_message(system, name, context) + ".")
            for name in erp.required_fields(self.name, system)
            if values.get(name) in ("", None)
        ]

    def key_of(self, integration_id, values):
        return (integration_id, *(values[name] for name in self.key))


def _gl_rules(values):
    level, scope = values.get("level"), values.get("scope")
    if level == GlLevel.DEFAULT and scope not in ("", ANY):
        return [("scope", "must be * for a default rule.")]
    if level != GlLevel.DEFAULT and scope == ANY:
        return [("scope", f"must name the {level} for a {level} rule; * is only for the default rule.")]
    return []


def _carrier_rules(values):
    carriers, _ = erp.walmart_carriers()
    walmart, other, url = values.get("walmart_carrier"), values.get("other_carrier"), values.get("tracking_url")
    if walmart and other:
        return [("other_carrier", "fill either walmart_carrier or other_carrier, not both.")]
    if not walmart and not other:
        return [("walmart_carrier", "fill walmart_carrier (Walmart's list) or other_carrier with a tracking_url.")]
    if other:
        by_lower = {name.lower(): name for name in carriers}
        if other.lower() in by_lower:
            return [("other_carrier", f"{other!r} is on Walmart's carrier list: put {by_lower[other.lower()]!r} in "
                                      "walmart_carrier, or Walmart rejects the tracking as invalid.")]
        if not url:
            return [("tracking_url", "is required with other_carrier (Walmart rejects tracking without it).")]
    return []


RULES = {"gl": _gl_rules, "carrier": _carrier_rules}


def _carrier_choice():
    carriers, _ = erp.walmart_carriers()
    return cells.Choice(carriers)


def _method_choice():
    _, method_codes = erp.walmart_carriers()
    return cells.Choice(method_codes, max_length=20)


KINDS = {
    "sku": Kind("sku", SkuMap, (
        INTEGRATION,
        Column("walmart_sku", cells.Code(100), required=True),
        Column("erp_item", cells.Code(50)),
        Column("unit", cells.Code(20)),
        Column("factor", cells.Number(18, 6, default=Decimal("1.000000"), positive=True)),
        Column("category", cells.Text(100)),
        Column("gtin", cells.Gtin()),
        Column("description", cells.Text(255)),
        ACTIVE,
    ), key=("walmart_sku",), label="SKU mappings", verify_fields=("erp_item",)),
    "shipnode": Kind("shipnode", ShipNodeMap, (
        INTEGRATION,
        Column("ship_node", cells.Code(50), required=True),
        Column("node_type", cells.Choice(NodeType.values, max_length=20), required=True),
        Column("warehouse", cells.Code(50)),
        Column("location", cells.Code(50)),
        Column("name", cells.Text(100)),
        ACTIVE,
    ), key=("ship_node",), label="ship node mappings", verify_fields=("warehouse", "location")),
    "gl": Kind("gl", GlRule, (
        INTEGRATION,
        Column("level", cells.Choice(GlLevel.values, max_length=10), required=True),
        Column("scope", cells.Code(100), required=True),
        Column("charge_type", cells.Choice(ChargeType.values, max_length=10), required=True),
        Column("gl_account", cells.Code(50)),
        Column("cost_center", cells.Code(50)),
        Column("accounting_entity", cells.Code(50)),
        Column("accounting_unit", cells.Code(50)),
        Column("account_code", cells.Code(50)),
        Column("company", cells.Code(20)),
        ACTIVE,
    ), key=("level", "scope", "charge_type"), label="GL rules",
        verify_fields=("gl_account", "cost_center", "accounting_entity", "accounting_unit", "account_code", "company")),
    "customer": Kind("customer", CustomerMap, (
        INTEGRATION,
        Column("channel", cells.Code(50), required=True),
        Column("ship_to_state", cells.State(), required=True),
        Column("erp_customer", cells.Code(50)),
        ACTIVE,
    ), key=("channel", "ship_to_state"), label="customer mappings", verify_fields=("erp_customer",)),
    "carrier": Kind("carrier", CarrierMap, (
        INTEGRATION,
        Column("erp_carrier", cells.Code(50), required=True),
        Column("walmart_carrier", _carrier_choice()),
        Column("other_carrier", cells.Text(100)),
        Column("tracking_url", cells.Url(500)),
        Column("method_code", _method_choice()),
        ACTIVE,
    ), key=("erp_carrier",), label="carrier mappings"),
    "supplier": Kind("supplier", SupplierMap, (
        INTEGRATION,
        Column("walmart_sku", cells.Code(100), required=True),
        Column("vendor_id", cells.Code(20)),
        Column("business_unit", cells.Code(20)),
        ACTIVE,
    ), key=("walmart_sku",), label="supplier mappings", verify_fields=("vendor_id", "business_unit")),
}

KIND_BY_MODEL = {kind.model: kind for kind in KINDS.values()}

