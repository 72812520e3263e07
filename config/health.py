"""GET /healthz: database, broker, last worker heartbeat. 200 when all are fine, else 503."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def _broker():
    from django_q.brokers import get_broker

    broker = get_broker()
    info = {"ok": bool(broker.ping()), "kind": "redis" if settings.REDIS_URL else "orm"}
    try:
        info["queued"] = broker.queue_size()
    except Exception:  # the Redis broker may not count; being reachable is what matters here
        pass
    return info


def _worker():
    from syncs.models import WorkerHeartbeat

    beat = WorkerHeartbeat.objects.order_by("-beat_at").first()
    if beat is None:
        return {"ok": False, "last_heartbeat": None, "reason": "no worker has reported yet"}
    age = (timezone.now() - beat.beat_at).total_seconds()
    ok = age <= settings.HEARTBEAT_MAX_AGE
    info = {"ok": ok, "last_heartbeat": beat.beat_at.isoformat(), "age_seconds": int(age), "cluster": beat.cluster}
    if not ok:
        info["reason"] = f"last heartbeat {int(age)} s ago (limit {settings.HEARTBEAT_MAX_AGE} s)"
    return info


@never_cache
def healthz(request):
    checks = {}
    for name, check in (("database", _database), ("broker", _broker), ("worker", _worker)):
        try:
            checks[name] = check()
        except Exception as exc:  # a health check reports failures, it never raises them
            checks[name] = {"ok": False, "reason": f"{type(exc).__name__}: {exc}"[:300]}
    ok = all(c["ok"] for c in checks.values())
    return JsonResponse({"ok": ok, **checks}, status=200 if ok else 503)
