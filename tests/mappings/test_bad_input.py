"""Each kind of bad file gets a message staff can act on, and the database stays unchanged."""

import datetime

import pytest
from django.test import override_settings

from mappings.importer import run_import
from mappings.models import SkuMap
from mappings.spreadsheet import FileRefused
from tests.mappings.conftest import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["integration", "walmart_sku", "erp_item", "unit", "factor", "category", "gtin", "description", "active"]


def _row(slug, sku="WM-1", item="ITM1", factor="1", gtin="", description=""):
    return [slug, sku, item, "EA", factor, "Kitchen", gtin, description, "1"]


def _refused(data, integration=None, kind="sku"):
    with pytest.raises(FileRefused) as info:
        run_import(kind, data, integration=integration, dry_run=False)
    assert SkuMap.objects.count() == 0
    return str(info.value)


def _errors(data, integration=None, kind="sku"):
    result = run_import(kind, data, integration=integration, dry_run=False)
    assert not result.written and SkuMap.objects.count() == 0
    return [(e.row, e.column, e.message) for e in result.errors]


def test_missing_and_unknown_headers_list_the_expected_columns(exact):
    message = _refused(csv_bytes([["integration", "sku", "erp_item"], [exact.slug, "WM-1", "ITM1"]]))
    assert "missing walmart_sku, unit, factor, category, gtin, description, active" in message
    assert "unknown sku" in message
    assert "Expected columns: integration, walmart_sku, erp_item, unit, factor, category, gtin, description, active" in message


def test_headers_are_case_and_space_insensitive_and_integration_may_be_omitted(exact):
    header = [" Walmart_SKU", "ERP_ITEM ", "unit", "factor", "category", "gtin", "description", "active"]
    result = run_import("sku", csv_bytes([header, _row(exact.slug)[1:]]), integration=exact, dry_run=False)
    assert result.written and SkuMap.objects.get().erp_item == "ITM1"


def test_wrong_types_name_row_column_and_value(exact):
    rows = [HEADER, _row(exact.slug), _row(exact.slug, "WM-2", factor="abc"), _row(exact.slug, "WM-3", factor="0"),
            [exact.slug, "WM-4", "ITM4", "EA", "1", "", "", "", "maybe"]]
    assert _errors(csv_bytes(rows)) == [
        (3, "factor", "'abc' is not a number."),
        (4, "factor", "must be greater than 0."),
        (5, "active", "'maybe' is not yes/no; use 1 or 0."),
    ]


def test_duplicate_keys_in_one_file_name_both_rows(exact):
    rows = [HEADER, _row(exact.slug, "WM-1"), _row(exact.slug, "WM-2"), _row(exact.slug, "WM-1", item="ITM9")]
    assert _errors(csv_bytes(rows)) == [
        (4, "walmart_sku", f"duplicate: rows 2 and 4 both map walmart_sku 'WM-1' of integration {exact.slug}; keep one.")
    ]


def test_empty_file_and_header_only(exact):
    assert _refused(b"") == "The file is empty."
    assert _refused(b"\xef\xbb\xbf\r\n") == "The file is empty."
    assert _refused(csv_bytes([HEADER])) == "The file has a header row but no data rows."
    assert _refused(xlsx_bytes([HEADER])) == "The file has a header row but no data rows."


@pytest.mark.parametrize("data, expected", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "The file is a PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Old Excel .xls files are not supported"),
    (b"PK\x03\x04not-really-a-zip", "ZIP archive, not a spreadsheet"),
])
def test_non_spreadsheets_are_sniffed_by_content(exact, data, expected):
    assert expected in _refused(data)


def test_oversized_file_is_refused_before_parsing(exact):
    data = b"\x00" * 2048  # binary garbage: only the size check may answer, not the sniffer
    with override_settings(MAPPINGS_IMPORT_MAX_BYTES=1024):
        message = _refused(data)
    assert message == "The file is 2 KB; the limit is 1 KB (MAPPINGS_IMPORT_MAX_BYTES). Split it into several files."


def test_non_utf8_csv_is_refused_with_the_line(exact):
    data = csv_bytes([HEADER, _row(exact.slug)]) + "x,WM-2,ITM2,EA,1,Cuisine é,,,1\n".encode("latin-1")
    message = _refused(data)
    assert message.startswith("The CSV file is not UTF-8 (byte 0xE9 on line 3).")
    assert "CSV UTF-8" in message


def test_bom_semicolons_and_accents_are_accepted(exact):
    text = ";".join(HEADER) + "\r\n" + f"{exact.slug};WM-1;ITM1;EA;1,5;Cuisine d'été;;Crème brûlée;1\r\n"
    result = run_import("sku", b"\xef\xbb\xbf" + text.encode("utf-8"), dry_run=False)
    # 1,5 is not a number in our files (a decimal comma would be ambiguous with thousands).
    assert [(e.column, e.message) for e in result.errors] == [("factor", "'1,5' is not a number.")]
    text = text.replace("1,5", "1.5")
    result = run_import("sku", b"\xef\xbb\xbf" + text.encode("utf-8"), dry_run=False)
    assert result.written
    row = SkuMap.objects.get()
    assert (row.category, row.description, str(row.factor)) == ("Cuisine d'été", "Crème brûlée", "1.500000")


def test_codes_are_text_numbers_keep_digits_and_leading_zeros(exact):
    rows = [HEADER, [exact.slug, "00123", 123, "EA", 2, "", "", "", 1],
            [exact.slug, 456, "0042", "EA", "2.5", "", "", "", "1"]]
    result = run_import("sku", xlsx_bytes(rows, typed=True), dry_run=False)
    assert result.written, result.errors
    assert sorted(SkuMap.objects.values_list("walmart_sku", "erp_item", "factor")) == [
        ("00123", "123", 2), ("456", "0042", 2.5)]


def test_a_date_or_scientific_number_in_a_code_column_is_an_error(exact):
    csv_rows = [HEADER, _row(exact.slug, "WM-1", item="8.05E+11")]
    assert _errors(csv_bytes(csv_rows)) == [(2, "erp_item", "8.05E+11 looks like a number Excel shortened to "
                                             "scientific notation. Format the column as Text and type the code again.")]
    from openpyxl import Workbook
    import io

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([exact.slug, "WM-1", 805012345678, "EA", "1", "", "", "", "1"])
    sheet["C2"].number_format = "0.00E+00"
    sheet.append([exact.slug, datetime.datetime(2026, 3, 1), "ITM2", "EA", "1", "", "", "", "1"])
    sheet.append([exact.slug, "WM-3", 12.5, "EA", "1", "", "", "", "1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _errors(buffer.getvalue()) == [
        (2, "erp_item", "8.05E+11 is a number Excel shows in scientific notation, so digits may be lost. "
                        "Format the column as Text and type the code again."),
        (3, "walmart_sku", "is a date; expected text. Format the column as Text in the spreadsheet."),
        (4, "erp_item", "12.5 is a decimal number; expected a code. Format the column as Text."),
    ]


def test_erp_rules_say_what_is_missing_for_whom(exact, make_integration):
    gl_header = ["integration", "level", "scope", "charge_type", "gl_account", "cost_center", "accounting_entity",
                 "accounting_unit", "account_code", "company", "active"]
    suite = make_integration("infor_cloudsuite", "acme-fsm")
    rows = [gl_header,
            [exact.slug, "default", "*", "SHIPPING", "", "ECOM", "", "", "", "", "1"],
            [suite.slug, "category", "Toys", "PRODUCT", "", "", "1000", "", "8010", "", "1"],
            [exact.slug, "sku", "*", "TAX", "2200", "", "", "", "", "", "1"]]
    assert _errors(csv_bytes(rows), kind="gl") == [
        (2, "gl_account", "Exact Online needs a GL account for SHIPPING."),
        (3, "accounting_unit", "Infor CloudSuite (FSM) needs an accounting unit for PRODUCT."),
        (4, "scope", "must name the sku for a sku rule; * is only for the default rule."),
    ]


def test_integration_column_must_match_the_chosen_integration(exact, ifs):
    assert _errors(csv_bytes([HEADER, _row(ifs.slug)]), integration=exact) == [
        (2, "integration", f"is {ifs.slug!r}, but this import is for integration {exact.slug!r}.")]
    assert _errors(csv_bytes([HEADER, _row("nope")])) == [
        (2, "integration", "'nope' is not an integration (known: acme-exact, acme-ifs).")]


def test_carrier_rules(exact):
    header = ["integration", "erp_carrier", "walmart_carrier", "other_carrier", "tracking_url", "method_code", "active"]
    rows = [header,
            [exact.slug, "UPSG", "ups", "", "", "standard", "1"],
            [exact.slug, "FEDX", "", "fedex", "https://track.example/{n}", "", "1"],
            [exact.slug, "LOCAL", "", "Bob's Vans", "", "", "1"],
            [exact.slug, "PIGEON", "Pigeon Post", "", "", "", "1"]]
    errors = _errors(csv_bytes(rows), kind="carrier")
    assert errors[0] == (3, "other_carrier", "'fedex' is on Walmart's carrier list: put 'FedEx' in walmart_carrier, "
                                             "or Walmart rejects the tracking as invalid.")
    assert errors[1] == (4, "tracking_url", "is required with other_carrier (Walmart rejects tracking without it).")
    assert errors[2][:2] == (5, "walmart_carrier") and errors[2][2].startswith("'Pigeon Post' is not allowed; use one of: UPS, USPS")
    assert len(errors) == 3  # row 2's lower-case values are accepted in canonical spelling


def test_control_characters_are_refused_because_xlsx_cannot_hold_them(exact):
    assert _errors(csv_bytes([HEADER, _row(exact.slug, description="Bell\x07")])) == [
        (2, "description", "contains an invisible control character (0x07); remove it.")]
