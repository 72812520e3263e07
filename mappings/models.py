"""Mappings between Walmart's codes and the ERP's, one table per kind, always per integration.

Natural keys are database UNIQUE constraints on NOT NULL columns: "no value" is '' and "any" is
'*', because NULLs never collide and a NULL key would let duplicates in. Enumerations and
`factor > 0` are CHECK constraints too, so the database refuses what the admin or an import would
refuse even when a bug (or a shell) bypasses Python. Rows are never deleted: `active = False`
retires them, and the resolver treats an inactive row as missing.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class VerifyState(models.TextChoices):
    UNVERIFIED = "unverified", "Not verified"
    VERIFIED = "verified", "Verified in the ERP"
    INVALID = "invalid", "Rejected by the ERP"


class NodeType(models.TextChoices):
    SELLER = "SellerFulfilled", "Seller fulfilled"
    WFS = "WFSFulfilled", "Walmart fulfilled (WFS)"
    THREE_PL = "3PLFulfilled", "Third-party logistics"


class GlLevel(models.TextChoices):
    SKU = "sku", "SKU"
    CATEGORY = "category", "Category"
    DEFAULT = "default", "Default"


class ChargeType(models.TextChoices):
    PRODUCT = "PRODUCT", "Product"
    SHIPPING = "SHIPPING", "Shipping"
    TAX = "TAX", "Tax"
    FEE = "FEE", "Fee"


ANY = "*"


def _in(field, choices):
    return Q(**{f"{field}__in": [value for value, _ in choices.choices]})


def row_constraints(prefix, key_fields):
    """Constraints every mapping table has: its natural key, and a known verify state."""
    return [
        models.UniqueConstraint(fields=["integration", *key_fields], name=f"{prefix}_natural_key"),
        models.CheckConstraint(condition=_in("verify_state", VerifyState), name=f"{prefix}_verify_state"),
        *[models.CheckConstraint(condition=~Q(**{field: ""}), name=f"{prefix}_{field}_not_blank") for field in key_fields],
    ]


class MappingRow(models.Model):
    """Columns shared by every mapping: the integration, retirement flag and ERP verification."""

    KIND = ""  # the import kind (mappings.kinds.KINDS key)

    integration = models.ForeignKey("syncs.Integration", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True, help_text="Untick to retire the row; orders then treat it as unmapped.")
    verify_state = models.CharField(max_length=10, choices=VerifyState.choices, default=VerifyState.UNVERIFIED)
    verify_message = models.CharField(max_length=500, blank=True, help_text="The ERP's answer at the last check.")
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def clean(self):
        # The same rules as the import (one definition: mappings.kinds), so the admin cannot save
        # a row that an import would refuse.
        from mappings.cells import CellError
        from mappings.kinds import KINDS

        kind = KINDS[self.KIND]
        errors = {}
        for column in kind.columns:
            if not column.field:
                continue
            try:  # the import's cell rules too: Walmart's carrier list, GTIN check digit, state codes...
                setattr(self, column.field, column.codec.clean(getattr(self, column.field)))
            except CellError as exc:
                errors[column.field] = str(exc)
        if errors:
            raise ValidationError(errors)
        if not self.integration_id:
            return
        errors = kind.check(self._values(), self.integration.erp_system)
        if errors:
            raise ValidationError({column: message for column, message in errors})

    def _values(self):
        from mappings.kinds import KINDS

        return {column.field: getattr(self, column.field) for column in KINDS[self.KIND].columns if column.field}


class SkuMap(MappingRow):
    KIND = "sku"

    walmart_sku = models.CharField(max_length=100)
    erp_item = models.CharField("ERP item", max_length=50, blank=True, help_text="IFS PartNo, M3 ITNO, Exact item Code")
    unit = models.CharField(max_length=20, blank=True, help_text="ERP unit of measure; blank = the item's base unit")
    factor = models.DecimalField(
        max_digits=18, decimal_places=6, default=Decimal("1"),
        help_text="ERP quantity = Walmart quantity × factor (e.g. 12 when Walmart sells a dozen and the ERP counts each).",
    )
    category = models.CharField(max_length=100, blank=True, help_text="Walmart productType, or your own category")
    gtin = models.CharField("GTIN-14", max_length=14, blank=True, help_text="GTIN or UPC, stored as GTIN-14")
    description = models.CharField(max_length=255, blank=True)
    safety_buffer = models.PositiveIntegerField(
        null=True, blank=True, help_text="Units held back from Walmart at every node; blank = the node's or integration's")
    feed_error = models.TextField(blank=True, help_text="Walmart's last feed error for this SKU (set by the feeds flow)")
    feed_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "SKU mapping"
        ordering = ["integration", "walmart_sku"]
        constraints = [
            *row_constraints("skumap", ["walmart_sku"]),
            models.CheckConstraint(condition=Q(factor__gt=0), name="skumap_factor_positive"),
        ]

    def __str__(self):
        return f"{self.walmart_sku} → {self.erp_item or '(no item)'}"


class ShipNodeMap(MappingRow):
    KIND = "shipnode"

    ship_node = models.CharField(max_length=50, help_text="Walmart ship node id")
    node_type = models.CharField(max_length=20, choices=NodeType.choices, default=NodeType.SELLER)
    warehouse = models.CharField(
        max_length=50, blank=True, help_text="IFS site (Contract), M3 WHLO, Exact warehouse, PeopleSoft business unit"
    )
    location = models.CharField(max_length=50, blank=True, help_text="IFS LocationNo")
    name = models.CharField(max_length=100, blank=True)

    class StockSync(models.TextChoices):
        OUT = "out", "ERP stock → Walmart (inventory_out)"
        IN = "in", "Walmart stock → ERP (inventory_in)"
        NONE = "none", "Neither"

    # A node is the source of truth on one side only: both ways would echo a change forever.
    stock_sync = models.CharField(max_length=4, choices=StockSync.choices, default=StockSync.OUT)
    safety_buffer = models.PositiveIntegerField(
        null=True, blank=True, help_text="Units held back from Walmart at this node; blank = the integration's")

    class Meta:
        verbose_name = "ship node mapping"
        ordering = ["integration", "ship_node"]
        constraints = [
            *row_constraints("shipnodemap", ["ship_node"]),
            models.CheckConstraint(condition=_in("node_type", NodeType), name="shipnodemap_node_type"),
        ]

    def __str__(self):
        return f"{self.ship_node} → {self.warehouse or '-'}{'/' + self.location if self.location else ''}"

    def clean(self):
        super().clean()
        if self.stock_sync == self.StockSync.NONE or not self.integration_id:
            return
        # Integrations of one Walmart account share its ship nodes: a node one of them writes into
        # its ERP (in) must not be one another feeds from its ERP (out), or each run undoes the other.
        opposite = self.StockSync.IN if self.stock_sync == self.StockSync.OUT else self.StockSync.OUT
        flow = "inventory_in" if opposite == self.StockSync.IN else "inventory_out"
        others = ShipNodeMap.objects.filter(
            integration__walmart_id=self.integration.walmart_id, ship_node=self.ship_node, active=True, stock_sync=opposite,
        ).exclude(pk=self.pk).select_related("integration")
        other = next((o for o in others if flow in (o.integration.enabled_flows or [])), None)
        if other is not None:
            raise ValidationError({"stock_sync": (
                f"Ship node {self.ship_node} is already synced the other way by {other.integration.slug} "
                f"({other.get_stock_sync_display()}); a node may be in inventory_out or inventory_in, not both.")})


class GlRule(MappingRow):
    """Where a charge posts. Precedence per charge type: the SKU's rule, else its category's, else the default."""

    KIND = "gl"

    level = models.CharField(max_length=10, choices=GlLevel.choices)
    scope = models.CharField(max_length=100, help_text="The Walmart SKU, the category, or * for the default")
    charge_type = models.CharField(max_length=10, choices=ChargeType.choices)
    gl_account = models.CharField("GL account", max_length=50, blank=True, help_text="Exact Online GL account")
    cost_center = models.CharField(max_length=50, blank=True, help_text="Exact Online cost center")
    accounting_entity = models.CharField(max_length=50, blank=True, help_text="CloudSuite AccountingEntity")
    accounting_unit = models.CharField(max_length=50, blank=True, help_text="CloudSuite accounting unit")
    account_code = models.CharField(max_length=50, blank=True, help_text="CloudSuite AccountCode")
    company = models.CharField(max_length=20, blank=True, help_text="IFS Company")

    class Meta:
        verbose_name = "GL rule"
        ordering = ["integration", "charge_type", "level", "scope"]
        constraints = [
            *row_constraints("glrule", ["level", "scope", "charge_type"]),
            models.CheckConstraint(condition=_in("level", GlLevel), name="glrule_level"),
            models.CheckConstraint(condition=_in("charge_type", ChargeType), name="glrule_charge_type"),
            # The default rule, and only it, has the scope "*".
            models.CheckConstraint(
                condition=Q(level=GlLevel.DEFAULT, scope=ANY) | (~Q(level=GlLevel.DEFAULT) & ~Q(scope=ANY)),
                name="glrule_default_scope",
            ),
        ]

    def __str__(self):
        return f"{self.charge_type} {self.level} {self.scope}"


class CustomerMap(MappingRow):
    """The ERP customer orders post to, by channel and ship-to state (`*` = any)."""

    KIND = "customer"

    channel = models.CharField(max_length=50, default=ANY, help_text="Walmart channel or ship node type; * = any")
    ship_to_state = models.CharField(max_length=10, default=ANY, help_text="Two-letter state; * = any")
    erp_customer = models.CharField(
        "ERP customer", max_length=50, blank=True,
        help_text="IFS CustomerNo, M3 CUNO, Exact account Code (stored trimmed; Exact pads it to 18 characters)",
    )

    class Meta:
        verbose_name = "customer mapping"
        ordering = ["integration", "channel", "ship_to_state"]
        constraints = row_constraints("customermap", ["channel", "ship_to_state"])

    def __str__(self):
        return f"{self.channel}/{self.ship_to_state} → {self.erp_customer}"


class CarrierMap(MappingRow):
    """ERP ship-via → Walmart's carrier enum, or another carrier with its tracking URL."""

    KIND = "carrier"

    erp_carrier = models.CharField("ERP carrier", max_length=50, help_text="e.g. IFS ShipViaCode")
    walmart_carrier = models.CharField(max_length=60, blank=True, help_text="One of Walmart's carrier names")
    other_carrier = models.CharField(max_length=100, blank=True, help_text="A carrier Walmart does not list")
    tracking_url = models.URLField(max_length=500, blank=True, help_text="Required with another carrier")
    method_code = models.CharField(max_length=20, blank=True, help_text="Walmart methodCode: Standard, Express...")

    class Meta:
        verbose_name = "carrier mapping"
        ordering = ["integration", "erp_carrier"]
        constraints = [
            *row_constraints("carriermap", ["erp_carrier"]),
            models.CheckConstraint(
                condition=(~Q(walmart_carrier="") & Q(other_carrier=""))
                | (Q(walmart_carrier="") & ~Q(other_carrier="") & ~Q(tracking_url="")),
                name="carriermap_one_carrier",
            ),
        ]

    def __str__(self):
        return f"{self.erp_carrier} → {self.walmart_carrier or self.other_carrier}"


class SupplierMap(MappingRow):
    """Which PeopleSoft vendor supplies a SKU, so its PO receipt matches the right purchase order."""

    KIND = "supplier"

    walmart_sku = models.CharField(max_length=100)
    vendor_id = models.CharField("VENDOR_ID", max_length=20, blank=True)
    business_unit = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "supplier mapping"
        ordering = ["integration", "walmart_sku"]
        constraints = row_constraints("suppliermap", ["walmart_sku"])

    def __str__(self):
        return f"{self.walmart_sku} → {self.vendor_id}"


class SightingKind(models.TextChoices):
    SKU = "sku", "SKU"
    SHIP_NODE = "ship_node", "Ship node"


class SuggestionBasis(models.TextChoices):
    SAME_CODE = "same_code", "Same code in the ERP"
    GTIN = "gtin", "Same GTIN-14"


class UnmappedSighting(models.Model):
    """A Walmart SKU or ship node that no active mapping covers (the unmapped report).

    Two sources feed it, on one row per code: orders that needed the code (`count`, from the
    resolver's misses) and Walmart's own lists, GET /v3/items and /v3/settings/shipping/shipnodes
    (`walmart_count`, from mappings.walmart_catalog), which also give the name, category and GTIN
    that prefill the mapping form. For SKUs, `suggested_item` is an ERP item staff can accept.
    """

    Kind = SightingKind
    Basis = SuggestionBasis

    integration = models.ForeignKey("syncs.Integration", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=SightingKind.choices)
    value = models.CharField(max_length=100)
    count = models.PositiveIntegerField(default=0, help_text="Times an order needed it")
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    walmart_count = models.PositiveIntegerField("Walmart refreshes", default=0,
                                                help_text="Times a refresh found it listed on Walmart")
    walmart_seen_at = models.DateTimeField("listed on Walmart", null=True, blank=True,
                                           help_text="Last refresh that found it on Walmart")
    name = models.CharField(max_length=255, blank=True, help_text="Walmart's product name or ship node name")
    detail = models.CharField(max_length=100, blank=True, help_text="Walmart productType, or the ship node type")
    gtin = models.CharField("GTIN-14", max_length=14, blank=True, help_text="Walmart's GTIN/UPC as GTIN-14")
    suggested_item = models.CharField("suggested ERP item", max_length=50, blank=True)
    suggestion_basis = models.CharField(max_length=10, choices=SuggestionBasis.choices, blank=True)
    suggestion_note = models.CharField(max_length=500, blank=True, help_text="Why the item was (or was not) suggested")

    class Meta:
        verbose_name = "unmapped Walmart code"
        ordering = ["-last_seen"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "kind", "value"], name="unmappedsighting_natural_key"),
            models.CheckConstraint(condition=_in("kind", SightingKind), name="unmappedsighting_kind"),
            models.CheckConstraint(condition=Q(suggestion_basis="") | _in("suggestion_basis", SuggestionBasis),
                                   name="unmappedsighting_suggestion_basis"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"


class ImportUpload(models.Model):
    """An uploaded mapping file between preview and confirm: the bytes are kept so confirm re-validates them.

    Stored in the database (not MEDIA_ROOT) so a confirm queued to a worker on another machine reads
    exactly the bytes that were previewed; the size cap (MAPPINGS_IMPORT_MAX_BYTES) bounds the row.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        QUEUED = "queued", "Queued"
        APPLIED = "applied", "Applied"
        CHANGED = "changed", "Data changed since preview"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired (never confirmed)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10)
    integration = models.ForeignKey("syncs.Integration", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} import {self.filename} ({self.get_status_display()})"
