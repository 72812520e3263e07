"""The admin per group: each team imports, exports and edits only its kinds (403 otherwise)."""

import io

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from mappings.models import GlRule, ImportUpload, ShipNodeMap, SkuMap, UnmappedSighting
from mappings.unmapped import record_misses
from tests.mappings.conftest import csv_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.mappings.urls")]

SKU_HEADER = ["integration", "walmart_sku", "erp_item", "unit", "factor", "category", "gtin", "description", "active"]
GL_HEADER = ["integration", "level", "scope", "charge_type", "gl_account", "cost_center", "accounting_entity",
             "accounting_unit", "account_code", "company", "active"]
FINANCE = {"glrule", "customermap"}
OPERATIONS = {"skumap", "shipnodemap", "carriermap", "suppliermap"}
ALL = FINANCE | OPERATIONS


def _upload(client, model, rows, name="file.csv"):
    data = io.BytesIO(csv_bytes(rows))
    data.name = name
    return client.post(reverse(f"admin:mappings_{model}_import"), {"file": data})


@pytest.mark.parametrize("group, allowed", [("Finance", FINANCE), ("Operations", OPERATIONS), ("Administrators", ALL)])
def test_each_group_reaches_only_its_kinds(client, staff, group, allowed):
    client.force_login(staff(group))
    for model in sorted(ALL):
        expected = 200 if model in allowed else 403
        for page in ("changelist", "add", "import", "export", "template"):
            response = client.get(reverse(f"admin:mappings_{model}_{page}"))
            assert response.status_code == expected, (group, model, page, response.status_code)


def test_upload_previews_then_confirm_writes_and_audits(client, staff, exact):
    user = staff("Operations")
    client.force_login(user)
    response = _upload(client, "skumap", [SKU_HEADER, [exact.slug, "WM-1", "ITM1", "EA", "1", "", "", "", "1"],
                                          [exact.slug, "WM-2", "ITM2", "EA", "2", "", "", "", "1"]])
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url)
    assert page.status_code == 200 and b"Confirm import" in page.content
    assert SkuMap.objects.count() == 0  # nothing before confirm

    response = client.post(preview_url)
    assert response.status_code == 302 and response["Location"] == reverse("admin:mappings_skumap_changelist")
    assert SkuMap.objects.count() == 2
    assert ImportUpload.objects.get().status == "applied"
    event = AuditEvent.objects.get(action="mapping.import.confirmed")
    assert event.user == user and event.data["counts"]["new"] == 2
    assert client.post(preview_url).status_code == 302  # a second confirm is refused, not re-applied
    assert AuditEvent.objects.filter(action="mapping.import.confirmed").count() == 1


def test_preview_lists_errors_with_row_and_column_and_offers_no_confirm(client, staff, exact):
    client.force_login(staff("Finance"))
    response = _upload(client, "glrule", [GL_HEADER, [exact.slug, "default", "*", "SHIPPING", "", "", "", "", "", "", "1"]])
    page = client.get(response["Location"])
    assert b"Exact Online needs a GL account for SHIPPING." in page.content
    assert b"Confirm import" not in page.content
    assert client.post(response["Location"]).status_code == 302
    assert GlRule.objects.count() == 0


def test_refused_file_shows_the_reason_on_the_form(client, staff, exact):
    client.force_login(staff("Operations"))
    response = _upload(client, "skumap", [["sku"], ["WM-1"]])
    assert response.status_code == 200
    assert b"does not match the SKU mappings template" in response.content
    assert ImportUpload.objects.count() == 0


def test_someone_elses_upload_cannot_be_confirmed(client, staff, exact, django_user_model):
    client.force_login(staff("Operations"))
    location = _upload(client, "skumap", [SKU_HEADER, [exact.slug, "WM-1", "ITM1", "EA", "1", "", "", "", "1"]])["Location"]
    other = django_user_model.objects.create_user("other", is_staff=True)
    from django.contrib.auth.models import Group

    other.groups.add(Group.objects.get(name="Operations"))
    client.force_login(other)
    assert client.post(location).status_code == 403
    assert SkuMap.objects.count() == 0


def test_admin_form_refuses_what_the_import_refuses(client, staff, exact):
    client.force_login(staff("Finance"))
    response = client.post(reverse("admin:mappings_glrule_add"), {
        "integration": exact.pk, "level": "default", "scope": "*", "charge_type": "SHIPPING", "active": "on"})
    assert response.status_code == 200
    assert b"Exact Online needs a GL account for SHIPPING." in response.content
    response = client.post(reverse("admin:mappings_glrule_add"), {
        "integration": exact.pk, "level": "default", "scope": "*", "charge_type": "SHIPPING", "gl_account": "8100",
        "active": "on"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="mapping.gl.created").exists()


def test_retire_action_is_audited_and_delete_is_not_offered(client, staff, exact):
    client.force_login(staff("Operations"))
    row = SkuMap.objects.create(integration=exact, walmart_sku="WM-1", erp_item="ITM1")
    response = client.post(reverse("admin:mappings_skumap_changelist"),
                           {"action": "retire", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.active is False
    assert AuditEvent.objects.filter(action="mapping.sku.retired").exists()
    assert client.get(reverse("admin:mappings_skumap_delete", args=[row.pk])).status_code == 403


def test_export_download_is_audited(client, staff, exact):
    client.force_login(staff("Finance"))
    GlRule.objects.create(integration=exact, level="default", scope="*", charge_type="TAX", gl_account="2200")
    response = client.get(reverse("admin:mappings_glrule_export") + "?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert AuditEvent.objects.get(action="mapping.export.downloaded").data["rows"] == 1


def test_unmapped_report_lists_misses_with_a_prefilled_create_link(client, staff, exact):
    record_misses(exact, [("sku", "WM-NEW"), ("sku", "WM-NEW"), ("ship_node", "721499")])
    client.force_login(staff("Operations"))
    page = client.get(reverse("admin:mappings_unmappedsighting_changelist"))
    assert page.status_code == 200
    assert b"WM-NEW" in page.content and b"721499" in page.content
    assert f"{reverse('admin:mappings_skumap_add')}?integration={exact.pk}&amp;walmart_sku=WM-NEW".encode() in page.content
    ShipNodeMap.objects.create(integration=exact, ship_node="721499", warehouse="CHI")
    page = client.get(reverse("admin:mappings_unmappedsighting_changelist"))
    assert b"721499" not in page.content and b"WM-NEW" in page.content
    assert UnmappedSighting.objects.get(value="WM-NEW").count == 2


def test_large_confirm_is_queued_and_applied_by_the_worker_task(client, staff, exact, settings):
    from django_q.brokers import get_broker

    from mappings.tasks import confirm_upload_task

    settings.MAPPINGS_IMPORT_SYNC_ROWS = 1
    client.force_login(staff("Operations"))
    location = _upload(client, "skumap", [SKU_HEADER, [exact.slug, "WM-1", "ITM1", "EA", "1", "", "", "", "1"],
                                          [exact.slug, "WM-2", "ITM2", "EA", "1", "", "", "", "1"]])["Location"]
    assert client.post(location).status_code == 302
    upload = ImportUpload.objects.get()
    assert upload.status == "queued" and SkuMap.objects.count() == 0
    assert get_broker().queue_size() == 1  # handed to django-q2, not run in the request

    assert confirm_upload_task(str(upload.pk), upload.created_by_id) == {"new": 2, "updated": 0, "unchanged": 0, "errors": 0}
    upload.refresh_from_db()
    assert upload.status == "applied" and SkuMap.objects.count() == 2
    assert b"Applied" in client.get(location).content


def test_admin_form_applies_the_cell_rules_of_the_import(client, staff, exact):
    client.force_login(staff("Operations"))
    response = client.post(reverse("admin:mappings_carriermap_add"), {
        "integration": exact.pk, "erp_carrier": "PIG", "walmart_carrier": "Pigeon Post", "active": "on"})
    assert response.status_code == 200 and b"&#x27;Pigeon Post&#x27; is not allowed" in response.content
    response = client.post(reverse("admin:mappings_skumap_add"), {
        "integration": exact.pk, "walmart_sku": "WM-1", "erp_item": "ITM1", "factor": "1", "gtin": "012345678905",
        "active": "on"})
    assert response.status_code == 302
    assert SkuMap.objects.get().gtin == "00012345678905"


def test_oversized_upload_is_refused_on_the_form_before_reading(client, staff, exact, settings):
    settings.MAPPINGS_IMPORT_MAX_BYTES = 100
    client.force_login(staff("Operations"))
    response = _upload(client, "skumap", [SKU_HEADER] + [[exact.slug, f"WM-{n}", "I", "EA", "1", "", "", "", "1"]
                                                         for n in range(20)])
    assert response.status_code == 200
    assert b"the limit is 1 KB. Split it into several files." in response.content
    assert ImportUpload.objects.count() == 0 and SkuMap.objects.count() == 0


def test_verify_action_reports_an_adapter_that_cannot_answer_and_changes_nothing(client, staff, exact):
    # The demo connection here has no settings: the action must say so, not fail or mark rows invalid.
    client.force_login(staff("Operations"))
    row = SkuMap.objects.create(integration=exact, walmart_sku="WM-1", erp_item="ITM1")
    response = client.post(reverse("admin:mappings_skumap_changelist"),
                           {"action": "verify_against_erp", "_selected_action": [row.pk]}, follow=True)
    assert response.status_code == 200
    assert b"0 verified, 0 rejected by the ERP, 1 not checked (left as they were)." in response.content
    row.refresh_from_db()
    assert row.verify_state == "unverified"
    assert AuditEvent.objects.get(action="mapping.verify.completed").ok is False
