"""Bulk feeds: POST /v3/feeds?feedType=... (a multipart `file` as the spec says, or a raw JSON body as
Walmart's current curl samples do), GET /v3/feeds (statuses) and GET /v3/feeds/{feedId} (item detail).

Each feed type is throttled in its own bucket with the seller's partner-profile limits, and a file
over the type's size limit is refused with 413, as Walmart does (reference/walmart-api.md §6).
"""

import math

from django.core.exceptions import RequestDataTooBig
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox import clock, shapes
from sandbox.walmart.endpoint import walmart_api
from sandbox.walmart_listings import feeds, profile, wire
from sandbox.walmart_listings.item_views import partner_id
from sandbox.walmart_listings.models import Feed, Listing

MAX_FEEDS_PAGE = 50  # both list and detail: "It cannot be more than 50 entities"
SERVICE = "GMP_FEED_API"


def _counted(queryset):
    # Explicit order: Django drops Meta.ordering from GROUP BY queries.
    return queryset.order_by("-received_at", "-id").annotate(
        n_items=Count("items"),
        n_succeeded=Count("items", filter=Q(items__status="SUCCESS")),
        n_failed=Count("items", filter=Q(items__status="DATA_ERROR")),
    )


def _counts(feed, status):
    """(received, succeeded, failed, processing) as Walmart reports them in each state."""
    if status == Feed.Status.RECEIVED or status == Feed.Status.ERROR:
        return 0, 0, 0, 0
    if status == Feed.Status.INPROGRESS:
        return feed.n_items, 0, 0, feed.n_items
    return feed.n_items, feed.n_succeeded, feed.n_failed, feed.n_items - feed.n_succeeded - feed.n_failed


def _modified(feed, status):
    return {Feed.Status.RECEIVED: feed.received_at, Feed.Status.INPROGRESS: feed.inprogress_at}.get(status, feed.done_at)


def feed_summary(feed, now):
    status = feeds.status_at(feed, now)
    received, succeeded, failed, processing = _counts(feed, status)
    summary = {
        "feedId": feed.feed_id, "feedSource": "MARKETPLACE_PARTNER", "feedType": feed.feed_type,
        "partnerId": partner_id(feed.account), "itemsReceived": received, "itemsSucceeded": succeeded,
        "itemsFailed": failed, "itemsProcessing": processing, "feedStatus": status,
        "feedDate": wire.epoch_ms(feed.received_at), "modifiedDtm": wire.epoch_ms(_modified(feed, status)),
        "fileName": feed.file_name, "itemDataErrorCount": failed, "itemSystemErrorCount": 0, "itemTimeoutErrorCount": 0,
    }
    if feed.ship_node:
        summary["shipNode"] = feed.ship_node
    return summary


@csrf_exempt
def feeds_collection(request):
    if request.method == "GET":
        return list_feeds(request)
    if request.method == "POST":
        feed_type = request.GET.get("feedType", "")
        response = _SUBMIT.get(feed_type, _unknown_feed_type)(request)
        if response.status_code == 429 and "Retry-After" not in response:
            # Walmart's bulk-feed docs: "Use the Retry-After header value before retrying".
            reset_ms = int(response.get("X-Next-Replenishment-Time") or 0)
            response["Retry-After"] = str(max(1, math.ceil(reset_ms / 1000 - clock.now().timestamp())))
        return response
    return HttpResponseNotAllowed(["GET", "POST"])


def _file(request):
    """(bytes or None, file name, size in bytes) of the uploaded feed: the multipart `file` or the raw body.

    Bytes are None when Django refused to read a raw body that large (DATA_UPLOAD_MAX_MEMORY_SIZE).
    """
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise wire.BadRequest(f"MISSING_REQUEST_PARAM.{SERVICE}", "Missing multipart part 'file'", field="file")
        return upload, upload.name, upload.size
    try:
        return request.body, "", len(request.body)
    except RequestDataTooBig:
        return None, "", int(request.META.get("CONTENT_LENGTH") or 0)


def _submit(request, account):
    feed_type = request.GET["feedType"]
    limit = profile.feed_throttle(account, feed_type).file_size
    upload, file_name, size = _file(request)
    if upload is None or size > limit:
        return shapes.walmart_error(413, f"REQUEST_ENTITY_TOO_LARGE.{SERVICE}",
                                    f"The {feed_type} feed file is {size} bytes; the limit is {limit} bytes", field="file")
    body = upload.read() if hasattr(upload, "read") else upload
    if not body:
        raise wire.BadRequest(f"MISSING_REQUEST_PARAM.{SERVICE}", "The feed file is empty", field="file")
    feed = feeds.submit(account, feed_type, body, file_name=file_name, ship_node=request.GET.get("shipNode", ""))
    return wire.ok({"feedId": feed.feed_id})


def _submitter(feed_type):
    def limit(account):
        throttle = profile.feed_throttle(account, feed_type)
        return throttle.count, throttle.window

    return walmart_api(f"feeds.{feed_type}", limit=limit)(wire.handles_bad_requests(_submit))


_SUBMIT = {feed_type: _submitter(feed_type) for feed_type in profile.FEED_TYPES}


@walmart_api("feeds.status")
def _unknown_feed_type(request, account):
    return shapes.walmart_error(400, f"INVALID_REQUEST_PARAM.{SERVICE}",
                                f"feedType must be one of {', '.join(profile.FEED_TYPES)}", field="feedType")


@walmart_api("feeds.status")
@wire.handles_bad_requests
def list_feeds(request, account):
    feeds.apply_due(account)
    offset = wire.int_param(request, "offset", 0)
    limit = wire.int_param(request, "limit", MAX_FEEDS_PAGE, minimum=1, maximum=MAX_FEEDS_PAGE)
    rows = Feed.objects.filter(account=account).select_related("account")
    if request.GET.get("feedId"):
        rows = rows.filter(feed_id=request.GET["feedId"])
    if request.GET.get("feedType"):
        rows = rows.filter(feed_type=request.GET["feedType"])
    total = rows.count()
    now = clock.now()
    return wire.ok({"totalResults": total, "offset": offset, "limit": limit, "results": {
        "feed": [feed_summary(feed, now) for feed in _counted(rows)[offset:offset + limit]]}})


@require_http_methods(["GET"])
@walmart_api("feeds.status")
@wire.handles_bad_requests
def feed_detail(request, account, feed_id):
    feeds.apply_due(account)
    feed = _counted(Feed.objects.filter(account=account, feed_id=feed_id)).first()
    if feed is None:
        return wire.not_found(SERVICE, f"Feed {feed_id} not found", field="feedId")
    include = request.GET.get("includeDetails", "false").lower() == "true"
    offset = wire.int_param(request, "offset", 0)
    limit = wire.int_param(request, "limit", MAX_FEEDS_PAGE, minimum=1, maximum=MAX_FEEDS_PAGE)
    now = clock.now()
    status = feeds.status_at(feed, now)
    received, succeeded, failed, processing = _counts(feed, status)
    body = {"feedId": feed.feed_id, "feedStatus": status, "feedSubmissionDate": wire.epoch_ms(feed.received_at),
            "itemsReceived": received, "itemsSucceeded": succeeded, "itemsFailed": failed,
            "itemsProcessing": processing, "offset": offset, "limit": limit}
    if status == Feed.Status.ERROR:
        body["ingestionErrors"] = {"ingestionError": feed.file_errors}
    if include:
        body["itemDetails"] = {"itemIngestionStatus": _item_details(feed, status, offset, limit)}
    return wire.ok(body)


def _item_details(feed, status, offset, limit):
    if status in (Feed.Status.RECEIVED, Feed.Status.ERROR):
        return []
    page = list(feed.items.all()[offset:offset + limit])
    wpids = dict(Listing.objects.filter(account=feed.account, sku__in=[i.sku for i in page]).values_list("sku", "wpid"))
    details = []
    for item in page:
        entry = {"martId": 0, "sku": item.sku, "index": item.index,
                 "ingestionStatus": "INPROGRESS" if status == Feed.Status.INPROGRESS else item.status}
        if item.sku in wpids:
            entry["wpid"] = wpids[item.sku]
        if status == Feed.Status.PROCESSED and item.errors:
            entry["ingestionErrors"] = {"ingestionError": item.errors}
        details.append(entry)
    return details
