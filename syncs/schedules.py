"""The django-q2 schedules the connector needs, created idempotently (never in AppConfig.ready()).

Called by a data migration and by `manage.py demo`; safe to run any number of times.
"""

from django.utils import timezone

SCHEDULES = [
    # name, function, minutes
    ("ml-connector heartbeat", "syncs.tasks.heartbeat", 1),
    ("ml-connector token keep-alive", "connectors.tasks.keep_tokens_alive", 60 * 6),
    # CloudSuite integrations in daily_summary mode: release each finished day's journal.
    ("ml-connector GL day release", "syncs.tasks.release_gl_days", 60),
    # Feeds: submit what waits for a throttle token, track what Walmart is processing.
    ("ml-connector feeds", "syncs.tasks.work_feeds", 2),
]


def ensure_schedules(Schedule=None):
    if Schedule is None:
        from django_q.models import Schedule
    for name, func, minutes in SCHEDULES:
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": "I", "minutes": minutes, "repeats": -1,
                      "next_run": timezone.now()},
        )


# Minutes between scheduled runs of each flow.
FLOW_MINUTES = {"orders_in": 2, "returns_in": 10, "inventory_out": 60, "prices_out": 60, "inventory_in": 60, "shipments_out": 15, "items_out": 60}


def ensure_integration_schedules(integration):
    """One schedule per enabled flow of an integration (named "<slug>:<flow>"); disabled ones removed."""
    from django_q.models import Schedule

    wanted = {flow for flow in (integration.enabled_flows or []) if flow in FLOW_MINUTES} if integration.active else set()
    for flow, minutes in FLOW_MINUTES.items():
        name = f"{integration.slug}:{flow}"
        if flow in wanted:
            Schedule.objects.update_or_create(
                name=name,
                defaults={"func": "syncs.tasks.run_flow", "args": f"{integration.pk!r},{flow!r}", "schedule_type": "I",
                          "minutes": minutes, "repeats": -1},
            )
        else:
            Schedule.objects.filter(name=name).delete()
