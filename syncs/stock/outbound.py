"""What inventory_out and prices_out share: the run lease, the daily full resend, marking the
changed lines in flight with one UPDATE, streaming them into feeds, and the dry run's rollback."""

from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q

from connectors import clock
from syncs.feeds import engine
from syncs.locking import lease
from syncs.models import OutboundFlow
from syncs.stock import staging

LEASE_SECONDS = 30 * 60


class DryRun(Exception):
    """Raised inside a dry run's transaction so everything it wrote is rolled back."""


@contextmanager
def rolled_back():
    """A block whose writes are all undone (the dry run: staging, computed state, nothing kept)."""
    try:
        with transaction.atomic():
            yield
            raise DryRun
    except DryRun:
        pass


@contextmanager
def run_lease(integration, flow):
    """One run of a flow per integration at a time (a long run must not overlap the next schedule)."""
    state, _ = OutboundFlow.objects.get_or_create(integration=integration, flow=flow)
    with lease(OutboundFlow, state.pk, seconds=LEASE_SECONDS):
        state.refresh_from_db()
        yield state


def full_due(state, integration):
    return state.full_requested or state.last_full_at is None or (
        clock.now() - state.last_full_at >= timedelta(hours=integration.full_resend_hours))


def record_full(state):
    OutboundFlow.objects.filter(pk=state.pk).update(last_full_at=clock.now(), full_requested=False)


def delta(model, integration, *, full=False, extra=None):
    """The lines to send now: nothing in flight, a value to send, different from what Walmart has
    (every such line on a full resend), and not the value Walmart refused last time."""
    rows = model.objects.filter(integration=integration, in_flight__isnull=True, desired__isnull=False)
    if not full:
        rows = rows.filter(Q(sent__isnull=True) | ~Q(sent=F("desired")))
    rows = rows.filter(Q(held_value__isnull=True) | ~Q(held_value=F("desired")))
    return rows.filter(extra) if extra is not None else rows


def send(model, integration, flow, feed_type, make_records, columns, *, full=False, extra=None):
    """Put the delta in flight (one UPDATE), stream it in SKU order into feeds and queue them.
    Returns (lines, feeds)."""
    token = engine.new_run_token(flow)
    marked = delta(model, integration, full=full, extra=extra).update(in_flight=F("desired"), run=token, feed=None)
    if not marked:
        return 0, []
    rows = (model.objects.filter(integration=integration, run=token).order_by(*columns[:-1])
            .values_list(*columns).iterator(chunk_size=5000))

    def tie(feed):
        model.objects.filter(integration=integration, run=token, sku__gte=feed.first_sku,
                             sku__lte=feed.last_sku).update(feed=feed)

    feeds = engine.queue(integration, flow, feed_type, make_records(rows), on_chunk=tie)
    return marked, feeds


def retry(rows, *, user=None):
    """Staff's 'Retry': lines held after a refusal (or after giving up on Walmart's failures) go with
    the next run. Returns how many. Audited by the caller's action."""
    return rows.filter(in_flight__isnull=True).update(held_value=None, system_retries=0, error="", error_kind="",
                                                     error_at=None)


def resend_everything(integration, flow):
    """Staff's 'Resend everything': the next run sends every line, changed or not."""
    OutboundFlow.objects.update_or_create(integration=integration, flow=flow, defaults={"full_requested": True})


def work_feeds(integration, flow, send):
    """Submit what is queued, track what is submitted, and send again at once what Walmart failed
    (send(integration) marks those lines in flight again)."""
    counts = {"submit": engine.submit_due(integration, flow), "track": engine.track_due(integration, flow)}
    if any(counts["track"].get(outcome) for outcome in ("processed", "timed_out", "error")):
        resent, feeds = send(integration)
        if feeds:
            counts["resent_lines"] = resent
            counts["submit"] = engine.submit_due(integration, flow)
    return counts


def compute_from_erp(integration, adapter, read, compute):
    """A run's ERP read into staging, then the set-based compute; the staging rows go either way."""
    staging.prepare()
    try:
        lines = read(integration, adapter, staging.load)
        compute(integration)
    finally:
        staging.clear()
    return lines


@contextmanager
def computed_then_undone(integration, flow, adapter, read, compute, full=None):
    """The dry runs' way: read the ERP first (no write while reading), then stage and compute in a
    transaction that is rolled back. Yields whether the run would be a full resend."""
    pages = []
    read(integration, adapter, lambda rows: pages.append(rows) or len(rows))
    with rolled_back():
        staging.prepare()
        for rows in pages:
            staging.load(rows)
        compute(integration)
        state = OutboundFlow.objects.filter(integration=integration, flow=flow).first()
        yield (state is None or full_due(state, integration)) if full is None else full
