"""Walmart SKUs and ship nodes that orders needed but no active mapping covered (the unmapped report).

The resolver collects misses in memory; its caller hands them over once per run. Writes are
race-safe across workers: rows are created with count 0 (conflicts ignored), then incremented
with an UPDATE ... SET count = count + n, so two runs never lose each other's sightings.
"""

from collections import Counter, defaultdict

from django.db.models import F
from django.utils import timezone

from mappings.models import UnmappedSighting


def record_misses(integration, misses):
    """misses: {(kind, value): times} (e.g. Resolver.misses) or an iterable of (kind, value)."""
    counts = misses if isinstance(misses, Counter) else Counter(misses)
    counts = Counter({key: n for key, n in counts.items() if key[1] and n > 0})
    if not counts:
        return
    now = timezone.now()
    UnmappedSighting.objects.bulk_create(
        [UnmappedSighting(integration=integration, kind=kind, value=value[:100], count=0, first_seen=now, last_seen=now)
         for kind, value in counts],
        ignore_conflicts=True,
    )
    # One UPDATE per (kind, increment): a handful of queries, whatever the number of misses.
    groups = defaultdict(list)
    for (kind, value), times in counts.items():
        groups[(kind, times)].append(value[:100])
    for (kind, times), values in groups.items():
        UnmappedSighting.objects.filter(integration=integration, kind=kind, value__in=values).update(
            count=F("count") + times, last_seen=now,
        )
