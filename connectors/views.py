"""Interactive authorization: "Connect to <system>" sends staff to the vendor's consent page, the
callback exchanges the code and stores the tokens through the shared token cache.

The `state` parameter is what makes the callback safe (OAuth2 CSRF protection): it is signed, expires
after 10 minutes, names the connection, and carries a nonce kept in the staff user's session that is
removed on first use. A callback whose state was not issued to this session, for this connection,
in the last 10 minutes, or that was already used, changes nothing.

Which systems offer this: those whose auth strategy has `authorization_url()` and
`complete_authorization()` (Exact Online); their SystemSpec names `connect_view = "connectors:connect"`.
"""

import secrets
import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from pydantic import ValidationError

from audit import log as audit_log
from connectors.errors import ConnectorError
from connectors.models import Connection

SESSION_KEY = "connectors.pending_authorizations"
STATE_SALT = "connectors.views.state"
STATE_MAX_AGE = 600  # seconds; the vendor's own codes live ~3 minutes, a user may take a while to log in


def staff_may_change_connections(view):
    @staff_member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.has_perm("connectors.change_connection"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _flow(connection):
    strategy = connection.spec.auth
    if not hasattr(strategy, "authorization_url") or not hasattr(strategy, "complete_authorization"):
        raise Http404(f"{connection.system_label} has no interactive authorization")
    return strategy


def _failure(request, message, connection=None, status=400):
    if connection is not None:
        audit_log.record("connection.connect.failed", user=request.user, connection=connection, obj=connection,
                         ok=False, message=message)
    return render(request, "connectors/connect_failed.html", {
        "title": "Authorization failed", "message": message, "connection": connection,
        "change_url": reverse("admin:connectors_connection_change", args=[connection.pk]) if connection else None,
    }, status=status)


@staff_may_change_connections
def connect(request, pk):
    connection = get_object_or_404(Connection, pk=pk)
    flow = _flow(connection)
    try:
        redirect_uri = connection.typed_config.redirect_uri or settings.SITE_URL + reverse("connectors:callback")
    except ValidationError as exc:
        return _failure(request, f"The connection's configuration is not valid; fix it first: {exc}", connection)
    nonce = secrets.token_urlsafe(24)
    now = time.time()
    pending = {k: v for k, v in request.session.get(SESSION_KEY, {}).items() if now - v["at"] < STATE_MAX_AGE}
    pending[nonce] = {"connection": connection.pk, "user": request.user.pk, "redirect_uri": redirect_uri, "at": now}
    request.session[SESSION_KEY] = pending
    state = signing.dumps({"c": connection.pk, "n": nonce}, salt=STATE_SALT)
    audit_log.record("connection.connect.requested", user=request.user, connection=connection, obj=connection)
    return HttpResponseRedirect(flow.authorization_url(connection, redirect_uri=redirect_uri, state=state))


@staff_may_change_connections
def callback(request):
    try:
        state = signing.loads(request.GET.get("state", ""), salt=STATE_SALT, max_age=STATE_MAX_AGE)
    except signing.SignatureExpired:
        return _failure(request, "This authorization took longer than 10 minutes. Start again with 'Connect'.")
    except signing.BadSignature:
        return _failure(request, "The authorization answer was not issued by this server (invalid state). Nothing was changed.")
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(state.get("n"), None)
    request.session[SESSION_KEY] = pending  # single use: the nonce is gone whatever happens next
    connection = Connection.objects.filter(pk=state.get("c")).first()
    if entry is None or entry["connection"] != state.get("c") or entry["user"] != request.user.pk or connection is None:
        return _failure(request, "This authorization was not started in this browser session, or it was already "
                                 "used. Start again with 'Connect'.", connection)
    if request.GET.get("error"):
        error, description = request.GET["error"], request.GET.get("error_description", "")
        if error == "access_denied":
            message = f"Access was declined in {connection.system_label}; nothing was changed."
        else:
            message = f"{connection.system_label} refused the authorization: {error} {description}".strip()
        return _failure(request, message, connection)
    code = request.GET.get("code", "")
    if not code:
        return _failure(request, f"{connection.system_label} answered without an authorization code.", connection)
    try:
        summary = _flow(connection).complete_authorization(connection, code=code, redirect_uri=entry["redirect_uri"])
    except ConnectorError as exc:
        return _failure(request, str(exc), connection, status=502)
    audit_log.record("connection.connect.succeeded", user=request.user, connection=connection, obj=connection,
                     message=summary)
    messages.success(request, summary)
    return HttpResponseRedirect(reverse("admin:connectors_connection_change", args=[connection.pk]))
