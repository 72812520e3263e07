"""Reading and writing mapping files: CSV or XLSX, recognised by content, never by extension.

Reading streams: CSV line by line, XLSX through mappings.xlsx_reader, so a 50,000-row file
is never held as a table in memory. Rows are numbered as the spreadsheet numbers them (header =
row 1) because that is what staff see when they open the file to fix a reported error.
"""

import codecs
import csv
import io
import zipfile
from xml.etree.ElementTree import ParseError

from django.conf import settings

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class FileRefused(ValueError):
    """The file as a whole cannot be read; nothing was written."""


def max_bytes():
    return int(getattr(settings, "MAPPINGS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def human_size(size):
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, round(size / 1024))} KB"


def check_size(size):
    limit = max_bytes()
    if size > limit:
        raise FileRefused(
            f"The file is {human_size(size)}; the limit is {human_size(limit)} "
            "(MAPPINGS_IMPORT_MAX_BYTES). Split it into several files."
        )


def sniff(data):
    """'csv' or 'xlsx' from the bytes themselves; anything else is refused with what it looks like."""
    if not data.strip(b"\xef\xbb\xbf \r\n\t"):
        raise FileRefused("The file is empty.")
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        raise FileRefused("The file is a ZIP archive, not a spreadsheet. Upload a CSV or XLSX file.")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRefused("Old Excel .xls files are not supported. In Excel use Save As → Excel Workbook (.xlsx) or CSV UTF-8.")
    if data[:5] == b"%PDF-":
        raise FileRefused("The file is a PDF, not a spreadsheet. Upload a CSV or XLSX file.")
    if b"\x00" in data[:4096]:
        raise FileRefused("The file is not a spreadsheet (binary content). Upload a CSV or XLSX file.")
    return "csv"


def read_rows(data):
    """Yield (row_number, [raw cells]) including the header (row 1). Blank lines are skipped."""
    fmt = sniff(data)
    rows = _xlsx_rows(data) if fmt == "xlsx" else _csv_rows(data)
    for number, cells in rows:
        if any(cell not in (None, "") and not (isinstance(cell, str) and not cell.strip()) for cell in cells):
            yield number, cells


def _csv_rows(data):
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(
            f"The CSV file is not UTF-8 (byte 0x{data[exc.start]:02X} on line {line}). "
            "In Excel use Save As → CSV UTF-8, or upload the XLSX file instead."
        ) from None
    first_line = text.split("\n", 1)[0]
    # Excel in many European locales writes ';'-separated CSV.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise FileRefused(f"The CSV file cannot be read near line {reader.line_num}: {exc}.") from None


def _xlsx_rows(data):
    from mappings.xlsx_reader import XlsxError, iter_rows

    try:
        yield from iter_rows(io.BytesIO(data))
    except (XlsxError, KeyError, IndexError, ValueError, zipfile.BadZipFile, ParseError) as exc:
        raise FileRefused(f"The XLSX file cannot be read ({exc}). Save it again from Excel.") from None


def write_csv(stream, headers, rows):
    """`stream` is a text stream; rows are lists of already-rendered strings."""
    writer = csv.writer(stream)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row)


def write_xlsx(binary_stream, headers, rows, title="mappings"):
    """Write-only workbook; every cell is typed as a string so Excel never evaluates it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])

    def text_cells(values):
        result = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=None)
            # Assigning `value` lets openpyxl guess a formula from a leading "="; set the type ourselves.
            cell._value = value
            cell.data_type = "s"
            result.append(cell)
        return result

    sheet.append(text_cells(headers))
    for row in rows:
        sheet.append(text_cells(row))
    workbook.save(binary_stream)
