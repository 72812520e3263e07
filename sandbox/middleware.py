"""Counts every call to an emulator and applies the active faults (DESIGN §7, §8 `sandbox fault`).

Modes: latency (sleep, then serve), error (5xx at a rate), outage (503 while active), timeout
(sleep `seconds`, default 35, before serving: the client gives up), throttle (429 with the
vendor's headers), drop_after_commit (serve and commit, then close the socket without answering).
"""

import logging
import random
import socket
import time

from django.conf import settings
from django.db.models import F, Q

from sandbox import clock, shapes
from sandbox.models import SYSTEMS, Call, Fault

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 35.0


def _system(path):
    parts = path.split("/", 3)
    if len(parts) > 2 and parts[1] == "sandbox" and parts[2] in SYSTEMS:
        return parts[2]
    return None


def active_faults(system, path, method):
    now = clock.now()
    faults = Fault.objects.filter(system=system, starts_at__lte=now).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    return [f for f in faults if (not f.path_contains or f.path_contains in path) and (not f.method or f.method == method)]


def _drop(request):
    """Close the client's socket without an answer. Works under gunicorn and the test server."""
    sock = request.META.get("gunicorn.socket") or request.META.get("sandbox.socket")
    if sock is None:
        return False
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    return True


class SandboxMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        system = _system(request.path) if settings.SANDBOX_ENABLED else None
        if system is None:
            return self.get_response(request)
        response, applied = None, ""
        drop = False
        for fault in active_faults(system, request.path, request.method):
            if random.random() >= fault.rate:
                continue
            Fault.objects.filter(pk=fault.pk).update(hits=F("hits") + 1)
            applied = fault.mode
            if fault.mode == Fault.Mode.LATENCY:
                time.sleep(fault.seconds or 0.5)
            elif fault.mode == Fault.Mode.TIMEOUT:
                time.sleep(fault.seconds or DEFAULT_TIMEOUT_SECONDS)
            elif fault.mode == Fault.Mode.ERROR:
                response = shapes.error_response(system, 500, "Internal server error (sandbox fault)")
            elif fault.mode == Fault.Mode.OUTAGE:
                response = shapes.error_response(system, 503, "Service unavailable (sandbox outage)")
            elif fault.mode == Fault.Mode.THROTTLE:
                response = shapes.throttle_response(system, reset_in=int(fault.seconds or 60))
            elif fault.mode == Fault.Mode.DROP_AFTER_COMMIT:
                drop = True
            if response is not None:
                break
        if response is None:
            response = self.get_response(request)
        Call.objects.create(
            at=clock.now(), system=system, method=request.method, path=request.get_full_path()[:500],
            status=response.status_code, fault=applied,
        )
        if drop and not _drop(request):
            # No socket to close (e.g. runserver): make the answer arrive too late instead.
            logger.warning("drop_after_commit without socket access; delaying the answer instead")
            time.sleep(DEFAULT_TIMEOUT_SECONDS)
        return response
