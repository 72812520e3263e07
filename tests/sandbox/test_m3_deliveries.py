"""The M3 emulator's deliveries over HTTP, as a raw caller sees them: CloLine closes what is open
(status 99 without delivery), SearchLine finds lines by reference and change-date range,
MWS410MI lists packages and package lines (PDSO mandatory), DRS100MI lists shipments from a CONN on."""

import pytest

from sandbox import clock
from sandbox.infor_m3 import fulfil
from sandbox.infor_m3.seed import provision_connection
from tests.sandbox.test_m3_emulator import SITE, M3, confirmed_order


@pytest.fixture
def m3(client, db):
    clock.reset()
    return M3(client, provision_connection("emu", SITE))


def records(response):
    return response.json()["results"][0]["records"]


def test_cloline_closes_an_open_line_and_refuses_a_closed_one(m3):
    orno = confirmed_order(m3, "PO-CLO", quantity="2")
    assert m3.get("OIS100MI", "CloLine", ORNO=orno, PONR="1").status_code == 200
    [line] = records(m3.get("OIS100MI", "LstLine", ORNO=orno))
    assert (line["ORST"], line["DLQT"], line["RNQT"]) == ("99", "0", "0")
    again = m3.get("OIS100MI", "CloLine", ORNO=orno, PONR="1")
    assert again.status_code == 400 and again.json()["results"][0]["errorField"] == "PONR"


def test_searchline_by_reference_and_change_date(m3):
    confirmed_order(m3, "PO-S1")
    second = confirmed_order(m3, "PO-S2")
    today = clock.now().strftime("%Y%m%d")
    assert [r["ORNO"].strip() for r in records(m3.get("OIS100MI", "SearchLine", SQRY='CUOR:"PO-S2"'))] == [second]
    assert len(records(m3.get("OIS100MI", "SearchLine", SQRY=f"LMDT:[{today} TO 99991231]"))) == 2
    assert records(m3.get("OIS100MI", "SearchLine", SQRY="LMDT:[99990101 TO 99991231]")) == []
    assert m3.get("OIS100MI", "SearchLine", SQRY="SAPR:[1 TO 2]").json()["results"][0]["errorField"] == "SQRY"


def test_packages_and_package_lines_of_a_two_package_delivery(m3):
    orno = confirmed_order(m3, "PO-PK", quantity="3")
    shipped = fulfil.ship("PO-PK", packages=2, carrier="UPS2")
    dlix = str(shipped[0]["delivery"])
    packages = records(m3.get("MWS410MI", "LstPackages", DLIX=dlix))
    assert [p["ETRN"].strip() for p in packages] == [row["tracking_number"] for row in shipped]
    assert m3.get("MWS410MI", "LstPackageLine", DLIX=dlix).json()["results"][0]["errorField"] == "PDSO"
    lines = records(m3.get("MWS410MI", "LstPackageLine", DLIX=dlix, PDSO="1"))
    assert [(p["RIDN"].strip(), p["RIDL"], p["DLQT"]) for p in lines] == [(orno, "1", "2"), (orno, "1", "1")]
    [item] = records(m3.get("MWS410MI", "LstItem", DLIX=dlix))
    assert item["TRQT"] == "3"
    [shipment] = records(m3.get("DRS100MI", "LstShipment", CONN=str(shipped[0]["shipment"])))
    assert (shipment["FWNO"], shipment["MODL"].strip()) == ("UPS2", "2DA")
    assert records(m3.get("DRS100MI", "LstShipment", CONN=str(shipped[0]["shipment"] + 1))) == []
