"""Fixtures for the mapping tests: integrations per ERP, staff users per group, file helpers."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, User

from connectors.models import Connection
from mappings.spreadsheet import write_xlsx
from syncs.models import Integration


@pytest.fixture
def make_integration(db):
    walmart = {}

    def _make(system, slug=None):
        if "conn" not in walmart:
            walmart["conn"] = Connection.objects.create(name="wm", system="walmart", config={"client_id": "x"})
        slug = slug or system.replace("_", "-")
        erp = Connection.objects.create(name=f"erp-{slug}", system=system, config={})
        return Integration.objects.create(slug=slug, name=slug, walmart=walmart["conn"], erp=erp)

    return _make


@pytest.fixture
def exact(make_integration):
    return make_integration("exact_online", "acme-exact")


@pytest.fixture
def ifs(make_integration):
    return make_integration("ifs_cloud", "acme-ifs")


@pytest.fixture
def staff(db):
    """staff("Finance") -> a staff user in that group (groups come from the migrations)."""

    def _make(group_name):
        user = User.objects.create_user(username=f"u-{group_name.lower()}", password="pw", is_staff=True)
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return _make


def csv_bytes(rows):
    """rows[0] is the header; a list of lists of str -> UTF-8 CSV bytes."""
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("utf-8")


def xlsx_bytes(rows, typed=False):
    """An XLSX like Excel writes it. typed=False: every cell a string; typed=True: cells keep Python types."""
    if not typed:
        buffer = io.BytesIO()
        write_xlsx(buffer, rows[0], rows[1:])
        return buffer.getvalue()
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
