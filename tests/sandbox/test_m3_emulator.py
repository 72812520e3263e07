"""The M3 emulator's behaviour: mandatory fields, v2 shapes, bulk semantics, stock, returns,
deliveries, prices, stats. Driven over HTTP with a token from its own ION token endpoint."""

import json
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from sandbox import catalog, clock
from sandbox.infor_m3 import stats
from sandbox.infor_m3.master import deliver
from sandbox.infor_m3.seed import provision_connection, seed_demo

SITE = "http://testserver"


class M3:
    """A tiny raw HTTP caller, so these tests see exactly what the emulator sends."""

    def __init__(self, client, conn):
        file = json.loads(conn.ionapi_file)
        token = client.post(urlsplit(file["pu"] + file["ot"]).path, {
            "grant_type": "password", "username": file["saak"], "password": file["sask"],
            "client_id": file["ci"], "client_secret": file["cs"]}).json()["access_token"]
        self.client, self.tenant = client, file["ti"]
        self.headers = {"Authorization": f"Bearer {token}"}
        self.base = f"/sandbox/infor_m3/{self.tenant}/M3/m3api-rest/v2/execute"

    def get(self, program, transaction, matrix="", **fields):
        return self.client.get(f"{self.base}/{program}/{transaction}{matrix}", fields, headers=self.headers)

    def bulk(self, program, *transactions, **body):
        payload = {"program": program, "cono": 100, "transactions": [
            {"transaction": t, "record": r} for t, r in transactions], **body}
        return self.client.post(self.base, json.dumps(payload), content_type="application/json", headers=self.headers)


@pytest.fixture
def m3(client, db):
    clock.reset()
    return M3(client, provision_connection("emu", SITE))


def confirmed_order(m3, reference="PO-1", quantity="2", item="ITM00001"):
    answer = m3.bulk("OIS100MI", ("AddBatchHead", {"CUNO": "WALMART-MP", "CUOR": reference, "WHLO": "DAL"}),
                     ("AddBatchLine", {"ITNO": item, "ORQT": quantity}), ("Confirm", {})).json()
    assert answer["nrOfFailedTransactions"] == 0, answer
    return answer["results"][-1]["records"][0]["ORNO"].strip()


def test_a_missing_mandatory_field_is_named(m3):
    response = m3.get("OIS100MI", "AddBatchHead", CUOR="x")
    assert response.status_code == 400
    result = response.json()["results"][0]
    assert result["errorField"] == "CUNO" and result["errorMessage"].strip() == "Customer number must be entered"
    assert response.json()["nrOfFailedTransactions"] == 1 and response.json()["nrOfSuccessfullTransactions"] == 0


def test_unknown_transactions_and_too_long_fields(m3):
    assert m3.get("OIS100MI", "AddHead").json()["results"][0]["errorType"] == "TransactionNotFound"
    long = m3.get("OIS100MI", "AddBatchHead", CUNO="WALMART-MP", CUOR="X" * 21).json()["results"][0]
    assert long["errorType"] == "InputFieldTooLong" and long["errorField"] == "CUOR"


def test_outputs_are_right_padded_and_maxrecs_limits_lists(m3):
    record = m3.get("MMS200MI", "Get", ITNO="ITM00003").json()["results"][0]["records"][0]
    assert record["ITNO"] == "ITM00003".ljust(15) and record["UNMS"] == "EA"
    listed = m3.get("MMS200MI", "LstItmByItm", ";maxrecs=5", ITNO="ITM00010").json()["results"][0]["records"]
    assert [r["ITNO"].strip() for r in listed] == [f"ITM{n:05d}" for n in range(10, 15)]
    assert len(m3.get("MMS200MI", "LstItmByChgDate", ";maxrecs=0").json()["results"][0]["records"]) == 300


def test_a_failed_line_blocks_confirm_and_is_listed(m3):
    answer = m3.bulk("OIS100MI", ("AddBatchHead", {"CUNO": "WALMART-MP", "CUOR": "PO-2"}),
                     ("AddBatchLine", {"ITNO": "ITM00001", "ORQT": "1"}),
                     ("AddBatchLine", {"ITNO": "ITM00002", "ORQT": "0"}), ("Confirm", {}))
    assert answer.status_code == 400
    body = answer.json()
    assert [r["transaction"] for r in body["results"]] == ["AddBatchHead", "AddBatchLine", "AddBatchLine", "Confirm"]
    assert (body["nrOfSuccessfullTransactions"], body["nrOfFailedTransactions"]) == (2, 2)
    assert body["results"][2]["errorField"] == "ORQT"
    batch = body["results"][0]["records"][0]["ORNO"].strip()
    errors = m3.get("OIS100MI", "LstErrMsgOrder", ORNO=batch).json()["results"][0]["records"]
    assert [e["FLDN"] for e in errors] == ["ORQT"]
    assert stats.documents()["customer_orders"] == 0


def test_orders_allocate_stock(m3):
    item = next(i.item_code for i in catalog.items() if i.stock["DAL"] >= 8)
    before = m3.get("MMS200MI", "GetItmWhsBal", WHLO="DAL", ITNO=item).json()["results"][0]["records"][0]
    on_hand = Decimal(before["STQT"])
    assert on_hand > 2 and Decimal(before["ALQT"]) == 0
    orno = confirmed_order(m3, quantity="2", item=item)
    after = m3.get("MMS200MI", "GetItmWhsBal", WHLO="DAL", ITNO=item).json()["results"][0]["records"][0]
    assert Decimal(after["ALQT"]) == 2 and Decimal(after["AV01"]) == on_hand - 2
    atp = m3.get("OIS100MI", "GetATP", ITNO=item, WHLO="DAL").json()["results"][0]["records"][0]
    assert Decimal(atp["AVTQ"]) == on_hand - 2
    line = m3.get("OIS100MI", "LstLine", ORNO=orno).json()["results"][0]["records"][0]
    assert line["ORST"] == "33"  # allocated: the warehouse covers it
    short = next(i.item_code for i in catalog.items() if i.stock["DAL"] == 0)
    short_order = confirmed_order(m3, reference="PO-short", quantity="1", item=short)
    assert m3.get("OIS100MI", "LstLine", ORNO=short_order).json()["results"][0]["records"][0]["ORST"] == "22"
    balances = m3.get("OIS100MI", "LstWarehBalance", ITNO=item).json()["results"][0]["records"]
    assert {b["WHLO"].strip() for b in balances} == {"DAL", "RNO", "ATL", "WFS"}


def test_customer_returns_reference_the_order(m3):
    orno = confirmed_order(m3, quantity="2")
    head = m3.get("OIS390MI", "AddHead", WHLO="DAL", RORN=orno, RSCD="R01", YREF="RET-1").json()["results"][0]
    repn = head["records"][0]["REPN"]
    too_many = m3.get("OIS390MI", "AddLine", WHLO="DAL", REPN=repn, REQ0="3", RORL="1").json()["results"][0]
    assert too_many["errorField"] == "REQ0"
    line = m3.get("OIS390MI", "AddLine", WHLO="DAL", REPN=repn, REQ0="1", RORL="1").json()["results"][0]
    assert line["records"][0]["RELI"] == "1"
    listed = m3.get("OIS390MI", "LstLine", WHLO="DAL", REPN=repn).json()["results"][0]["records"]
    assert [(r["ITNO"].strip(), r["REQ0"]) for r in listed] == [("ITM00001", "1")]
    got = m3.get("OIS390MI", "GetHead", WHLO="DAL", REPN=repn).json()["results"][0]["records"][0]
    assert got["CUNO"].strip() == "WALMART-MP" and got["YREF"].strip() == "RET-1"
    assert stats.documents() == {"customer_orders": 1, "customer_returns": 1}


def test_deliveries_carry_tracking(m3):
    orno = confirmed_order(m3)
    delivery = deliver(m3.tenant, orno, carrier="UPS", tracking="1Z999AA10123456784")
    head = m3.get("MWS410MI", "GetHead", DLIX=str(delivery.dlix)).json()["results"][0]["records"][0]
    assert head["ETRN"].strip() == "1Z999AA10123456784" and head["RIDN"].strip() == orno
    shipment = m3.get("DRS100MI", "GetShipment", CONN=str(delivery.conn)).json()["results"][0]["records"][0]
    assert shipment["FWNO"] == "UPS"
    assert m3.get("OIS100MI", "LstLine", ORNO=orno).json()["results"][0]["records"][0]["ORST"] == "66"
    shipped = m3.get("DRS100MI", "LstShipment", DSDT=clock.now().strftime("%Y%m%d")).json()["results"][0]["records"]
    assert [s["CONN"] for s in shipped] == [str(delivery.conn)]


def test_price_list_changes(m3):
    key = {"PRRF": "WALMART", "CUCD": "USD", "FVDT": "20260101"}
    assert m3.get("OIS017MI", "UpdBasePrice", **key, ITNO="ITM00004", SAPR="12.34").status_code == 200
    price = m3.get("OIS017MI", "GetBasePrice", **key, ITNO="ITM00004").json()["results"][0]["records"][0]
    assert price["SAPR"] == "12.34"
    assert len(m3.get("OIS017MI", "LstBasePrice", ";maxrecs=0", **key).json()["results"][0]["records"]) == 300
    wrong = m3.get("OIS017MI", "LstBasePrice", **{**key, "PRRF": "NOPE"}).json()["results"][0]
    assert wrong["errorField"] == "PRRF"


def test_customers(m3):
    added = m3.get("CRS610MI", "Add", CUTM="MKTPL", CUNM="Jane Doe", CUA1="1 Elm St", CUNO="JDOE").json()
    assert added["results"][0]["records"][0]["CUNO"].strip() == "JDOE"
    again = m3.get("CRS610MI", "Add", CUTM="MKTPL", CUNM="Jane Doe", CUA1="1 Elm St", CUNO="JDOE").json()
    assert again["results"][0]["errorMessage"].strip() == "Customer number JDOE already exists"
    bad_template = m3.get("CRS610MI", "Add", CUTM="NOPE", CUNM="X", CUA1="Y").json()["results"][0]
    assert bad_template["errorField"] == "CUTM"
    data = m3.get("CRS610MI", "GetBasicData", CUNO="JDOE").json()["results"][0]["records"][0]
    assert data["CUNM"].strip() == "Jane Doe"


def test_duplicate_references_are_counted(m3):
    confirmed_order(m3, reference="PO-9")
    assert stats.duplicate_references() == 0
    confirmed_order(m3, reference="PO-9")
    assert stats.duplicate_references() == 1


def test_seed_demo_is_idempotent(db):
    first = seed_demo(SITE)
    second = seed_demo(SITE)
    assert first.pk == second.pk and first.config["ionapi"]["ci"] == second.config["ionapi"]["ci"]
    moved = seed_demo("http://127.0.0.1:9000")
    assert moved.pk == first.pk and moved.config["ionapi"]["iu"] == "http://127.0.0.1:9000/sandbox/infor_m3"


def test_the_admin_shows_what_the_connector_created(m3, admin_client):
    orno = confirmed_order(m3, reference="PO-ADMIN")
    page = admin_client.get("/admin/sandbox_infor_m3/order/", {"q": "PO-ADMIN"})
    assert page.status_code == 200 and orno in page.content.decode()
