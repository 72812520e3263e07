"""What every system package declares in its config.py: `SPEC = SystemSpec(...)`.

The typed config is a pydantic model over Connection.config (non-secret values only); secrets are
named here so the admin can offer write-only fields and redaction knows what to hide.
"""

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict


class BaseConfig(BaseModel):
    """Base of each system's typed config. Unknown keys are refused: a typo is an error, not a no-op."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # Per-connection overrides of timeouts (seconds) and rate limits {bucket: [capacity, per_seconds]}.
    connect_timeout: float | None = None
    read_timeout: float | None = None
    rate_limits: dict[str, tuple[float, float]] = {}

    @abstractmethod
    def api_base(self) -> str:
        """The base URL that relative paths of this system's client are joined to."""


@dataclass(frozen=True)
class SecretField:
    name: str
    label: str
    help: str = ""
    required: bool = True


@dataclass(frozen=True)
class SystemSpec:
    system: str
    config_model: type[BaseConfig]
    secrets: tuple[SecretField, ...]
    # The auth strategy instance (connectors.auth.*) used by connectors.http for this system.
    auth: object
    # Default rate-limit buckets {bucket: (capacity, per_seconds)}; "default" applies to unnamed calls.
    rate_limits: dict[str, tuple[float, float]] = field(default_factory=dict)
    # Extra key names whose values are redacted in audit excerpts (beyond connectors.redact's list).
    redact_keys: tuple[str, ...] = ()
    # default_headers(config, correlation_id) -> headers sent on every call (e.g. Walmart's WM_* headers).
    default_headers: Callable | None = None
    # A credentials file the vendor hands out (Infor's .ionapi): read_credentials_file(text) ->
    # (config updates, secrets); the admin offers an upload/paste field when set.
    read_credentials_file: Callable | None = None
    credentials_file_label: str = ""
    # URL name of an interactive authorization view (Exact's "Connect to Exact Online"), if any.
    connect_view: str | None = None
