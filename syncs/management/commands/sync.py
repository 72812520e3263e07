"""manage.py sync INTEGRATION FLOW [--retry-now] [--no-poll]: run one flow now, in the foreground.

orders_in: poll Walmart (reconciliation), then turn due inbox events into orders. Validation,
posting and acknowledgement join this flow with their issues.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from connectors.errors import ConnectorError
from syncs import flows
from syncs.models import FLOWS, Integration


class Command(BaseCommand):
    help = "Run one flow of an integration now, in the foreground, and print counts."

    def add_arguments(self, parser):
        parser.add_argument("integration")
        parser.add_argument("flow", choices=[name for name, _ in FLOWS])
        parser.add_argument("--retry-now", action="store_true", help="treat every item waiting for a retry as due")
        parser.add_argument("--no-poll", action="store_true", help="skip the Walmart poll; only work the inbox")

    def handle(self, integration, flow, retry_now, no_poll, **options):
        try:
            integ = Integration.objects.select_related("walmart", "erp").get(slug=integration)
        except Integration.DoesNotExist:
            raise CommandError(f"No integration {integration!r}")
        try:
            counts = flows.run(integ, flow, trigger="command", poll=not no_poll, retry_now=retry_now)
        except flows.FlowNotAvailable as exc:
            raise CommandError(str(exc))
        except ConnectorError as exc:
            raise CommandError(f"{integ.slug} {flow}: {exc}")
        self.stdout.write(f"{integ.slug} {flow}: {json.dumps(counts)}")
