"""The `since` marks of shipments(since) and items(since): a change date plus the keys seen at it.

ERP change dates are coarse (IFS: to the second; Exact: to the millisecond), so reading `date gt <last
seen>` would lose a row changed in the same instant after our read, and `ge` alone would answer the
last rows again. A mark keeps both: the latest
date read and the keys of the rows at exactly that date; the next read asks `ge` and skips those.
Text form: `name=<ISO date>@key1,key2;name2=...` (opaque to the flows).
"""

from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass(frozen=True)
class Stamp:
    at: datetime | None = None
    keys: frozenset = frozenset()

    def seen(self, at, key):
        """True for a row this mark already covered (the `ge` read answers it again)."""
        return self.at is not None and at is not None and (at < self.at or (at == self.at and key in self.keys))

    def after(self, rows):
        """The stamp after reading `rows` [(date, key)]: the latest date and the keys at it."""
        stamp = self
        for at, key in rows:
            if at is None:
                continue
            if stamp.at is None or at > stamp.at:
                stamp = Stamp(at, frozenset({key}))
            elif at == stamp.at:
                stamp = Stamp(at, stamp.keys | {key})
        return stamp

    def literal(self):
        """The OData date-time literal for `ge`, or None (from the start)."""
        return None if self.at is None else iso(self.at)


def iso(at):
    return at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def parse_date(value):
    """An ISO date-time ('2026-11-29T15:30:00Z', IFS's Edm.DateTimeOffset) as an aware datetime; None for
    empty; a datetime passes as it is (Exact's client has converted /Date(ms)/ already)."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse(mark):
    """{name: Stamp} from a mark's text; an empty or foreign mark means from the start."""
    stamps = {}
    for part in (mark or "").split(";"):
        name, _, rest = part.partition("=")
        at, _, keys = rest.partition("@")
        try:
            stamps[name] = Stamp(parse_date(at), frozenset(k for k in keys.split(",") if k))
        except ValueError:
            continue
    return stamps


def render(stamps):
    return ";".join(f"{name}={iso(s.at)}@{','.join(sorted(s.keys))}" for name, s in stamps.items() if s.at)
