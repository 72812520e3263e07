"""OData v4 query strings and payloads the way IFS wants them (reference/erp-apis.md §A.3).

Query strings are built here rather than by requests' `params`: IFS wants the `$` of option names
sent as is, and enumeration filters need qualified literals
(`IfsApp.CustomerOrderHandling.CustomerOrderState'Released'`); a plain string is refused.
"""

from decimal import Decimal
from urllib.parse import quote

from connectors.errors import PermanentError

# Left readable in query values; everything else (space, &, +, #, %) is percent-encoded.
QUERY_SAFE = "'(),:=*$@/"


def literal(value):
    """An OData literal: strings quoted with '' escaping, numbers as they are, booleans lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def enum(type_name, value):
    """A qualified enum literal; IFS refuses a plain string for an enumeration field."""
    return f"{type_name}'{value}'"


def any_of(field, values):
    return "(" + " or ".join(f"{field} eq {literal(v)}" for v in values) + ")"


def key(**keys):
    return "(" + ",".join(f"{name}={literal(value)}" for name, value in keys.items()) + ")"


def query(**options):
    """`$filter=...&$top=...`: option names keep their `$`; values are percent-encoded except OData punctuation."""
    parts = []
    for name, value in options.items():
        if value is None or value == "":
            continue
        parts.append(f"${name}={quote(str(value), safe=QUERY_SAFE)}")
    return "&".join(parts)


def wire(value):
    """Payload ready for JSON: None dropped (as IFS clients do), Decimal as a JSON number.

    A Decimal goes out as the float whose shortest repr is the same digits, so 19.99 is sent as 19.99;
    values with more significant digits than a double carries are refused rather than rounded.
    """
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [wire(v) for v in value]
    if isinstance(value, Decimal):
        as_float = float(value)
        if Decimal(repr(as_float)) != value:
            raise PermanentError(f"IFS Cloud: {value} has more digits than a JSON number can carry exactly")
        return as_float
    return value
