"""Infor ION API `.ionapi` credentials files (reference/erp-apis.md B.1, B.2).

An `.ionapi` file is what Infor's API Gateway hands out for a backend service with a service
account ("Download Credentials"). It holds everything needed to log in and to call the tenant's
APIs. Two of its keys are secrets: `cs` (client secret) and `sask` (service account secret key).
`read_ionapi` splits the file so that those two go to the encrypted secrets and never into the
plain JSON config; everything else becomes `config["ionapi"]`.

URLs: token URL = `pu + ot`; API base = `iu + "/" + ti` [vendor-code: infor-cloud/ion-api-sdk].
"""

import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from connectors.auth import PasswordGrant
from connectors.config import SecretField, SystemSpec

SECRET_KEYS = ("cs", "sask")
REQUIRED_KEYS = ("ti", "cn", "ci", "iu", "pu", "oa", "ot", "or", "saak")
OPTIONAL_KEYS = ("v", "sc", "ev", "dt")


def _join(base, path):
    """pu + ot as Infor specifies; tolerate a `pu` saved without its trailing slash (hand-edited files)."""
    if base.endswith("/") or path.startswith("/") or not path:
        return base + path
    return base + "/" + path


class IonApi(BaseModel):
    """The non-secret part of an `.ionapi` file. Unknown keys are ignored (Infor adds keys over versions)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, str_strip_whitespace=True)

    ti: str = Field(min_length=1, description="Tenant identifier")
    cn: str = Field(min_length=1, description="Application name")
    ci: str = Field(min_length=1, description="Client id (TENANT~...)")
    iu: str = Field(min_length=1, description="ION API Gateway base URL")
    pu: str = Field(min_length=1, description="Authorization server base URL")
    oa: str = Field(description="Authorization path (appended to pu)")
    ot: str = Field(min_length=1, description="Token path (appended to pu)")
    or_: str = Field(alias="or", description="Revoke path (appended to pu)")
    saak: str = Field(min_length=1, description="Service account access key (TENANT#...)")
    # Present in real files; `ev`/`dt` meanings are UNCONFIRMED (erp-apis.md B.1), kept for support.
    v: str | None = None
    sc: list[str] | None = None
    ev: str | None = None
    dt: str | None = None

    @field_validator("iu", "pu")
    @classmethod
    def _http_url(cls, value):
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("dt", "v", mode="before")
    @classmethod
    def _number_as_text(cls, value):
        # Some files carry "dt": 12 rather than "12"; both mean the same.
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    def token_url(self):
        return _join(self.pu, self.ot)

    def revoke_url(self):
        return _join(self.pu, self.or_)

    def api_base(self):
        return self.iu.rstrip("/") + "/" + self.ti

    def as_config(self):
        """The dict stored in Connection.config["ionapi"] (Infor's own key names, `or` included)."""
        return self.model_dump(by_alias=True, exclude_none=True)


def _explain(exc):
    problems = []
    for error in exc.errors():
        key = ".".join(str(p) for p in error["loc"]) or "file"
        if error["type"] == "missing":
            continue
        problems.append(f"{key}: {error['msg']}")
    return "; ".join(problems)


def read_ionapi(text):
    """Parse an `.ionapi` file -> ({"ionapi": {...non-secret keys...}}, {"cs": ..., "sask": ...}).

    Raises ValueError with a message a user can act on (not JSON, which keys are missing, which
    have the wrong type). The secrets never appear in the message.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig", errors="replace")
    text = (text or "").lstrip("\ufeff").strip()  # Windows editors save .ionapi files with a BOM
    if not text:
        raise ValueError("the file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a JSON file (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                         "download the credentials again from the ION API Gateway") from None
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object with keys ti, ci, cs, iu, pu, ot, saak, sask...")
    missing = [key for key in REQUIRED_KEYS + SECRET_KEYS if key not in data]
    if missing:
        raise ValueError(
            f"missing keys: {', '.join(missing)}. Download the file from API Gateway > Authorized Apps > "
            "your backend service app > Download Credentials, with 'Create Service Account' ticked"
        )
    wrong = [key for key in SECRET_KEYS if not isinstance(data[key], str) or not data[key].strip()]
    if wrong:
        raise ValueError(f"{', '.join(wrong)} must be non-empty text")
    try:
        ionapi = IonApi.model_validate(data)
    except ValidationError as exc:
        raise ValueError(_explain(exc) or "invalid values") from None
    return {"ionapi": ionapi.as_config()}, {"cs": data["cs"].strip(), "sask": data["sask"].strip()}


def ion_api_spec(system, config_model):
    """The SystemSpec of an Infor product reached through the ION API Gateway (CloudSuite, M3): the
    .ionapi file's two secrets, the service-account password grant, the Gateway's limits."""
    return SystemSpec(
        system=system,
        config_model=config_model,
        secrets=(
            SecretField("cs", "Client secret", "The `cs` key of the .ionapi file (filled in when you upload the file)."),
            SecretField("sask", "Service account secret key", "The `sask` key of the .ionapi file."),
        ),
        # Reference: https://docs.infor.com/inforos/2024.x/en-us/useradminlib_cloud_xi/apigatewayag_cloud/txp1513778220092.html
        auth=PasswordGrant(),
        # [doc] ION API Gateway (erp-apis.md B.3): 3,000 calls/min peak per tenant; 20 service-account logins/min.
        rate_limits={"default": (3000, 60), "token": (20, 60)},
        redact_keys=("saak", "username"),
        read_credentials_file=read_ionapi,
        credentials_file_label=".ionapi file",
    )
