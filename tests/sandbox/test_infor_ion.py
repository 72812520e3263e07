"""The emulated ION API Gateway shared by the M3 and FSM emulators: .ionapi downloads, the token
endpoint (password and refresh grants, errors, login quota) and Bearer checks on API paths."""

import base64
import json
from urllib.parse import urlsplit

import pytest

from connectors.ionapi import read_ionapi
from sandbox import clock
from sandbox.infor_cloudsuite.seed import provision_connection as provision_fsm
from sandbox.infor_m3.seed import provision_connection as provision_m3

SITE = "http://testserver"


@pytest.fixture(params=["infor_m3", "infor_cloudsuite"])
def system(request, db):
    clock.reset()
    yield request.param
    clock.reset()


def provision(system, name="ion", **overrides):
    return (provision_m3 if system == "infor_m3" else provision_fsm)(name, SITE, **overrides)


def api_path(system, tenant):
    if system == "infor_m3":
        return f"/sandbox/infor_m3/{tenant}/M3/m3api-rest/v2/execute/MNS150MI/GetUserData"
    return f"/sandbox/infor_cloudsuite/{tenant}/FSM/fsm/api/classes/AccountingEntity/lists/_generic"


def login(client, file, **changes):
    form = {"grant_type": "password", "username": file["saak"], "password": file["sask"],
            "client_id": file["ci"], "client_secret": file["cs"], **changes}
    return client.post(urlsplit(file["pu"] + file["ot"]).path, form)


def test_each_download_is_a_new_service_account(client, system):
    first = client.get(f"/sandbox/{system}/ionapi/acme.ionapi")
    second = client.get(f"/sandbox/{system}/ionapi/acme.ionapi")
    assert first["Content-Disposition"] == 'attachment; filename="acme.ionapi"'
    assert first["Cache-Control"] == "no-store"
    files = [json.loads(r.content) for r in (first, second)]
    assert files[0]["ci"] != files[1]["ci"] and files[0]["sask"] != files[1]["sask"]
    for file in files:
        config, _ = read_ionapi(json.dumps(file))
        assert config["ionapi"]["ti"] == "ACME_TST" and file["saak"].startswith("ACME_TST#")
        assert config["ionapi"]["iu"] == f"{SITE}/sandbox/{system}"
        assert login(client, file).status_code == 200  # both keep working


def test_the_password_grant_and_its_errors(client, system):
    file = json.loads(provision(system).ionapi_file)
    body = login(client, file).json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 7200 and "refresh_token" not in body
    assert login(client, file, client_secret="wrong").status_code == 401
    refused = login(client, file, password="wrong")
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert login(client, file, username=file["saak"] + "x").status_code == 400
    assert login(client, file, grant_type="client_credentials").json()["error"] == "unsupported_grant_type"
    other = json.loads(provision(system, "other").ionapi_file)
    wrong_tenant = client.post(urlsplit(other["pu"] + other["ot"]).path, {
        "grant_type": "password", "username": file["saak"], "password": file["sask"],
        "client_id": file["ci"], "client_secret": file["cs"]})
    assert wrong_tenant.status_code == 401


def test_refresh_tokens_roll(client, system):
    file = json.loads(provision(system, issue_refresh_tokens=True).ionapi_file)
    refresh = login(client, file).json()["refresh_token"]
    form = {"grant_type": "refresh_token", "refresh_token": refresh, "client_id": file["ci"], "client_secret": file["cs"]}
    path = urlsplit(file["pu"] + file["ot"]).path
    renewed = client.post(path, form)
    assert renewed.status_code == 200 and renewed.json()["refresh_token"] != refresh
    assert client.post(path, form).json()["error"] == "invalid_grant"  # each refresh token works once


def test_the_daily_login_quota(client, system):
    file = json.loads(provision(system, login_quota={"per_day": 2}).ionapi_file)
    assert login(client, file).status_code == 200
    clock.advance(3600)
    assert login(client, file).status_code == 200
    refused = login(client, file)
    assert refused.status_code == 429
    assert 86400 - 3600 - 5 <= int(refused["Retry-After"]) <= 86400 - 3600
    clock.advance(86400 - 3600 + 1)
    assert login(client, file).status_code == 200


def test_the_minute_quota_defaults_to_20(client, system):
    file = json.loads(provision(system).ionapi_file)
    assert all(login(client, file).status_code == 200 for _ in range(20))
    assert login(client, file).status_code == 429
    clock.advance(61)
    assert login(client, file).status_code == 200


def test_api_paths_need_a_valid_token_of_the_tenant(client, system):
    conn = provision(system)
    file = json.loads(conn.ionapi_file)
    path = api_path(system, file["ti"])
    assert client.get(path).status_code == 401
    token = login(client, file).json()["access_token"]
    assert client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get(api_path(system, "OTHER_TST"), headers={"Authorization": f"Bearer {token}"}).status_code == 401
    clock.advance(7201)
    expired = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert expired.status_code == 401 and "invalid_token" in expired["WWW-Authenticate"]


def test_revoke(client, system):
    file = json.loads(provision(system).ionapi_file)
    token = login(client, file).json()["access_token"]
    basic = base64.b64encode(f"{file['ci']}:{file['cs']}".encode()).decode()
    revoked = client.post(urlsplit(file["pu"] + file["or"]).path, {"token": token, "token_type_hint": "access_token"},
                          headers={"Authorization": f"Basic {basic}"})
    assert revoked.status_code == 200
    assert client.get(api_path(system, file["ti"]), headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_provisioning_again_updates_in_place(client, system):
    from sandbox.models import Account

    first = provision(system)
    accounts = Account.objects.filter(system=system).count()
    second = provision(system, token_lifetime=600)
    assert Account.objects.filter(system=system).count() == accounts  # `manage.py demo` may run it any number of times
    assert json.loads(second.ionapi_file)["ci"] == json.loads(first.ionapi_file)["ci"]
    assert login(client, json.loads(second.ionapi_file)).json()["expires_in"] == 600
