"""The one way syncs read mappings: order lines in, ERP targets or reason codes out.

Build one `Resolver` per run. Each `resolve_lines()` call costs a fixed number of queries
whatever the batch size (one per mapping kind it needs; GL rules, customers and carriers are read
once per resolver), so a 1,000-line batch is as cheap in round trips as a single line; rows already
read by this resolver (or by `prime`) cost nothing again. Inactive
rows count as unmapped. A row the ERP rejected (verify state `invalid`) or that lacks a dimension
the integration's ERP needs gives `invalid_mapping`, never a posting with a wrong code.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from mappings import erp
from mappings.kinds import KINDS
from mappings.models import (
    ANY, CarrierMap, CustomerMap, GlLevel, GlRule, ShipNodeMap, SightingKind, SkuMap, SupplierMap, VerifyState,
)

UNMAPPED_SKU = "unmapped_sku"
UNMAPPED_NODE = "unmapped_node"
UNMAPPED_GL = "unmapped_gl"
UNMAPPED_CUSTOMER = "unmapped_customer"
UNMAPPED_CARRIER = "unmapped_carrier"
NO_SUPPLIER = "no_supplier"
INVALID_MAPPING = "invalid_mapping"


@dataclass(frozen=True)
class OrderLine:
    """What the resolver needs of a Walmart order line; `charges` are the charge types it carries."""

    sku: str
    quantity: Decimal
    ship_node: str
    charges: tuple = ("PRODUCT",)


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class GlTarget:
    charge_type: str
    level: str  # which rule matched: sku, category or default
    gl_account: str = ""
    cost_center: str = ""
    accounting_entity: str = ""
    accounting_unit: str = ""
    account_code: str = ""
    company: str = ""


@dataclass
class ResolvedLine:
    line: OrderLine
    erp_item: str = ""
    quantity: Decimal | None = None  # ERP quantity = Walmart quantity × factor
    unit: str = ""
    warehouse: str = ""
    location: str = ""
    node_type: str = ""
    gl: dict = field(default_factory=dict)  # charge type -> GlTarget
    vendor_id: str = ""
    business_unit: str = ""
    reasons: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.reasons


@dataclass(frozen=True)
class CarrierTarget:
    walmart_carrier: str
    other_carrier: str
    tracking_url: str
    method_code: str


class Resolver:
    def __init__(self, integration):
        self.integration = integration
        self.system = integration.erp_system
        self.misses = Counter()  # (SightingKind, value) -> times; give to mappings.unmapped.record_misses
        self._gl = None
        self._customers = None
        self._carriers = None
        self._rows = {}  # model -> {key: active row or None}, filled by _by_key

    # --- order lines -------------------------------------------------------------------------
    def resolve_lines(self, lines):
        lines = list(lines)
        skus = {line.sku for line in lines}
        sku_maps = self._by_key(SkuMap, "walmart_sku", skus)
        node_maps = self._by_key(ShipNodeMap, "ship_node", {line.ship_node for line in lines})
        suppliers = self._by_key(SupplierMap, "walmart_sku", skus) if self.system in erp.SUPPLIER_SYSTEMS else {}
        gl_rules = self._gl_rules() if self.system in erp.GL_POSTING_SYSTEMS else None
        return [self._resolve(line, sku_maps, node_maps, suppliers, gl_rules) for line in lines]

    def _resolve(self, line, sku_maps, node_maps, suppliers, gl_rules):
        result = ResolvedLine(line=line)
        sku_map = sku_maps.get(line.sku)
        if sku_map is None:
            self.misses[(SightingKind.SKU, line.sku)] += 1
            result.reasons.append(Reason(UNMAPPED_SKU, f"Walmart SKU {line.sku} has no active mapping."))
        elif self._usable(sku_map, result, f"SKU mapping {line.sku}"):
            result.erp_item, result.unit = sku_map.erp_item, sku_map.unit
            result.quantity = Decimal(line.quantity) * sku_map.factor
        node_map = node_maps.get(line.ship_node)
        if node_map is None:
            self.misses[(SightingKind.SHIP_NODE, line.ship_node)] += 1
            result.reasons.append(Reason(UNMAPPED_NODE, f"Walmart ship node {line.ship_node} has no active mapping."))
        elif self._usable(node_map, result, f"ship node mapping {line.ship_node}"):
            result.warehouse, result.location, result.node_type = node_map.warehouse, node_map.location, node_map.node_type
        if self.system in erp.SUPPLIER_SYSTEMS:
            supplier = suppliers.get(line.sku)
            if supplier is None:
                result.reasons.append(Reason(NO_SUPPLIER, f"No supplier is mapped for Walmart SKU {line.sku}."))
            elif self._usable(supplier, result, f"supplier mapping {line.sku}"):
                result.vendor_id, result.business_unit = supplier.vendor_id, supplier.business_unit
        if gl_rules is not None:
            category = sku_map.category if sku_map is not None else ""
            for charge in line.charges:
                self._resolve_gl(result, gl_rules, charge, line.sku, category)
        return result

    def _resolve_gl(self, result, gl_rules, charge, sku, category):
        candidates = [(GlLevel.SKU, sku), (GlLevel.CATEGORY, category), (GlLevel.DEFAULT, ANY)]
        for level, scope in candidates:
            rule = gl_rules.get((charge, level, scope)) if scope else None
            if rule is None:
                continue
            if self._usable(rule, result, f"GL rule {charge} {level} {scope}"):
                result.gl[charge] = GlTarget(
                    charge_type=charge, level=level, gl_account=rule.gl_account, cost_center=rule.cost_center,
                    accounting_entity=rule.accounting_entity, accounting_unit=rule.accounting_unit,
                    account_code=rule.account_code, company=rule.company,
                )
            return
        where = f"SKU {sku}" + (f", category {category}" if category else "")
        result.reasons.append(Reason(UNMAPPED_GL, f"No GL rule for {charge} ({where}, or a default rule)."))

    # --- order level ---------------------------------------------------------------------------
    def resolve_customer(self, channel="", ship_to_state=""):
        """The ERP customer for an order: (customer, None) or ("", Reason)."""
        if self._customers is None:
            self._customers = self._active(CustomerMap, key=("channel", "ship_to_state"))
        channel, state = channel or ANY, (ship_to_state or ANY).upper()
        for key in ((channel, state), (channel, ANY), (ANY, state), (ANY, ANY)):
            row = self._customers.get(key)
            if row is not None:
                problem = self._problem(row)
                if problem:
                    return "", Reason(INVALID_MAPPING, f"Customer mapping {key[0]}/{key[1]}: {problem}")
                return row.erp_customer, None
        return "", Reason(UNMAPPED_CUSTOMER, f"No customer mapping for channel {channel} and state {state} (nor a * rule).")

    def resolve_carrier(self, erp_carrier):
        """Walmart's carrier for an ERP ship-via: (CarrierTarget, None) or (None, Reason)."""
        if self._carriers is None:
            self._carriers = self._active(CarrierMap, key="erp_carrier")
        row = self._carriers.get(erp_carrier)
        if row is None:
            return None, Reason(UNMAPPED_CARRIER, f"ERP carrier {erp_carrier} has no active carrier mapping.")
        problem = self._problem(row)
        if problem:
            return None, Reason(INVALID_MAPPING, f"Carrier mapping {erp_carrier}: {problem}")
        return CarrierTarget(row.walmart_carrier, row.other_carrier, row.tracking_url, row.method_code), None

    # --- helpers ---------------------------------------------------------------------------------
    def _gl_rules(self):
        if self._gl is None:
            self._gl = self._active(GlRule, key=("charge_type", "level", "scope"))
        return self._gl

    def prime(self, skus, ship_nodes):
        """Read the SKU, ship node (and supplier) rows of a whole batch at once, so that resolving
        its orders one by one afterwards costs no query for them (validation calls this)."""
        self._by_key(SkuMap, "walmart_sku", skus)
        self._by_key(ShipNodeMap, "ship_node", ship_nodes)
        if self.system in erp.SUPPLIER_SYSTEMS:
            self._by_key(SupplierMap, "walmart_sku", skus)

    def _by_key(self, model, field, keys):
        """Active rows of `model` by `field` for `keys`, read once per resolver: a key already asked
        for (found or not) costs no query again."""
        known = self._rows.setdefault(model, {})
        missing = set(keys) - known.keys()
        if missing:
            found = self._active(model, key=field, **{f"{field}__in": missing})
            known.update({key: found.get(key) for key in missing})
        return {key: known[key] for key in keys if known[key] is not None}

    def _active(self, model, key, **filters):
        rows = model.objects.filter(integration=self.integration, active=True, **filters)
        if isinstance(key, str):
            return {getattr(row, key): row for row in rows}
        return {tuple(getattr(row, name) for name in key): row for row in rows}

    def _usable(self, row, result, label):
        problem = self._problem(row)
        if problem:
            result.reasons.append(Reason(INVALID_MAPPING, f"{label}: {problem}"))
            return False
        return True

    def _problem(self, row):
        if row.verify_state == VerifyState.INVALID:
            return f"the ERP rejected it ({row.verify_message or 'no message'}); fix the mapping and verify again."
        errors = KINDS[row.KIND].check(row._values(), self.system)
        return "; ".join(message for _, message in errors)
