"""Reading Infor `.ionapi` files: URLs, secrets kept out of the config, clear errors for bad files."""

import json

import pytest

from connectors.ionapi import IonApi, read_ionapi
from connectors.models import Connection

# Key layout of erp-samples/infor_cloudsuite/ionapi_multitenant_template.json (placeholders for secrets).
MULTI_TENANT = {
    "ti": "ACME_PRD", "cn": "ml-connector", "dt": "12", "ci": "ACME_PRD~Zm9vYmFy",
    "cs": "client-secret-value-123", "iu": "https://mingle-ionapi.inforcloudsuite.com",
    "pu": "https://mingle-sso.inforcloudsuite.com:443/ACME_PRD/as/", "oa": "authorization.oauth2",
    "ot": "token.oauth2", "or": "revoke_token.oauth2",
    "sc": ["INFOR-IFS", "Infor-ION", "Infor-Mingle"], "ev": "A1234567890", "v": "1.1",
    "saak": "ACME_PRD#service-account-access-key", "sask": "service-account-secret-key-456",
}
# Key layout of erp-samples/infor_cloudsuite/ionapi_onpremise_template.json.
ON_PREMISE = {
    "ti": "infor", "cn": "Test_name", "dt": "12", "ci": "infor~abc", "cs": "on-prem-client-secret",
    "iu": "https://inforostst.customer.com:7443", "pu": "https://inforostst.customer.com/InforIntSTS/",
    "oa": "connect/authorize", "ot": "connect/token", "or": "connect/revocation", "ev": "A1234567890",
    "v": "1.0", "saak": "infor#key", "sask": "on-prem-service-secret",
}


def test_a_multi_tenant_file():
    config, secrets = read_ionapi(json.dumps(MULTI_TENANT))
    assert secrets == {"cs": "client-secret-value-123", "sask": "service-account-secret-key-456"}
    assert "cs" not in config["ionapi"] and "sask" not in config["ionapi"]
    ion = IonApi.model_validate(config["ionapi"])
    assert ion.token_url() == "https://mingle-sso.inforcloudsuite.com:443/ACME_PRD/as/token.oauth2"
    assert ion.api_base() == "https://mingle-ionapi.inforcloudsuite.com/ACME_PRD"
    assert ion.revoke_url().endswith("/ACME_PRD/as/revoke_token.oauth2")
    assert ion.saak == "ACME_PRD#service-account-access-key" and ion.sc == ["INFOR-IFS", "Infor-ION", "Infor-Mingle"]
    assert config["ionapi"]["or"] == "revoke_token.oauth2"  # Infor's own key name is kept


def test_an_on_premise_file():
    config, _ = read_ionapi(json.dumps(ON_PREMISE))
    ion = IonApi.model_validate(config["ionapi"])
    assert ion.token_url() == "https://inforostst.customer.com/InforIntSTS/connect/token"
    assert ion.api_base() == "https://inforostst.customer.com:7443/infor"


def test_a_byte_order_mark_and_unknown_keys_are_tolerated():
    text = "\ufeff" + json.dumps({**MULTI_TENANT, "xx": "new key from a later version", "dt": 12})
    config, _ = read_ionapi(text.encode("utf-8"))
    assert "xx" not in config["ionapi"] and config["ionapi"]["dt"] == "12"


def test_a_pu_without_its_slash_still_makes_the_token_url():
    ion = IonApi.model_validate({**MULTI_TENANT, "pu": "https://sso.example.com/T/as"})
    assert ion.token_url() == "https://sso.example.com/T/as/token.oauth2"


def test_missing_keys_are_named():
    data = {k: v for k, v in MULTI_TENANT.items() if k not in ("pu", "sask")}
    with pytest.raises(ValueError) as caught:
        read_ionapi(json.dumps(data))
    assert "missing keys: pu, sask" in str(caught.value)


def test_not_json():
    with pytest.raises(ValueError, match="not a JSON file"):
        read_ionapi("ti=ACME\ncs=secret")
    with pytest.raises(ValueError, match="empty"):
        read_ionapi("  ")
    with pytest.raises(ValueError, match="JSON object"):
        read_ionapi("[1, 2]")


def test_wrong_types_are_named_without_the_secrets():
    with pytest.raises(ValueError) as caught:
        read_ionapi(json.dumps({**MULTI_TENANT, "ti": 42, "iu": "ftp://host"}))
    message = str(caught.value)
    assert "ti:" in message and "iu:" in message
    assert MULTI_TENANT["cs"] not in message and MULTI_TENANT["sask"] not in message
    with pytest.raises(ValueError, match="sask must be non-empty text"):
        read_ionapi(json.dumps({**MULTI_TENANT, "sask": 7}))


@pytest.mark.parametrize("system", ["infor_m3", "infor_cloudsuite"])
def test_secrets_never_land_in_the_connection_config(system, sandbox):
    from sandbox.infor_cloudsuite.seed import provision_connection as fsm
    from sandbox.infor_m3.seed import provision_connection as m3

    conn = (m3 if system == "infor_m3" else fsm)("infor", sandbox)
    stored = json.dumps(Connection.objects.get(pk=conn.pk).config)
    file = json.loads(conn.ionapi_file)
    assert file["cs"] not in stored and file["sask"] not in stored
    assert conn.get_secrets() == {"cs": file["cs"], "sask": file["sask"]}
    assert conn.spec.read_credentials_file is read_ionapi and conn.spec.credentials_file_label == ".ionapi file"


def test_the_admin_form_reads_an_uploaded_file(db):
    """The admin's connection form: pasting an .ionapi file fills config["ionapi"] and the two secrets."""
    from connectors.admin import ConnectionForm

    conn = Connection.objects.create(name="upload", system="infor_m3", config={"cono": 100})
    form = ConnectionForm(instance=conn, data={
        "name": "upload", "system": "infor_m3", "environment": "production",
        "config": json.dumps({"cono": 100}), "credentials_text": json.dumps(ON_PREMISE),
    })
    assert form.is_valid(), form.errors
    form.save()
    conn.refresh_from_db()
    assert conn.get_secrets() == {"cs": "on-prem-client-secret", "sask": "on-prem-service-secret"}
    assert conn.config["ionapi"]["ti"] == "infor" and "on-prem" not in json.dumps(conn.config)


def test_the_admin_form_explains_a_bad_file(db):
    from connectors.admin import ConnectionForm

    conn = Connection.objects.create(name="upload", system="infor_cloudsuite", config={})
    form = ConnectionForm(instance=conn, data={
        "name": "upload", "system": "infor_cloudsuite", "environment": "production", "config": "{}",
        "credentials_text": json.dumps({"ti": "X"}),
    })
    assert not form.is_valid()
    assert ".ionapi file: missing keys: cn, ci" in str(form.errors)
