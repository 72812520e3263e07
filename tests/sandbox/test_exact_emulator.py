"""The Exact Online emulator as a vendor would be tested: raw HTTP against its OAuth and REST endpoints."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import transaction

from sandbox import credentials
from sandbox.exact_online import data, oauth, stats
from sandbox.exact_online.api import DEFAULT_DIVISION
from sandbox.exact_online.models import Document
from sandbox.exact_online.seed import provision_connection, seed_demo
from sandbox.stats import collect


@pytest.fixture
def app(sandbox):
    """(connection, account, api base) of a consented sandbox app."""
    conn = provision_connection("exact-emulator", sandbox)
    return conn, credentials.find_account("exact_online", conn.typed_config.client_id), conn.typed_config.api_base()


def token(api, conn, **form):
    return requests.post(f"{api}/oauth2/token", timeout=10, data={
        "client_id": conn.typed_config.client_id, "client_secret": conn.secret("client_secret"), **form})


def get(api, path, access_token, **params):
    return requests.get(f"{api}/{path}", params=params, timeout=10, headers={"Authorization": f"Bearer {access_token}"})


def test_code_grant_answers_like_exact(app):
    conn, account, api = app
    code = oauth.issue_code(account, conn.typed_config.redirect_uri)
    assert token(api, conn, grant_type="authorization_code", code=code, redirect_uri="https://elsewhere/").status_code == 400
    answer = token(api, conn, grant_type="authorization_code", code=code, redirect_uri=conn.typed_config.redirect_uri)
    body = answer.json()
    assert answer.status_code == 200 and body["expires_in"] == "600" and body["token_type"] == "bearer"
    again = token(api, conn, grant_type="authorization_code", code=code, redirect_uri=conn.typed_config.redirect_uri)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"  # single use


def test_codes_live_three_minutes(app, advance):
    conn, account, api = app
    code = oauth.issue_code(account, conn.typed_config.redirect_uri)
    advance(181)
    late = token(api, conn, grant_type="authorization_code", code=code, redirect_uri=conn.typed_config.redirect_uri)
    assert late.status_code == 400


def test_refresh_rules(app, advance):
    conn, account, api = app
    first = oauth.issue_tokens(account)
    early = token(api, conn, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert early.status_code == 400 and early.headers["Reason"] == "TooEarlyToRefreshTokens"
    assert early.json() == {"error": "access_denied", "error_description": "Rate limit exceeded: access_token not expired"}
    advance(570)
    second = token(api, conn, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert second.status_code == 200 and second.json()["refresh_token"] != first["refresh_token"]
    reused = token(api, conn, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert reused.status_code == 401
    assert reused.json() == {"error": "unauthorized_client", "error_description": "Old refresh token used."}
    wrong = requests.post(f"{api}/oauth2/token", timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": second.json()["refresh_token"],
        "client_id": conn.typed_config.client_id, "client_secret": "wrong"})
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_client"


def test_consent_page_deny_and_tampering(app):
    conn, _, api = app
    params = {"client_id": conn.typed_config.client_id, "redirect_uri": conn.typed_config.redirect_uri,
              "response_type": "code", "state": "s1"}
    page = requests.get(f"{api}/oauth2/auth", params=params, timeout=10)
    assert page.status_code == 200 and "exact-emulator" in page.text and str(DEFAULT_DIVISION) in page.text
    consent = page.text.split('name="consent" value="')[1].split('"')[0]
    denied = requests.post(f"{api}/oauth2/auth", data={**params, "consent": consent, "decision": "deny"},
                           allow_redirects=False, timeout=10)
    assert denied.status_code == 302
    assert parse_qs(urlsplit(denied.headers["Location"]).query) == {
        "error": ["access_denied"], "error_description": ["The user denied access"], "state": ["s1"]}
    hijack = requests.post(f"{api}/oauth2/auth", allow_redirects=False, timeout=10, data={
        **params, "redirect_uri": "https://attacker.example/", "consent": consent, "decision": "authorize"})
    assert hijack.status_code == 400
    unknown = requests.get(f"{api}/oauth2/auth", params={**params, "client_id": "nobody"}, timeout=10)
    assert unknown.status_code == 400 and "Unknown client_id" in unknown.text


def test_rate_limit_headers_and_minutely_429(sandbox, advance):
    conn = provision_connection("exact-429", sandbox, minutely_limit=2)
    account = credentials.find_account("exact_online", conn.typed_config.client_id)
    api = conn.typed_config.api_base()
    advance(60)  # a fresh minute window (connecting used one call)
    access = oauth.issue_tokens(account)["access_token"]
    first = get(api, "v1/current/Me", access, **{"$select": "CurrentDivision"})
    assert first.status_code == 200
    assert first.headers["X-RateLimit-Minutely-Limit"] == "2" and first.headers["X-RateLimit-Minutely-Remaining"] == "1"
    assert first.headers["X-RateLimit-Limit"] == "5000" and len(first.headers["X-RateLimit-Reset"]) == 13  # epoch ms
    get(api, "v1/current/Me", access, **{"$select": "CurrentDivision"})
    throttled = get(api, "v1/current/Me", access, **{"$select": "CurrentDivision"})
    assert throttled.status_code == 429 and "X-RateLimit-Remaining" not in throttled.headers
    assert throttled.headers["X-RateLimit-Minutely-Remaining"] == "0"
    advance(60)
    assert get(api, "v1/current/Me", access, **{"$select": "CurrentDivision"}).status_code == 200


def test_odata_errors_and_auth(app):
    conn, account, api = app
    access = oauth.issue_tokens(account)["access_token"]
    base = f"v1/{DEFAULT_DIVISION}/logistics/Items"
    assert get(api, base, "not-a-token", **{"$select": "Code"}).status_code == 401
    unknown = get(api, base, access, **{"$select": "Code,Colour"})
    assert unknown.status_code == 400 and "Colour" in unknown.json()["error"]["message"]["value"]
    one = get(api, base, access, **{"$top": "1"})
    assert one.status_code == 200 and len(one.json()["d"]["results"]) == 1
    trimmed = get(api, f"v1/{DEFAULT_DIVISION}/crm/Accounts", access,
                  **{"$select": "Code", "$filter": "trim(Code) eq 'WALMART-MP'"})
    assert [r["Code"] for r in trimmed.json()["d"]["results"]] == ["WALMART-MP".rjust(18)]


def test_processed_stock_counts_change_stock_and_sync_timestamps(app):
    conn, account, api = app
    access = oauth.issue_tokens(account)["access_token"]
    item, warehouse = data.items()[4], data.warehouse_by_code()["RNO"]
    answer = requests.post(f"{api}/v1/{DEFAULT_DIVISION}/inventory/StockCounts", timeout=10,
                           headers={"Authorization": f"Bearer {access}"},
                           json={"Warehouse": warehouse["ID"], "StockCountDate": "2026-11-20",
                                 "StockCountLines": [{"Item": item["ID"], "QuantityNew": 7}]})
    assert answer.status_code == 201, answer.text
    assert answer.json()["d"]["Status"] == 12  # a draft: stock changes only when it is processed
    processed = requests.post(f"{api}/v1/{DEFAULT_DIVISION}/inventory/ProcessStockCount", timeout=10,
                              headers={"Authorization": f"Bearer {access}"},
                              json={"StockCountID": answer.json()["d"]["StockCountID"]})
    assert processed.status_code == 201, processed.text
    latest = max(t for _, t in data.catalog_stock().values())
    changed = get(api, f"v1/{DEFAULT_DIVISION}/sync/Inventory/StockPositions", access,
                  **{"$select": "ItemCode,WarehouseCode,InStock,Timestamp", "$filter": f"Timestamp gt {latest}L"})
    assert changed.json()["d"]["results"] == [
        {"ItemCode": item["Code"], "WarehouseCode": "RNO", "InStock": 7, "Timestamp": latest + 1}]
    assert stats.documents()["stock_counts"] == 1


def test_stats_in_the_sandbox_report(app):
    conn, account, api = app
    access = oauth.issue_tokens(account)["access_token"]
    customer, item = data.accounts()[0], data.items()[0]
    for reference in ("PO-1-SO", "PO-1-SO", "PO-2-SO"):
        created = requests.post(f"{api}/v1/{DEFAULT_DIVISION}/salesorder/SalesOrders", timeout=10,
                                headers={"Authorization": f"Bearer {access}"},
                                json={"OrderedBy": customer["ID"], "YourRef": reference,
                                      "SalesOrderLines": [{"Item": item["ID"], "Quantity": 1}]})
        assert created.status_code == 201
    report = collect()["exact_online"]
    assert report["documents"]["sales_orders"] == 3 and report["duplicate_references"] == 1
    assert report["calls"] > 0
    Document.objects.filter(your_ref="PO-1-SO").order_by("id").first().delete()
    assert stats.duplicate_references() == 0


def test_seeding_inside_a_transaction_consents_in_process(db):
    # `manage.py demo` provisions inside a transaction, before the web server runs: no HTTP possible.
    with transaction.atomic():
        conn = provision_connection("demo-exact", "http://127.0.0.1:9")
    assert conn.auth_state == "ok" and conn.refresh_token and conn.typed_config.division == DEFAULT_DIVISION
    seed_demo()
    seed_demo()
    assert credentials.find_account("exact_online", conn.typed_config.client_id) is not None


def test_warehouses_and_service_items(app):
    conn, account, api = app
    access = oauth.issue_tokens(account)["access_token"]
    found = get(api, f"v1/{DEFAULT_DIVISION}/inventory/Warehouses", access,
                **{"$select": "ID,Code", "$filter": "Code eq 'DAL' or Code eq 'RNO'"})
    assert sorted(w["Code"] for w in found.json()["d"]["results"]) == ["DAL", "RNO"]
    assert found.json()["d"]["results"][0]["ID"] in data.warehouse_by_id()
    service = get(api, f"v1/{DEFAULT_DIVISION}/logistics/Items", access,
                  **{"$select": "Code,IsStockItem", "$filter": "Code eq 'SHIPPING' or Code eq 'SALESTAX'"})
    assert {(i["Code"], i["IsStockItem"]) for i in service.json()["d"]["results"]} == {
        ("SHIPPING", False), ("SALESTAX", False)}


@pytest.mark.parametrize("entity, line, message", [
    ("salesorder/SalesOrders", {"CostCenter": "NOPE"}, "Line 1: Cost center: Invalid reference 'NOPE'"),
    ("salesinvoice/SalesInvoices", {"GLAccount": data.guid("glaccount", "9999")},
     "Line 1: G/L account: Invalid reference"),
])
def test_document_lines_are_validated(app, entity, line, message):
    conn, account, api = app
    access = oauth.issue_tokens(account)["access_token"]
    body = {"OrderedBy": data.accounts()[0]["ID"], "YourRef": "PO-9-X", "Type": 8020, "Journal": "70",
            ("SalesOrderLines" if "Order" in entity else "SalesInvoiceLines"): [
                {"Item": data.items()[0]["ID"], "Quantity": 1, **line}]}
    answer = requests.post(f"{api}/v1/{DEFAULT_DIVISION}/{entity}", json=body, timeout=10,
                           headers={"Authorization": f"Bearer {access}"})
    assert answer.status_code == 400 and answer.json()["error"]["message"]["value"].startswith(message)
    assert Document.objects.count() == 0
