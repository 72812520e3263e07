"""manage.py webhooks sign INTEGRATION FILE: the headers Walmart would send with FILE as the body.
manage.py webhooks subscribe INTEGRATION: create/update the Walmart subscriptions and test them.

Example:  python manage.py webhooks sign acme order.json > headers.txt
          curl -X POST --data-binary @order.json $(sed 's/^/-H /' ...) https://host/webhooks/walmart/acme/
"""

from django.core.management.base import BaseCommand, CommandError

from syncs.intake.envelope import Rejected
from syncs.intake.signing import walmart_headers
from syncs.models import Integration


class Command(BaseCommand):
    help = "Webhook tools. `sign INTEGRATION FILE`: print the headers (Name: value) Walmart would send."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sign = sub.add_parser("sign", help="print the delivery headers for a body file")
        sign.add_argument("integration")
        sign.add_argument("file")
        subscribe = sub.add_parser("subscribe", help="create/update Walmart subscriptions, then a test delivery")
        subscribe.add_argument("integration")

    def handle(self, *args, action, **options):
        if action == "sign":
            self.sign(options["integration"], options["file"])
        else:
            self.subscribe(options["integration"])

    def subscribe(self, slug):
        from connectors.errors import ConnectorError
        from syncs.intake.subscribe import subscribe

        integration = Integration.objects.select_related("walmart").filter(slug=slug).first()
        if integration is None:
            raise CommandError(f"No integration {slug!r}")
        try:
            for line in subscribe(integration):
                self.stdout.write(line)
        except (ConnectorError, ValueError) as exc:
            raise CommandError(f"{slug}: {exc}")

    def sign(self, slug, path):
        integration = Integration.objects.filter(slug=slug).first()
        if integration is None:
            raise CommandError(f"No integration {slug!r}")
        try:
            with open(path, "rb") as fh:
                body = fh.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}")
        if not integration.webhook_secret():
            raise CommandError(f"{slug}: no webhook secret is configured")
        try:
            headers = walmart_headers(integration, body)
        except Rejected as exc:
            raise CommandError(f"{slug}: {exc.reason}")
        for name, value in headers:
            self.stdout.write(f"{name}: {value}")
