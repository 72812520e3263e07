"""manage.py replay ORDER | --failed INTEGRATION [--reason CODE] [--now]

Put a failed or waiting posting back on the posting machine's path (the same path as a retry: the
ERP is asked for the document first, so a replay never double-posts). ORDER is a Walmart
purchaseOrderId (add --integration when several integrations hold it). --failed replays every order
of INTEGRATION in review after a posting attempt (optionally only one reason code). --now posts
them in the foreground instead of at the next scheduled run.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from syncs.models import Integration, MarketplaceOrder
from syncs.orders import review
from syncs.orders.post import post_due

S = MarketplaceOrder.Status


class Command(BaseCommand):
    help = "Replay failed postings (the ERP is checked first: never a second document)."

    def add_arguments(self, parser):
        parser.add_argument("order", nargs="?", help="a Walmart purchaseOrderId")
        parser.add_argument("--integration", help="integration slug (needed with ORDER when several hold it)")
        parser.add_argument("--failed", metavar="INTEGRATION", help="replay every failed posting of this integration")
        parser.add_argument("--reason", help="with --failed: only orders in review for this reason code")
        parser.add_argument("--now", action="store_true", help="post now, in the foreground")

    def handle(self, order=None, integration=None, failed=None, reason=None, now=False, **options):
        if bool(order) == bool(failed):
            raise CommandError("Give either ORDER or --failed INTEGRATION.")
        if failed:
            integ = self._integration(failed)
            rows = MarketplaceOrder.objects.filter(integration=integ, status__in=[S.NEEDS_REVIEW, S.RETRY_WAIT],
                                                   attempts__gt=0)
            if reason:
                rows = rows.filter(review_reason=reason)
        else:
            rows = MarketplaceOrder.objects.filter(purchase_order_id=order)
            if integration:
                rows = rows.filter(integration=self._integration(integration))
            if rows.count() > 1:
                slugs = ", ".join(rows.values_list("integration__slug", flat=True))
                raise CommandError(f"PO {order} is held by several integrations ({slugs}): add --integration.")
            if not rows.exists():
                raise CommandError(f"No order {order}" + (f" in {integration}" if integration else ""))
        replayed, refused = [], []
        for row in rows.select_related("integration"):
            try:
                review.replay(row)
                replayed.append(row)
            except review.DecisionError as exc:
                refused.append(str(exc))
        for text in refused:
            self.stderr.write(text)
        self.stdout.write(f"replayed {len(replayed)} order(s)")
        if now:
            for integ in {row.integration for row in replayed}:
                self.stdout.write(f"{integ.slug}: {json.dumps(post_due(integ))}")
        if refused and not replayed:
            raise CommandError("nothing to replay")

    def _integration(self, slug):
        try:
            return Integration.objects.select_related("erp").get(slug=slug)
        except Integration.DoesNotExist:
            raise CommandError(f"No integration {slug!r}")
