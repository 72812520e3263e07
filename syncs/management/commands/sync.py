"""manage.py sync INTEGRATION FLOW [--retry-now] [--no-poll] [--dry-run]: run one flow now, in the foreground.

orders_in: poll Walmart (reconciliation), turn due inbox events into orders, validate, post,
acknowledge, cancel rejected lines, run the watchdogs. --dry-run prints, per order, the mapping
decisions, the verdict and the exact ERP payload, and writes nothing anywhere.
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
        parser.add_argument("--dry-run", action="store_true",
                            help="print what would be posted (decisions and ERP payloads); write nothing anywhere")

    def handle(self, integration, flow, retry_now, no_poll, dry_run=False, **options):
        try:
            integ = Integration.objects.select_related("walmart", "erp").get(slug=integration)
        except Integration.DoesNotExist:
            raise CommandError(f"No integration {integration!r}")
        if dry_run:
            return self._dry_run(integ, flow, walmart=not no_poll)
        try:
            counts = flows.run(integ, flow, trigger="command", poll=not no_poll, retry_now=retry_now)
        except flows.FlowNotAvailable as exc:
            raise CommandError(str(exc))
        except ConnectorError as exc:
            raise CommandError(f"{integ.slug} {flow}: {exc}")
        self.stdout.write(f"{integ.slug} {flow}: {json.dumps(counts)}")

    def _dry_run(self, integ, flow, *, walmart):
        from syncs.orders.dry_run import plan

        if flow != "orders_in":
            raise CommandError(f"--dry-run is available for orders_in, not {flow}")
        verdicts = {}
        try:
            for entry in plan(integ, walmart=walmart):
                verdict = entry["verdict"].split(":")[0].split(" ")[0]
                verdicts[verdict] = verdicts.get(verdict, 0) + 1
                self.stdout.write(f"PO {entry['purchase_order_id']} ({entry['status']}): {entry['verdict']}")
                for decision in entry.get("decisions", []):
                    self.stdout.write("  line " + json.dumps(decision, default=str))
                if entry.get("payload") is not None:
                    self.stdout.write("  payload " + json.dumps(entry["payload"], indent=2, default=str).replace("\n", "\n  "))
        except ConnectorError as exc:
            raise CommandError(f"{integ.slug} {flow} --dry-run: {exc}")
        self.stdout.write(f"{integ.slug} {flow} --dry-run (nothing written): {json.dumps(verdicts)}")
