"""State of the Infor FSM emulator, per tenant: GL interface rows and the journals released from them.

Accounts, accounting entity, finance enterprise group and customer come from sandbox.catalog.
"""

from django.db import models


class Journal(models.Model):
    """A released journal entry: the rows of one balanced run group."""

    tenant = models.CharField(max_length=64)
    finance_enterprise_group = models.CharField(max_length=10)
    accounting_entity = models.CharField(max_length=10)
    number = models.IntegerField()
    run_group = models.CharField(max_length=60)
    posting_date = models.CharField(max_length=8)
    released_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "finance_enterprise_group", "number"],
                                               name="uniq_fsm_journal")]


class InterfaceRow(models.Model):
    class Status(models.TextChoices):
        UNRELEASED = "Unreleased"
        ERROR = "Error"
        RELEASED = "Released"

    tenant = models.CharField(max_length=64)
    finance_enterprise_group = models.CharField(max_length=10)
    run_group = models.CharField(max_length=60)
    sequence = models.IntegerField()
    accounting_entity = models.CharField(max_length=10)
    to_accounting_entity = models.CharField(max_length=10, blank=True)
    accounting_unit = models.CharField(max_length=15, blank=True)
    account_code = models.CharField(max_length=20)
    dimensions = models.JSONField(default=dict, blank=True, help_text="FinanceDimension1..n")
    ledger_event = models.CharField(max_length=4, blank=True)
    system = models.CharField(max_length=2, blank=True)
    posting_date = models.CharField(max_length=8)
    transaction_date = models.CharField(max_length=8, blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    description = models.CharField(max_length=60, blank=True)
    reference = models.CharField(max_length=60, blank=True, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNRELEASED)
    error_message = models.CharField(max_length=200, blank=True)
    journal = models.ForeignKey(Journal, null=True, blank=True, on_delete=models.SET_NULL, related_name="rows")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "finance_enterprise_group", "run_group", "sequence"],
                                               name="uniq_fsm_interface_row")]
        ordering = ["id"]
