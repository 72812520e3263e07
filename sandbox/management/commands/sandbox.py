"""manage.py sandbox ...: drive the emulators (DESIGN §8).

  sandbox fault SYSTEM MODE [--rate R] [--seconds S] [--path P] [--method M] [--for S]
  sandbox fault --clear [SYSTEM]
  sandbox stats [--json]
  sandbox reset
  sandbox clock [--advance SECONDS | --reset]
  sandbox load-orders FILE [--account NAME]     (a GET /v3/orders body, a single order, or a bare order)
  sandbox load-returns FILE [--account NAME]    (a GET /v3/returns body)
  sandbox deliver                                (send due webhook deliveries now)
  sandbox set-stock SYSTEM ITEM WAREHOUSE QTY    (an ERP's stock of an item; prints old -> new)
  sandbox set-price SYSTEM ITEM (PRICE | --change PERCENT) [--currency C]   (an ERP's selling price)

  sandbox ship SYSTEM PURCHASE_ORDER_ID [--lines 1,2] [--quantity N] [--packages K] [--carrier CODE]
  sandbox cancel-line SYSTEM PURCHASE_ORDER_ID LINE [--quantity N]
  sandbox touch-items SYSTEM N                   (change N items' descriptions or images, stamped now)

ship / cancel-line / touch-items call sandbox.<SYSTEM>.fulfil (ship, cancel_line, touch_items): what
the seller's warehouse does in that ERP, so shipments_out and items_out have something to read.
LINE and --lines are Walmart line numbers; --quantity is per line, in ERP units; CODE is the
ERP's carrier code (M3 forwarding agent, e.g. UPSG, FEDX, USPS).

set-stock / set-price call sandbox.<SYSTEM>.levels (set_stock, set_price) of ifs_cloud, infor_m3,
peoplesoft or exact_online; WAREHOUSE is that ERP's code (IFS site, M3 WHLO, PeopleSoft business
unit, Exact warehouse). QTY is a number; M3 also takes text (it answers quantities as text).
"""

import json
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sandbox import clock, stats
from sandbox.models import SYSTEMS, Account, Fault


def _walmart_account(name):
    """The sandbox Walmart account behind a connection name (demo-walmart) or an account key."""
    from connectors.models import Connection

    conn = Connection.objects.filter(name=name, system="walmart").first()
    key = conn.typed_config.client_id if conn else name
    account = Account.objects.filter(system="walmart", key=key).first()
    if account is None:
        raise CommandError(f"No sandbox Walmart account {name!r}; run `manage.py demo` or pass --account.")
    return account


def _shown(value):
    """A stored quantity or price without the column's trailing zeros (101.8200 -> 101.82)."""
    if value is None:
        return "(none)"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    return str(value)


class Command(BaseCommand):
    help = "Drive the sandbox emulators: faults, stats, reset, clock, loading captured Walmart payloads."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        fault = sub.add_parser("fault", help="Turn a fault on in one emulator, or clear faults")
        fault.add_argument("system", nargs="?", choices=SYSTEMS)
        fault.add_argument("mode", nargs="?", choices=[m.value for m in Fault.Mode])
        fault.add_argument("--rate", type=float, default=1.0, help="share of calls affected (0..1)")
        fault.add_argument("--seconds", type=float, default=0.0, help="latency/timeout length in seconds")
        fault.add_argument("--for", dest="duration", type=float, default=None,
                           help="how long the fault lasts (sandbox seconds); outage default 300, others until cleared")
        fault.add_argument("--path", default="", help="only calls whose path contains this")
        fault.add_argument("--method", default="", help="only calls with this HTTP method")
        fault.add_argument("--clear", action="store_true", help="clear faults (of SYSTEM, or all)")
        stats_p = sub.add_parser("stats", help="Documents, calls and 429s per emulated system")
        stats_p.add_argument("--json", action="store_true")
        sub.add_parser("reset", help="Delete all emulator state (accounts, documents, faults, calls, clock)")
        clock_p = sub.add_parser("clock", help="Show or move the sandbox clock")
        clock_p.add_argument("--advance", type=float, default=None, help="seconds to move forward")
        clock_p.add_argument("--reset", action="store_true")
        for name in ("load-orders", "load-returns"):
            p = sub.add_parser(name, help=f"{name.replace('-', ' ')} from a captured Walmart payload")
            p.add_argument("file")
            p.add_argument("--account", default="demo-walmart", help="Walmart connection name or sandbox client id")
        sub.add_parser("deliver", help="Send the webhook deliveries that are due")
        stock_p = sub.add_parser("set-stock", help="Set an item's stock in an ERP emulator")
        stock_p.add_argument("system", choices=[s for s in SYSTEMS if s != "walmart"])
        stock_p.add_argument("item")
        stock_p.add_argument("warehouse")
        stock_p.add_argument("quantity")
        price_p = sub.add_parser("set-price", help="Set or change an item's price in an ERP emulator")
        price_p.add_argument("system", choices=[s for s in SYSTEMS if s != "walmart"])
        price_p.add_argument("item")
        price_p.add_argument("price", nargs="?", default=None)
        price_p.add_argument("--change", type=str, default=None, help="percent change, e.g. 10 or -5")
        price_p.add_argument("--currency", default=None)
        erps = [s for s in SYSTEMS if s != "walmart"]
        ship_p = sub.add_parser("ship", help="Ship (part of) an order in an ERP emulator, with tracking numbers")
        ship_p.add_argument("system", choices=erps)
        ship_p.add_argument("purchase_order_id")
        ship_p.add_argument("--lines", default=None, help="Walmart line numbers, e.g. 1,2 (default: every open line)")
        ship_p.add_argument("--quantity", default=None, help="quantity per line (default: all that is open)")
        ship_p.add_argument("--packages", type=int, default=1, help="packages per delivery")
        ship_p.add_argument("--carrier", default=None, help="the ERP's carrier code")
        cancel_p = sub.add_parser("cancel-line", help="Cancel / close short an order line in an ERP emulator")
        cancel_p.add_argument("system", choices=erps)
        cancel_p.add_argument("purchase_order_id")
        cancel_p.add_argument("line")
        cancel_p.add_argument("--quantity", default=None, help="default: all that is open")
        touch_p = sub.add_parser("touch-items", help="Change N items' data in an ERP emulator")
        touch_p.add_argument("system", choices=erps)
        touch_p.add_argument("count", type=int)

    def handle(self, *args, action, **options):
        if not settings.SANDBOX_ENABLED:
            raise CommandError("The sandbox is disabled (SANDBOX_ENABLED is off).")
        getattr(self, "do_" + action.replace("-", "_"))(**options)

    def do_fault(self, system, mode, rate, seconds, duration, path, method, clear, **_):
        if clear:
            qs = Fault.objects.filter(system=system) if system else Fault.objects.all()
            count = qs.count()
            qs.delete()
            self.stdout.write(f"Cleared {count} fault(s){' on ' + system if system else ''}.")
            return
        if not system or not mode:
            raise CommandError("Give SYSTEM and MODE (or --clear). Modes: " + ", ".join(m.value for m in Fault.Mode))
        if not 0 < rate <= 1:
            raise CommandError("--rate must be in (0, 1].")
        now = clock.now()
        if duration is None and mode == Fault.Mode.OUTAGE:
            duration = seconds or 300
        fault = Fault.objects.create(
            system=system, mode=mode, rate=rate, seconds=seconds, path_contains=path, method=method.upper(),
            starts_at=now, ends_at=now + timedelta(seconds=duration) if duration else None,
        )
        until = f"until {fault.ends_at:%H:%M:%S} (sandbox clock)" if fault.ends_at else "until cleared"
        self.stdout.write(f"Fault {mode} on {system} at rate {rate:g} {until}.")

    def do_stats(self, json=False, **_):
        data = stats.collect()
        if json:
            import json as _json

            self.stdout.write(_json.dumps(data, indent=2, sort_keys=True))
            return
        for system, row in data.items():
            docs = ", ".join(f"{k} {v}" for k, v in row["documents"].items()) or "no documents"
            self.stdout.write(f"{system:17} calls {row['calls']:6}  429s {row['throttled']:5}  "
                              f"duplicate refs {row['duplicate_references']}  {docs}")

    def do_reset(self, **_):
        with transaction.atomic():
            for config in apps.get_app_configs():
                if config.label == "sandbox" or config.label.startswith("sandbox_"):
                    for model in reversed(list(config.get_models())):
                        model.objects.all().delete()
        self.stdout.write("Sandbox state deleted (run `manage.py demo` to seed it again).")

    def do_clock(self, advance=None, reset=False, **_):
        if reset:
            clock.reset()
        elif advance:
            clock.advance(advance)
        self.stdout.write(f"Sandbox clock: {clock.now():%Y-%m-%d %H:%M:%S} UTC (offset {clock.offset():+.0f} s)")

    @staticmethod
    def _levels(system):
        """sandbox.<system>.levels, or a clear refusal for an emulator that keeps no stock or prices."""
        try:
            return import_module(f"sandbox.{system}.levels")
        except ModuleNotFoundError as exc:
            if exc.name != f"sandbox.{system}.levels":
                raise
            raise CommandError(f"{system} keeps no stock/prices") from None

    @staticmethod
    def _fulfil(system):
        """sandbox.<system>.fulfil, or a clear refusal for an emulator that ships nothing."""
        try:
            return import_module(f"sandbox.{system}.fulfil")
        except ModuleNotFoundError as exc:
            if exc.name != f"sandbox.{system}.fulfil":
                raise
            raise CommandError(f"{system} has no shipments or item changes in the sandbox") from None

    @staticmethod
    def _run(call):
        try:
            return call()
        except (LookupError, ValueError) as exc:  # args[0]: a KeyError's str() would add quotes
            raise CommandError(str(exc.args[0]) if exc.args else type(exc).__name__) from None

    def do_ship(self, system, purchase_order_id, lines, quantity, packages, carrier, **_):
        fulfil = self._fulfil(system)
        numbers = [n.strip() for n in lines.split(",") if n.strip()] if lines else None
        shipped = self._run(lambda: fulfil.ship(purchase_order_id, lines=numbers, quantity=quantity,
                                                packages=packages, carrier=carrier))
        for row in shipped:
            self.stdout.write(f"Shipped line {row['line']} ({row['item']}) x {_shown(row['quantity'])} "
                              f"by {row['carrier']}{' ' + row['method'] if row.get('method') else ''}, "
                              f"tracking {row['tracking_number']} (order {row['order']}, "
                              f"shipment {row.get('delivery') or row.get('shipment', '')})")
        self.stdout.write(f"{system}: {len(shipped)} package line(s) shipped for {purchase_order_id}.")

    def do_cancel_line(self, system, purchase_order_id, line, quantity, **_):
        fulfil = self._fulfil(system)
        row = self._run(lambda: fulfil.cancel_line(purchase_order_id, line, quantity=quantity))
        status = f", line status {row['status']}" if row.get("status") else ""
        self.stdout.write(f"{system}: cancelled {_shown(row['quantity'])} of line {row['line']} ({row['item']}) "
                          f"of {purchase_order_id} (order {row['order']}{status}).")

    def do_touch_items(self, system, count, **_):
        fulfil = self._fulfil(system)
        touched = self._run(lambda: fulfil.touch_items(count))
        self.stdout.write(f"{system}: changed {len(touched)} item(s): {', '.join(touched)}")

    def _change(self, what, call):
        try:
            old, new = call()
        except (LookupError, ValueError) as exc:
            raise CommandError(str(exc).strip("'\"")) from None
        self.stdout.write(f"{what}: {_shown(old)} -> {_shown(new)}")

    def do_set_stock(self, system, item, warehouse, quantity, **_):
        levels = self._levels(system)
        try:
            value = Decimal(quantity)
        except InvalidOperation:
            value = quantity  # text: the ERP's levels decide (M3 keeps it, the others refuse)
        self._change(f"{system} stock of {item} at {warehouse}", lambda: levels.set_stock(item, warehouse, value))

    def do_set_price(self, system, item, price, change, currency, **_):
        if (price is None) == (change is None):
            raise CommandError("Give a PRICE or --change PERCENT (one of them).")
        levels = self._levels(system)
        self._change(f"{system} price of {item}" + (f" ({currency})" if currency else ""),
                     lambda: levels.set_price(item, price=price, change_percent=change, currency=currency))

    def _load(self, kind, file, account):
        try:
            with open(file, encoding="utf-8-sig") as fh:
                data = json.load(fh)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}")
        except ValueError as exc:
            raise CommandError(f"{file} is not JSON: {exc}")
        loader = import_module("sandbox.walmart.loader")
        try:
            created, updated = getattr(loader, f"load_{kind}")(data, _walmart_account(account))
        except ValueError as exc:
            raise CommandError(f"{file}: {exc}")
        self.stdout.write(f"Loaded {kind} from {file}: {created} new, {updated} updated.")

    def do_load_orders(self, file, account, **_):
        self._load("orders", file, account)

    def do_load_returns(self, file, account, **_):
        self._load("returns", file, account)

    def do_deliver(self, **_):
        counts = stats.deliver_webhooks()
        self.stdout.write(f"Webhook deliveries: {counts}")
