"""`manage.py mappings import|export`: the admin's code path, with exit codes scripts can rely on."""

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from mappings.models import SkuMap
from tests.mappings.conftest import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = ["integration", "walmart_sku", "erp_item", "unit", "factor", "category", "gtin", "description", "active"]


def _file(tmp_path, rows, name="skus.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return str(path)


def _run(*args):
    with pytest.raises(SystemExit) as info:
        call_command("mappings", *args)
    return info.value.code


def test_error_rows_exit_non_zero_and_write_nothing(exact, tmp_path, capsys):
    path = _file(tmp_path, [HEADER, [exact.slug, "WM-1", "ITM1", "", "1", "", "", "", "1"],
                            [exact.slug, "WM-2", "", "", "1", "", "", "", "1"]])
    assert _run("import", "sku", path) == 1
    captured = capsys.readouterr()
    assert "Row 3, column erp_item: Exact Online needs an item Code." in captured.err
    assert "Nothing written: 1 new, 0 updated, 0 unchanged, 1 rows with errors" in captured.out
    assert SkuMap.objects.count() == 0


def test_skip_errors_writes_only_valid_rows_and_exits_zero(exact, tmp_path, capsys):
    path = _file(tmp_path, [HEADER, [exact.slug, "WM-1", "ITM1", "", "1", "", "", "", "1"],
                            [exact.slug, "WM-2", "", "", "1", "", "", "", "1"]])
    call_command("mappings", "import", "sku", path, "--skip-errors")
    assert list(SkuMap.objects.values_list("walmart_sku", flat=True)) == ["WM-1"]
    event = AuditEvent.objects.get(action="mapping.import.confirmed")
    assert event.data["counts"]["new"] == 1 and event.data["skipped_error_rows"] == 1


def test_dry_run_writes_nothing(exact, tmp_path, capsys):
    path = _file(tmp_path, [HEADER[1:], ["WM-1", "ITM1", "", "1", "", "", "", "1"]])
    call_command("mappings", "import", "sku", path, "--integration", exact.slug, "--dry-run")
    assert "Would import: 1 new" in capsys.readouterr().out
    assert SkuMap.objects.count() == 0 and not AuditEvent.objects.exists()


def test_refused_file_exits_2(exact, tmp_path, capsys):
    path = _file(tmp_path, [["sku"], ["WM-1"]])
    assert _run("import", "sku", path) == 2
    assert "does not match the SKU mappings template" in capsys.readouterr().err


def test_export_columns_are_the_import_columns_and_re_import_is_unchanged(exact, tmp_path, capsys):
    SkuMap.objects.create(integration=exact, walmart_sku="WM-1", erp_item="ITM1")
    for name in ("out.csv", "out.xlsx"):
        out = str(tmp_path / name)
        call_command("mappings", "export", "sku", out, "--integration", exact.slug)
        call_command("mappings", "import", "sku", out)
        assert "Imported: 0 new, 0 updated, 1 unchanged, 0 rows with errors" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="mapping.export.downloaded").count() == 2
