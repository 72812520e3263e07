"""manage.py sync INTEGRATION FLOW [--retry-now]: run one flow now, to the end, in the foreground.

orders_in: poll Walmart (reconciliation), then turn due inbox events into orders. Validation,
posting and acknowledgement join this flow with their issues.
"""

from django.core.management.base import BaseCommand, CommandError

from connectors.errors import ConnectorError
from syncs.models import FLOWS, Integration
from syncs.orders.inbox import process_account
from syncs.orders.poll import poll_account


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
        if flow != "orders_in":
            raise CommandError(f"The {flow} flow is not available yet.")
        try:
            if not no_poll:
                polled = poll_account(integ.walmart)
                self.stdout.write(f"poll: {polled['new']} new, {polled['seen']} already known, {polled['pages']} page(s)")
            processed = process_account(integ.walmart, retry_now=retry_now)
        except ConnectorError as exc:
            raise CommandError(f"{integ.slug} orders_in: {exc}")
        self.stdout.write(f"inbox: {processed['processed']} processed, {processed['retry']} to retry, "
                          f"{processed['failed']} failed")
