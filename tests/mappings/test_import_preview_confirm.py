"""Upload → preview (nothing written) → confirm (one transaction), on a 10,000-row XLSX."""

import pytest

from audit.models import AuditEvent
from mappings import services
from mappings.models import ImportUpload, SkuMap
from tests.mappings.conftest import xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["integration", "walmart_sku", "erp_item", "unit", "factor", "category", "gtin", "description", "active"]


def _big_file(slug, rows=10_000, bad=()):
    data = [HEADER]
    for n in range(1, rows + 1):
        data.append([slug, f"WM-{n:05d}", f"ITM{n:05d}", "EA", "1", "Kitchen", "", f"Item {n}", "1"])
    for spreadsheet_row, column, value in bad:
        data[spreadsheet_row - 1][HEADER.index(column)] = value
    return xlsx_bytes(data)


@pytest.mark.slow
def test_ten_thousand_rows_with_three_bad_rows_preview_exactly_those_errors(exact, django_user_model):
    user = django_user_model.objects.create_user("ops")
    data = _big_file(exact.slug, bad=[(17, "factor", "abc"), (5003, "erp_item", ""), (9999, "gtin", "12345")])

    upload = services.preview_upload("sku", "skus.xlsx", data, user=user)

    errors = [(e["row"], e["column"]) for e in upload.preview["errors"]]
    assert errors == [(17, "factor"), (5003, "erp_item"), (9999, "gtin")]
    messages = [e["message"] for e in upload.preview["errors"]]
    assert messages[0] == "'abc' is not a number."
    assert messages[1] == "Exact Online needs an item Code."
    assert "not a GTIN or UPC" in messages[2]
    assert upload.preview["counts"] == {"new": 9997, "updated": 0, "unchanged": 0, "errors": 3}
    assert SkuMap.objects.count() == 0
    with pytest.raises(ValueError, match="has errors"):
        services.confirm_upload(upload, user=user)
    assert SkuMap.objects.count() == 0


@pytest.mark.slow
def test_confirm_writes_everything_and_a_second_import_reports_no_changes(exact, django_user_model):
    user = django_user_model.objects.create_user("ops")
    data = _big_file(exact.slug)
    upload = services.preview_upload("sku", "skus.xlsx", data, user=user)
    assert SkuMap.objects.count() == 0

    result = services.confirm_upload(upload, user=user)

    assert result.written and result.counts["new"] == 10_000
    assert SkuMap.objects.filter(integration=exact).count() == 10_000
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.APPLIED
    event = AuditEvent.objects.get(action="mapping.import.confirmed")
    assert event.user == user
    assert event.data["sha256"] == upload.sha256 and event.data["file"] == "skus.xlsx"
    assert event.data["kind"] == "sku" and event.data["counts"]["new"] == 10_000

    again = services.preview_upload("sku", "skus.xlsx", data, user=user)
    assert again.preview["counts"] == {"new": 0, "updated": 0, "unchanged": 10_000, "errors": 0}


def test_confirm_re_previews_when_the_data_changed_after_preview(exact):
    data = xlsx_bytes([HEADER, [exact.slug, "WM-1", "ITM1", "", "1", "", "", "", "1"]])
    upload = services.preview_upload("sku", "skus.xlsx", data)
    # Someone maps the SKU by hand between preview and confirm.
    SkuMap.objects.create(integration=exact, walmart_sku="WM-1", erp_item="OTHER")

    result = services.confirm_upload(upload)

    assert not result.written and result.changed_since_preview
    upload.refresh_from_db()
    assert upload.status == ImportUpload.Status.CHANGED
    assert upload.preview["counts"]["updated"] == 1  # the fresh preview shows what confirm would do now
    assert SkuMap.objects.get().erp_item == "OTHER"
    assert not AuditEvent.objects.filter(action="mapping.import.confirmed").exists()


def test_changing_the_erp_item_resets_verification(exact):
    row = SkuMap.objects.create(integration=exact, walmart_sku="WM-1", erp_item="ITM1", verify_state="verified")
    data = xlsx_bytes([HEADER, [exact.slug, "WM-1", "ITM2", "", "1", "", "", "", "1"]])
    services.confirm_upload(services.preview_upload("sku", "f.xlsx", data))
    row.refresh_from_db()
    assert (row.erp_item, row.verify_state) == ("ITM2", "unverified")


def test_import_never_deletes_and_active_zero_retires(exact):
    SkuMap.objects.create(integration=exact, walmart_sku="WM-OLD", erp_item="ITM0")
    data = xlsx_bytes([HEADER, [exact.slug, "WM-1", "ITM1", "", "1", "", "", "", "0"]])
    services.confirm_upload(services.preview_upload("sku", "f.xlsx", data))
    assert SkuMap.objects.get(walmart_sku="WM-OLD").active is True
    assert SkuMap.objects.get(walmart_sku="WM-1").active is False


def test_unconfirmed_uploads_expire_and_can_no_longer_be_confirmed(exact):
    from datetime import timedelta

    from django.utils import timezone

    data = xlsx_bytes([HEADER, [exact.slug, "WM-1", "ITM1", "", "1", "", "", "", "1"]])
    old, recent = services.preview_upload("sku", "a.xlsx", data), services.preview_upload("sku", "b.xlsx", data)
    ImportUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))

    assert services.purge_uploads(older_than_days=7) == 1

    old.refresh_from_db()
    assert old.status == "expired" and bytes(old.content) == b"" and old.sha256 == recent.sha256
    with pytest.raises(ValueError, match="expired"):
        services.confirm_upload(old)
    assert services.confirm_upload(recent).written
