"""Infor CloudSuite Financials (FSM, Landmark) through the ION API Gateway (reference/erp-apis.md B).

Credentials come from an `.ionapi` file (connectors.ionapi); calls go to `{iu}/{ti}/{fsm_path}/...`
with a Bearer token from the password grant.

UNCONFIRMED (erp-apis.md B.4): the FSM REST path on the gateway, the name of the action that runs
"Interface Transactions" for a run group, and the field that carries our reference. All three are
settings, so a tenant whose API Gateway swagger ("Available APIs" > FSM) says otherwise is a config
change, not a code change.
"""

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from connectors.config import BaseConfig
from connectors.infor_cloudsuite.journal import RUN_GROUP_MAX
from connectors.ionapi import IonApi, ion_api_spec


class CloudSuiteConfig(BaseConfig):
    ionapi: IonApi
    # UNCONFIRMED: ION publishes FSM under a suite prefix; check the tenant's "Available APIs".
    fsm_path: str = "FSM/fsm/api"
    finance_enterprise_group: str = Field(min_length=1)
    accounting_entity: str = Field(min_length=1)
    # Run groups name the interface batches we load: prefix + our reference (SETUP.md "Posting orders").
    run_group_prefix: str = Field(default="WMT", max_length=10, pattern=r"^[A-Za-z0-9_]*$")
    # per_order: one run group, released at once, per order. daily_summary: the orders of a posting day
    # load unreleased into one run group per day and accounting entity; Adapter.release_day releases it
    # as one journal (SETUP.md "Posting modes").
    posting_mode: Literal["per_order", "daily_summary"] = "per_order"
    # Day run groups are `<prefix>-<YYYYMMDD>-<accounting_entity>`; a prefix of its own keeps them apart
    # from per-order run groups (`<run_group_prefix>-<reference>`).
    summary_run_group_prefix: str = Field(default="WMTD", min_length=1, max_length=10, pattern=r"^[A-Za-z0-9_]+$")
    # The debit of each order (the Walmart order total) goes to this receivable account. FSM keeps a
    # customer's receivable account in AR, which the GL interface does not apply, so it is set here.
    receivable_account: str = ""
    # Accounting unit of the receivable row; blank = default_accounting_unit.
    receivable_accounting_unit: str = ""
    # Used only where a GL rule leaves the accounting unit blank.
    default_accounting_unit: str = ""
    # Walmart's order date (UTC) becomes the posting date in this time zone (the ledger's calendar).
    posting_timezone: str = "UTC"
    # UNCONFIRMED: the action that runs Interface Transactions ("release") for a run group.
    release_action: str = "InterfaceTransactions"
    # UNCONFIRMED: the interface field that carries our reference (find_document searches it).
    reference_field: str = "Reference"
    # GLTransactionInterface.System and GeneralLedgerEvent of the rows we create.
    system_code: str = Field(default="GL", max_length=2)
    ledger_event: str = Field(default="JE", max_length=4)
    page_size: int = Field(default=200, ge=1, le=5000)
    token_refresh_margin: float = Field(default=300, ge=0, le=3600)

    @field_validator("posting_timezone")
    @classmethod
    def _known_zone(cls, value):
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value} is not a known time zone (e.g. UTC, America/Chicago)") from None
        return value

    @model_validator(mode="after")
    def _day_run_group_fits(self):
        # Checked even in per_order mode, so switching modes later cannot make a run group FSM refuses.
        length = len(self.summary_run_group_prefix) + len("-YYYYMMDD-") + len(self.accounting_entity)
        if length > RUN_GROUP_MAX:
            raise ValueError(f"summary_run_group_prefix {self.summary_run_group_prefix} with accounting entity "
                             f"{self.accounting_entity} makes {length}-character day run groups; FSM takes "
                             f"{RUN_GROUP_MAX}: shorten the prefix")
        return self

    def api_base(self):
        return self.ionapi.api_base()

    def fsm(self, path):
        return f"{self.fsm_path.strip('/')}/{path.lstrip('/')}"


SPEC = ion_api_spec("infor_cloudsuite", CloudSuiteConfig)
