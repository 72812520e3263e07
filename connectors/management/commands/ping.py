"""manage.py ping NAME: authenticate and make one cheap read; exit 0 and one line if it works."""

from django.core.management.base import BaseCommand, CommandError

from connectors import ping as ping_mod
from connectors.models import Connection


class Command(BaseCommand):
    help = "Test a connection: authenticate, make one cheap read, print one line. Exit 1 when it fails."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Connection name (slug)")

    def handle(self, name, **options):
        try:
            connection = Connection.objects.get(name=name)
        except Connection.DoesNotExist:
            known = ", ".join(Connection.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"No connection named {name!r} (known: {known})")
        result = ping_mod.ping(connection)
        line = f"{connection.name} ({connection.system_label}): {'OK' if result.ok else 'FAILED'} — {result.summary}"
        if not result.ok:
            raise CommandError(line, returncode=1)
        self.stdout.write(line)
