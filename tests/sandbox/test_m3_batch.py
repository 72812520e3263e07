"""The M3 emulator's batch-order extras: head charges, delivery address, batch heads listed and deleted,
balances read in bulk. Raw HTTP through the helper of test_m3_emulator."""

from decimal import Decimal

from sandbox import catalog
from sandbox.infor_m3 import stats
from sandbox.infor_m3.models import Order
from tests.sandbox.test_m3_emulator import m3  # noqa: F401  (fixture)

HEAD = ("AddBatchHead", {"CUNO": "WALMART-MP", "CUOR": "PO-CHG", "WHLO": "DAL"})
ADDRESS = ("AddBatchAddress", {"ADRT": "1", "CUNM": "Jane Doe", "CUA1": "1 Main St", "TOWN": "Springfield",
                               "PONO": "62701", "CSCD": "US"})


def records(response, index=0):
    return response.json()["results"][index]["records"]


def test_charges_and_address_travel_with_the_order(m3):  # noqa: F811
    answer = m3.bulk("OIS100MI", HEAD, ADDRESS, ("AddBatchLine", {"ITNO": "ITM00001", "ORQT": "2", "SAPR": "10"}),
                     ("AddBatchHeadChg", {"CRID": "FRT", "CRAM": "5.99", "CUCD": "USD"}),
                     ("AddBatchHeadChg", {"CRID": "MPTAX", "CRAM": "1.65"}), ("Confirm", {}))
    assert answer.status_code == 200, answer.json()
    orno = records(answer, -1)[0]["ORNO"].strip()
    charges = records(m3.get("OIS100MI", "LstOrderCharge", ORNO=orno))
    assert [(c["CRID"].strip(), Decimal(c["CRAM"])) for c in charges] == [("FRT", Decimal("5.99")),
                                                                          ("MPTAX", Decimal("1.65"))]
    assert [c["CRID"].strip() for c in records(m3.get("OIS100MI", "LstOrderCharge", ORNO=orno, CRID="FRT"))] == ["FRT"]
    head = records(m3.get("OIS100MI", "GetHead", ORNO=orno))[0]
    assert Decimal(head["ONET"]) == Decimal("20.00") and Decimal(head["TOPY"]) == Decimal("27.64")
    address = records(m3.get("OIS100MI", "GetAddress", ORNO=orno, ADRT="1"))[0]
    assert address["CUNM"].strip() == "Jane Doe" and address["TOWN"].strip() == "Springfield"
    assert m3.get("OIS100MI", "GetAddress", ORNO=orno, ADRT="3").status_code == 400


def test_an_unknown_charge_blocks_confirm(m3):  # noqa: F811
    answer = m3.bulk("OIS100MI", HEAD, ("AddBatchLine", {"ITNO": "ITM00001", "ORQT": "1"}),
                     ("AddBatchHeadChg", {"CRID": "NOPE", "CRAM": "1"}), ("Confirm", {}))
    body = answer.json()
    assert answer.status_code == 400 and body["nrOfFailedTransactions"] == 2
    assert body["results"][2]["errorField"] == "CRID" and "cannot be confirmed" in body["results"][3]["errorMessage"]
    batch = body["results"][0]["records"][0]["ORNO"].strip()
    assert [e["FLDN"] for e in records(m3.get("OIS100MI", "LstErrMsgOrder", ORNO=batch))] == ["CRID"]
    assert stats.documents()["customer_orders"] == 0


def test_batch_heads_are_listed_and_deleted(m3):  # noqa: F811
    batch = records(m3.bulk("OIS100MI", HEAD, ("AddBatchLine", {"ITNO": "ITM00001", "ORQT": "1"})))[0]["ORNO"].strip()
    listed = records(m3.get("OIS100MI", "LstBatchHead", CUNO="WALMART-MP"))
    assert [(h["ORNO"].strip(), h["CUOR"].strip(), h["STAT"]) for h in listed] == [(batch, "PO-CHG", "05")]
    assert m3.get("OIS100MI", "GetOrderNo", ORNO=batch).status_code == 400  # not confirmed
    assert m3.bulk("OIS100MI", ("DelBatchHead", {"ORNO": batch})).status_code == 200
    assert records(m3.get("OIS100MI", "LstBatchHead", CUNO="WALMART-MP")) == []
    assert Order.objects.count() == 0
    again = m3.bulk("OIS100MI", ("DelBatchHead", {"ORNO": batch})).json()["results"][0]
    assert again["errorField"] == "ORNO" and "does not exist" in again["errorMessage"]


def test_balances_read_in_one_bulk_request(m3):  # noqa: F811
    items = ["ITM00001", "ITM00002"]
    answer = m3.bulk("MMS200MI", *[("GetItmWhsBal", {"WHLO": "ATL", "ITNO": i}) for i in items])
    stock = {i.item_code: i.stock["ATL"] for i in catalog.items()}
    assert [Decimal(r["records"][0]["AV01"]) for r in answer.json()["results"]] == [Decimal(stock[i]) for i in items]
