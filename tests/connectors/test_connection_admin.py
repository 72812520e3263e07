"""Connections in the admin: add, then configure; secrets write-only; test connection; group permissions."""

import pytest
from django.contrib.auth.models import Group, User

from connectors.models import Connection
from sandbox.walmart.seed import provision_connection


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    return client


def test_adding_a_connection_continues_to_its_settings(admin_client):
    response = admin_client.post("/admin/connectors/connection/add/",
                                 {"name": "acme-walmart", "system": "walmart", "environment": "production"})
    conn = Connection.objects.get(name="acme-walmart")
    assert response.status_code == 302 and response["Location"].endswith(f"/{conn.pk}/change/")


def test_invalid_config_is_explained(admin_client):
    conn = Connection.objects.create(name="acme", system="walmart")
    response = admin_client.post(f"/admin/connectors/connection/{conn.pk}/change/", {
        "name": "acme", "system": "walmart", "environment": "production",
        "config": '{"client_idd": "x"}', "secret__client_secret": "s",
    })
    page = response.content.decode()
    assert "Configuration for Walmart Marketplace is not valid" in page
    assert "client_id: Field required" in page and "client_idd: Extra inputs are not permitted" in page


def test_blank_secret_keeps_the_stored_one_and_new_one_replaces_it(admin_client):
    conn = Connection(name="acme", system="walmart", config={"client_id": "x"})
    conn.set_secrets(client_secret="first")
    conn.save()
    form = {"name": "acme", "system": "walmart", "environment": "production", "config": '{"client_id": "x"}'}
    admin_client.post(f"/admin/connectors/connection/{conn.pk}/change/", {**form, "secret__client_secret": ""})
    conn.refresh_from_db()
    assert conn.secret("client_secret") == "first"
    admin_client.post(f"/admin/connectors/connection/{conn.pk}/change/", {**form, "secret__client_secret": "second"})
    conn.refresh_from_db()
    assert conn.secret("client_secret") == "second"


def test_missing_required_secret_is_refused(admin_client):
    conn = Connection.objects.create(name="acme", system="walmart", config={"client_id": "x"})
    response = admin_client.post(f"/admin/connectors/connection/{conn.pk}/change/", {
        "name": "acme", "system": "walmart", "environment": "production", "config": '{"client_id": "x"}'})
    assert "Required secrets are missing: Client secret" in response.content.decode()


def test_test_connection_action_reports_one_line(sandbox, client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    conn = provision_connection("wm", sandbox)
    response = client.post("/admin/connectors/connection/",
                           {"action": "test_connection", "_selected_action": [conn.pk]}, follow=True)
    assert "Test of wm: token obtained" in response.content.decode()
    conn.refresh_from_db()
    assert conn.last_ping_ok is True


def test_staff_groups_exist_and_only_administrators_manage_connections(db, client):
    for name in ("Administrators", "Operations", "Finance"):
        assert Group.objects.filter(name=name).exists()
    ops = User.objects.create_user("ops", password="pw", is_staff=True)
    ops.groups.add(Group.objects.get(name="Operations"))
    client.force_login(ops)
    assert client.get("/admin/connectors/connection/").status_code == 200  # may look
    assert client.get("/admin/connectors/connection/add/").status_code == 403  # may not add
    boss = User.objects.create_user("boss", password="pw", is_staff=True)
    boss.groups.add(Group.objects.get(name="Administrators"))
    client.force_login(boss)
    assert client.get("/admin/connectors/connection/add/").status_code == 200
