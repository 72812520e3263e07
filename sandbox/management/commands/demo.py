"""manage.py demo: the sandbox demo — connections to every emulator, their demo data, the schedules.

Idempotent: every step creates or updates in place, so a second run changes nothing (tests prove
it by counting rows). Demo connections reach the emulators over real HTTP at SITE_URL +
/sandbox/<system>/ (DESIGN §8), so the web server at SITE_URL must be running to use them.

Each emulator app provides `sandbox/<system>/seed.py` with `provision_connection(name, site_url)`
and `seed_demo()`; a system whose seed module or function does not exist yet is skipped with a note.

Extension point: `STEPS` below. Later features (integrations, mappings, sample orders) add one
function each, in the order they depend on one another; a step takes the `DemoRun` (the site URL,
the connections made so far) and returns the lines it reports.
"""

import inspect
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sandbox.provision import sandbox_base
from sandbox.stats import APPS as EMULATOR_APPS

# (system, demo connection name): the names DESIGN §8 fixes; integrations reuse the ERP names as slugs.
DEMO_CONNECTIONS = [
    ("walmart", "demo-walmart"),
    ("ifs_cloud", "demo-ifs"),
    ("infor_cloudsuite", "demo-cloudsuite"),
    ("infor_m3", "demo-m3"),
    ("peoplesoft", "demo-peoplesoft"),
    ("exact_online", "demo-exact"),
]


@dataclass
class DemoRun:
    """What the steps share: where the emulators are, and what they made or skipped."""

    site_url: str
    connections: dict = field(default_factory=dict)  # system -> Connection
    skipped: dict = field(default_factory=dict)  # system -> why


def seed_function(system, name):
    """`sandbox.<system>.seed.<name>`, or None when that module or function does not exist (yet).

    Only the absence of that very module or attribute counts as "not there"; an ImportError raised
    by something the seed module imports is a bug and propagates.
    """
    module_name = f"sandbox.{system}.seed"
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, name, None)


def provision_connections(run):
    lines = []
    for system, name in DEMO_CONNECTIONS:
        provision = seed_function(system, "provision_connection")
        if provision is None:
            run.skipped[system] = f"sandbox.{system}.seed.provision_connection does not exist yet"
            lines.append(f"{name}: skipped ({run.skipped[system]})")
            continue
        with transaction.atomic():
            connection = provision(name, site_url=run.site_url)
        run.connections[system] = connection
        lines.append(f"{name}: {connection.system_label} at {sandbox_base(system, run.site_url)}")
    return lines


def seed_emulators(run):
    lines = []
    for system, _ in DEMO_CONNECTIONS:
        if system in run.skipped:
            continue
        seed = seed_function(system, "seed_demo")
        if seed is None:
            lines.append(f"{system}: no demo data (sandbox.{system}.seed.seed_demo does not exist yet)")
            continue
        # An emulator whose demo data depends on where it is reached says so by taking site_url.
        kwargs = {"site_url": run.site_url} if "site_url" in inspect.signature(seed).parameters else {}
        with transaction.atomic():
            seed(**kwargs)
        lines.append(f"{system}: {_row_counts(system)}")
    return lines


def integrations(run):
    """One integration per demo ERP, all on demo-walmart, with the demo mapping files imported."""
    from syncs import demo as syncs_demo

    lines = []
    made = syncs_demo.seed_integrations(lines.append)
    syncs_demo.seed_mappings(made, lines.append)
    return lines


# The demo's own background life (sandbox.tasks): new orders every few minutes, webhooks out.
DEMO_SCHEDULES = [
    ("sandbox demo stream", "sandbox.tasks.demo_tick", 3),
    ("sandbox webhook deliveries", "sandbox.tasks.deliver_webhooks", 1),
]


def ensure_schedules(run):
    from django.utils import timezone
    from django_q.models import Schedule

    from syncs.schedules import ensure_schedules as ensure

    ensure()
    for name, func, minutes in DEMO_SCHEDULES:
        if not Schedule.objects.filter(name=name, func=func, minutes=minutes).exists():
            Schedule.objects.update_or_create(name=name, defaults={
                "func": func, "schedule_type": Schedule.MINUTES, "minutes": minutes, "repeats": -1,
                "next_run": timezone.now()})
    return [
        f"{s.name}: {s.func} every {s.minutes} min" if s.schedule_type == Schedule.MINUTES else f"{s.name}: {s.func}"
        for s in Schedule.objects.order_by("name")
    ]


# Each step: (title, function(DemoRun) -> lines). Append new steps here, in dependency order.
STEPS = [
    ("Connections", provision_connections),
    ("Emulator demo data", seed_emulators),
    ("Integrations and mappings", integrations),
    ("Schedules", ensure_schedules),
]


def _row_counts(system):
    """Rows per model of a system's emulator apps, e.g. "orders 12, items 40" (empty tables left out)."""
    counts = []
    for app_name in EMULATOR_APPS.get(system, (system,)):
        app = apps.get_app_config(f"sandbox_{app_name}")
        counts += [(m._meta.verbose_name_plural, m.objects.count()) for m in app.get_models()]
    return ", ".join(f"{name} {n}" for name, n in counts if n) or "no rows"


class Command(BaseCommand):
    help = "Create (or update) the sandbox demo: a connection to every emulator, their demo data, the schedules."

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url", default=None,
            help="Where this server answers (default: SITE_URL); the demo connections call SITE_URL/sandbox/<system>/",
        )

    def handle(self, site_url=None, **options):
        if not settings.SANDBOX_ENABLED:
            raise CommandError(
                "The demo runs against the sandbox emulators, which are off here (SANDBOX_ENABLED is false, "
                "the default when DEBUG is off). Set SANDBOX_ENABLED=true to use it; never on a production system."
            )
        run = DemoRun(site_url=(site_url or settings.SITE_URL).rstrip("/"))
        for title, step in STEPS:
            lines = step(run)
            self.stdout.write(f"{title}:")
            for line in lines:
                self.stdout.write(f"  {line}")
        made = len(run.connections)
        self.stdout.write(self.style.SUCCESS(
            f"Demo ready: {made} of {len(DEMO_CONNECTIONS)} demo connections, sandbox at {run.site_url}/sandbox/"
        ))
