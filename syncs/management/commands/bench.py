"""`manage.py bench [NAME ...] [--json]`: run the performance benchmarks and print their figures.

The registry is a plain dict of dotted paths (style rule 2), imported lazily; add a benchmark
with one line. Each callable returns {figure: number} with units in the names (`per_s`,
`p99_ms`, `rss_mb`). `--json` prints {"<benchmark>": {"<figure>": number}} (DESIGN §9).
"""

import json
from importlib import import_module

from django.core.management.base import BaseCommand, CommandError

BENCHMARKS = {
    "mappings_import_50k": "mappings.bench.import_50k",
    "inventory_out": "syncs.stock.bench.inventory_out",
    "prices_out": "syncs.stock.bench.prices_out",
}


def load(dotted):
    module, name = dotted.rsplit(".", 1)
    return getattr(import_module(module), name)


class Command(BaseCommand):
    help = "Run benchmarks and print their figures."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help=f"Benchmarks to run (default: all): {', '.join(BENCHMARKS)}")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options):
        names = options["names"] or list(BENCHMARKS)
        unknown = [name for name in names if name not in BENCHMARKS]
        if unknown:
            raise CommandError(f"Unknown benchmark(s): {', '.join(unknown)}. Known: {', '.join(BENCHMARKS)}.")
        results = {}
        for name in names:
            results[name] = load(BENCHMARKS[name])()
            if not options["json"]:
                figures = ", ".join(f"{key}={value}" for key, value in results[name].items())
                self.stdout.write(f"{name}: {figures}")
        if options["json"]:
            self.stdout.write(json.dumps(results))
