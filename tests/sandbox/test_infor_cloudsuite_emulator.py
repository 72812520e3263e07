"""The FSM emulator's behaviour: request validation, list cursors, periods, repeated releases, stats."""

import json
from urllib.parse import urlsplit

import pytest

from sandbox import clock
from sandbox.infor_cloudsuite import stats
from sandbox.infor_cloudsuite.seed import provision_connection, seed_demo

SITE = "http://testserver"


class Fsm:
    def __init__(self, client, conn):
        file = json.loads(conn.ionapi_file)
        token = client.post(urlsplit(file["pu"] + file["ot"]).path, {
            "grant_type": "password", "username": file["saak"], "password": file["sask"],
            "client_id": file["ci"], "client_secret": file["cs"]}).json()["access_token"]
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}
        self.base = f"/sandbox/infor_cloudsuite/{file['ti']}/FSM/fsm/api/classes"

    def post(self, path, body):
        data = body if isinstance(body, str) else json.dumps(body)
        return self.client.post(f"{self.base}/{path}", data, content_type="application/json", headers=self.headers)

    def get(self, path, **params):
        return self.client.get(f"{self.base}/{path}", params, headers=self.headers)


def row(run_group, sequence, account, amount, reference="REF-1", posting_date=None):
    return {"FinanceEnterpriseGroup": "1", "RunGroup": run_group, "SequenceNumber": sequence, "AccountingEntity": "1000",
            "AccountCode": account, "PostingDate": posting_date or clock.now().strftime("%Y%m%d"),
            "TransactionAmount": amount, "Reference": reference}


def load_and_release(fsm, run_group, reference="REF-1", **kwargs):
    fsm.post("GLTransactionInterface/actions/CreateUnreleased/batch", {"_records": [
        {"_fields": row(run_group, 1, "1300", "10.00", reference, **kwargs)},
        {"_fields": row(run_group, 2, "8000", "-10.00", reference, **kwargs)}]})
    return fsm.post("GLTransactionInterface/actions/InterfaceTransactions",
                    {"FinanceEnterpriseGroup": "1", "RunGroup": run_group}).json()


@pytest.fixture
def fsm(client, db):
    clock.reset()
    return Fsm(client, provision_connection("emu", SITE))


def test_requests_are_validated(fsm):
    assert fsm.get("Invoice/lists/_generic").status_code == 404
    assert "Colour is not a field" in fsm.get("Customer/lists/_generic", Colour="red").json()["error"]["message"]
    assert fsm.get("Customer/lists/_generic", _next="not-a-cursor!").status_code == 400
    assert fsm.post("GLTransactionInterface/actions/CreateUnreleased", "not json").status_code == 400
    batch = fsm.post("GLTransactionInterface/actions/CreateUnreleased/batch", {"_records": ["x"]}).json()
    assert batch["_records"][0]["_status"] == "error"
    assert fsm.post("GLTransactionInterface/actions/InterfaceTransactions", {}).status_code == 400
    odd = fsm.post("GLTransactionInterface/actions/CreateUnreleased", row("G", 1, "1300", "1.005"))
    assert "more than 2 decimals" in odd.json()["error"]["message"]


def test_the_cursor_does_not_skip_rows_added_while_paging(fsm):
    for n in range(1, 4):
        fsm.post("GLTransactionInterface/actions/CreateUnreleased", row("G", n, "1300", "1.00"))
    first = fsm.get("GLTransactionInterface/lists/_generic", RunGroup="G", _limit=2).json()
    fsm.post("GLTransactionInterface/actions/CreateUnreleased", row("G", 4, "1300", "1.00"))
    rest = fsm.get("GLTransactionInterface/lists/_generic", RunGroup="G", _limit=2, _next=first["_next"]).json()
    assert [r["_fields"]["SequenceNumber"] for r in first["_records"] + rest["_records"]] == [1, 2, 3, 4]
    assert "_next" not in rest


def test_open_periods_follow_the_setting(client, db):
    fsm = Fsm(client, provision_connection("emu", SITE, open_years=[2020]))
    released = load_and_release(fsm, "G1")
    assert released["RecordsInError"] == 2
    assert load_and_release(fsm, "G2", posting_date="20200315")["JournalEntries"] == [1]


def test_a_second_release_changes_nothing(fsm):
    assert load_and_release(fsm, "G1")["JournalEntries"] == [1]
    again = fsm.post("GLTransactionInterface/actions/InterfaceTransactions", {"FinanceEnterpriseGroup": "1", "RunGroup": "G1"})
    assert again.json() == {"RunGroup": "G1", "RecordsProcessed": 0, "RecordsInError": 0, "JournalEntries": []}
    assert stats.documents() == {"gl_transactions": 2, "journals": 1}


def test_duplicate_references_are_counted(fsm):
    load_and_release(fsm, "G1", reference="REF-9")
    assert stats.duplicate_references() == 0
    load_and_release(fsm, "G2", reference="REF-9")
    assert stats.duplicate_references() == 1


def test_seed_demo_is_idempotent(db):
    first = seed_demo(SITE)
    assert seed_demo(SITE).config["ionapi"]["ci"] == first.config["ionapi"]["ci"]
    assert first.name == "demo-cloudsuite" and first.config["accounting_entity"] == "1000"


def test_the_admin_shows_rows_and_their_errors(fsm, admin_client):
    load_and_release(fsm, "G-ADMIN", posting_date="20991231")
    page = admin_client.get("/admin/sandbox_infor_cloudsuite/interfacerow/", {"q": "G-ADMIN"})
    assert page.status_code == 200 and "No period found for Posting Date 20991231" in page.content.decode()


def test_closed_periods_hold_the_run_group_with_fsms_text(client, db):
    fsm = Fsm(client, provision_connection("emu", SITE, open_years=[2026], closed_periods=["202603"]))
    assert load_and_release(fsm, "G1", posting_date="20260315")["RecordsInError"] == 2
    rows = fsm.get("GLTransactionInterface/lists/_generic", RunGroup="G1").json()["_records"]
    assert {r["_fields"]["ErrorMessage"] for r in rows} == {
        "Period 2026/03 is closed for accounting entity 1000; Posting Date 20260315 cannot be used"}
    assert load_and_release(fsm, "G2", posting_date="20260415")["JournalEntries"] == [1]


def test_accounting_units_are_stored_listed_and_checked(fsm):
    good = {**row("G1", 1, "1300", "5.00"), "AccountingUnit": "ECOM"}
    bad = {**row("G1", 2, "8000", "-5.00"), "AccountingUnit": "NOPE"}
    fsm.post("GLTransactionInterface/actions/CreateUnreleased/batch", {"_records": [{"_fields": good}, {"_fields": bad}]})
    fsm.post("GLTransactionInterface/actions/InterfaceTransactions", {"FinanceEnterpriseGroup": "1", "RunGroup": "G1"})
    rows = {r["_fields"]["AccountingUnit"]: r["_fields"]
            for r in fsm.get("GLTransactionInterface/lists/_generic", RunGroup="G1").json()["_records"]}
    assert rows["ECOM"]["Status"] == "Unreleased"
    assert rows["NOPE"]["ErrorMessage"] == "Accounting unit NOPE does not exist in accounting entity 1000"
    units = fsm.get("AccountingUnit/lists/_generic", AccountingEntity="1000").json()["_records"]
    assert [u["_fields"]["AccountingUnit"] for u in units] == ["ECOM", "MKTPL", "WFS"]


def test_run_groups_longer_than_30_characters_are_refused(fsm):
    refused = fsm.post("GLTransactionInterface/actions/CreateUnreleased", row("G" * 31, 1, "1300", "1.00"))
    assert refused.status_code == 400 and "RunGroup is longer than 30 characters" in refused.json()["error"]["message"]
    assert fsm.post("GLTransactionInterface/actions/CreateUnreleased", row("G" * 30, 1, "1300", "1.00")).status_code == 200
