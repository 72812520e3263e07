"""`sandbox stats --json` (DESIGN §9): per system calls, 429s, documents and duplicate references.

Each emulator app contributes `stats.documents()` and `stats.duplicate_references()`; an emulator
split over several apps (walmart + walmart_listings) has its figures added up.
"""

from importlib import import_module

from django.db.models import Count, Q

from sandbox.models import SYSTEMS, Call

# Emulator apps per system (modules sandbox.<app>.stats).
APPS = {
    "walmart": ("walmart", "walmart_listings"),
    "ifs_cloud": ("ifs_cloud",),
    "infor_cloudsuite": ("infor_cloudsuite",),
    "infor_m3": ("infor_m3",),
    "peoplesoft": ("peoplesoft",),
    "exact_online": ("exact_online",),
}


def _module(app, name):
    try:
        return import_module(f"sandbox.{app}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"sandbox.{app}.{name}":
            return None
        raise


def collect():
    calls = {
        row["system"]: row
        for row in Call.objects.values("system").annotate(calls=Count("id"), throttled=Count("id", filter=Q(status=429)))
    }
    result = {}
    for system in SYSTEMS:
        documents, duplicates = {}, 0
        for app in APPS[system]:
            module = _module(app, "stats")
            if module is None:
                continue
            for kind, n in module.documents().items():
                documents[kind] = documents.get(kind, 0) + n
            duplicates += module.duplicate_references()
        row = calls.get(system, {})
        result[system] = {
            "calls": row.get("calls", 0),
            "throttled": row.get("throttled", 0),
            "documents": documents,
            "duplicate_references": duplicates,
        }
    return result


def deliver_webhooks():
    """Send every emulator's due webhook deliveries (Walmart notifications, Exact webhooks)."""
    counts = {}
    for system in SYSTEMS:
        for app in APPS[system]:
            module = _module(app, "webhooks")
            if module is not None and hasattr(module, "deliver_due"):
                counts[system] = module.deliver_due()
    return counts
