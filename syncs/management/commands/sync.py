"""manage.py sync INTEGRATION FLOW [--retry-now] [--no-poll] [--dry-run] [--full]: run one flow now, in the foreground.

orders_in: poll Walmart (reconciliation), turn due inbox events into orders, validate, post,
acknowledge, cancel rejected lines, run the watchdogs. --dry-run prints, per order, the mapping
decisions, the verdict and the exact ERP payload, and writes nothing anywhere.
inventory_out / prices_out / items_out: read the ERP, send what changed by feed, track feeds;
inventory_in: Walmart's quantities into Exact stock counts; shipments_out: the ERP's shipments and
cancellations confirmed on Walmart. Their --dry-run prints the lines they would send and writes nothing.
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
                            help="print what would be posted or sent (decisions, payloads, lines); write nothing anywhere")
        parser.add_argument("--full", action="store_true", help="inventory_out/prices_out: send every line, changed or not")

    def handle(self, integration, flow, retry_now, no_poll, dry_run=False, full=False, **options):
        try:
            integ = Integration.objects.select_related("walmart", "erp").get(slug=integration)
        except Integration.DoesNotExist:
            raise CommandError(f"No integration {integration!r}")
        if dry_run:
            return self._dry_run(integ, flow, walmart=not no_poll)
        try:
            extra = {"full": True} if full else {}
            counts = flows.run(integ, flow, trigger="command", poll=not no_poll, retry_now=retry_now, **extra)
        except flows.FlowNotAvailable as exc:
            raise CommandError(str(exc))
        except ConnectorError as exc:
            raise CommandError(f"{integ.slug} {flow}: {exc}")
        self.stdout.write(f"{integ.slug} {flow}: {json.dumps(counts)}")

    def _dry_run(self, integ, flow, *, walmart):
        from syncs.orders.dry_run import plan

        if flow in OUTBOUND_PLANS:
            return self._dry_run_outbound(integ, flow)
        if flow != "orders_in":
            raise CommandError(f"--dry-run is available for orders_in, {', '.join(OUTBOUND_PLANS)}; not {flow}")
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

    def _dry_run_outbound(self, integ, flow):
        """What the next run would send, line by line (old -> new, why); nothing is written, not
        even the staging rows or the run history (they live in a transaction that is rolled back)."""
        from importlib import import_module

        from connectors import http

        unaudited = http.unaudited.set(True)  # the reads a dry run makes leave no audit rows either
        try:
            flows.check_available(integ, flow)
            lines = import_module(OUTBOUND_PLANS[flow]).plan(integ)
        except flows.FlowNotAvailable as exc:
            raise CommandError(str(exc))
        except ConnectorError as exc:
            raise CommandError(f"{integ.slug} {flow} --dry-run: {exc}")
        finally:
            http.unaudited.reset(unaudited)
        for line in lines:
            if flow == "inventory_out":
                self.stdout.write(f"{line['sku']} @ {line['ship_node']}: {_show(line['sent'])} -> {line['desired']} ({line['why']})")
            elif flow == "prices_out":
                self.stdout.write(f"{line['sku']}: {_show(line['sent'])} -> {line['desired']} {line['currency']} ({line['why']})")
            elif flow == "items_out":
                self.stdout.write(f"{line['sku']} ({line['item']}) {line['title']!r}: {line['why']}")
            elif flow == "shipments_out":
                what = (f"ship {line['quantity']} via {line['carrier'] or '?'} tracking {line['tracking']}"
                        if line["kind"] == "ship" else f"cancel {line['quantity']}")
                state = "would send" if line["status"] != "needs_review" else f"would hold for review: {line['why']}"
                self.stdout.write(f"PO {line['po']} line {line['line']}: {what} ({state})")
            else:
                self.stdout.write(f"{line['item']} ({line['sku']} @ {line['ship_node']}) in {line['warehouse']}: "
                                  f"ERP {_show(line['erp'])} -> Walmart {_show(line['walmart'])}")
        self.stdout.write(f"{integ.slug} {flow} --dry-run (nothing written): {len(lines)} lines would be sent")


def _show(value):
    return "-" if value is None else format(value, "f") if hasattr(value, "normalize") else str(value)


OUTBOUND_PLANS = {"inventory_out": "syncs.stock.inventory_out", "prices_out": "syncs.stock.prices_out",
                  "inventory_in": "syncs.stock.inventory_in", "shipments_out": "syncs.shipments.flow",
                  "items_out": "syncs.items.flow"}
