"""manage.py status [--json]: per integration, orders by state, review by reason, last runs, feeds in
flight, prices awaiting approval, shipment confirmations, tokens."""

import json

from django.core.management.base import BaseCommand

from syncs.status import collect


class Command(BaseCommand):
    help = "Show orders by state, the review queue by reason, the last run of each flow and token states."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, as_json=False, **options):
        data = collect()
        if as_json:
            self.stdout.write(json.dumps(data, indent=2, sort_keys=True))
            return
        if not data["integrations"]:
            self.stdout.write("No integrations yet (add one in the admin, or run `manage.py demo`).")
        for integ in data["integrations"]:
            orders = ", ".join(f"{k} {v}" for k, v in sorted(integ["orders"].items())) or "no orders"
            self.stdout.write(f"{integ['slug']} ({integ['erp']}{'' if integ['active'] else ', inactive'}): {orders}")
            if integ["review"]:
                reasons = ", ".join(f"{k} {v}" for k, v in sorted(integ["review"].items(), key=lambda kv: -kv[1]))
                self.stdout.write(f"  review: {reasons}")
            if integ["returns"]:
                self.stdout.write("  returns: " + ", ".join(f"{k} {v}" for k, v in sorted(integ["returns"].items())))
            if integ["feeds_in_flight"] or integ["prices_awaiting_approval"]:
                self.stdout.write(f"  feeds in flight {integ['feeds_in_flight']}, "
                                  f"prices awaiting approval {integ['prices_awaiting_approval']}")
            if integ["shipments"]:
                self.stdout.write("  shipments: " + ", ".join(f"{k} {v}" for k, v in sorted(integ["shipments"].items())))
            for flow, run in sorted(integ["last_runs"].items()):
                self.stdout.write(f"  last {flow}: {run['at']} {'ok' if run['ok'] else 'FAILED'}")
            for conn in integ["connections"]:
                self.stdout.write(f"  {conn['name']}: auth {conn['auth_state']}, token until {conn['token_expires_at'] or '-'}")
