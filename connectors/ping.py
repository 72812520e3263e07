"""Test a connection: authenticate, make one cheap read, and say in one line what works."""

from audit import log as audit_log
from connectors import clock, registry
from connectors.contract import PingResult
from connectors.errors import AmbiguousOutcome, ConfigError, ConnectorError, RecoverableError
from connectors.models import Connection


def _explain(exc):
    """Turn a typed error into advice a user can act on."""
    text = str(exc)
    status = getattr(exc, "status", None)
    if isinstance(exc, ConfigError):
        if getattr(exc, "auth_state", None) == Connection.AuthState.CONSENT_LOST:
            return f"consent lost, reconnect: {text}"
        if status == 401 or (status == 400 and "token" in text.lower()):
            return f"credentials refused (wrong client id, user or secret?): {text}"
        if status == 403:
            return f"missing permission: {text}"
        if status == 404:
            return f"not found (wrong realm, tenant, node or URL?): {text}"
        return text
    if isinstance(exc, (RecoverableError, AmbiguousOutcome)):
        if "could not connect" in text:
            return f"unreachable host: {text}"
        return f"temporarily failing, try again: {text}"
    return text


def ping(connection, user=None):
    """Run the adapter's ping, record the outcome on the connection and in the audit trail."""
    try:
        result = registry.adapter_class(connection.system)(connection).ping()
    except ConnectorError as exc:
        result = PingResult(ok=False, summary=_explain(exc))
    except Exception as exc:  # config validation and the like: still one clear line, never a traceback
        result = PingResult(ok=False, summary=f"{type(exc).__name__}: {exc}")
    Connection.objects.filter(pk=connection.pk).update(
        last_ping_at=clock.now(), last_ping_ok=result.ok, last_ping_message=result.summary[:500]
    )
    connection.refresh_from_db()
    audit_log.record(
        "connection.ping.succeeded" if result.ok else "connection.ping.failed",
        user=user, connection=connection, obj=connection, ok=result.ok, message=result.summary,
    )
    return result
