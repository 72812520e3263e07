"""A streaming reader for the first worksheet of an XLSX file, for large mapping imports.

openpyxl's read-only mode parses every cell into objects (and scans the whole sheet first when
the file has no <dimension>, as files written by openpyxl's own write-only mode do); on a
50,000-row sheet that alone took longer than the whole import may. This reader walks the sheet
XML once with iterparse, clearing elements as it goes, and yields plain Python values:
str (shared, inline or formula strings), int/float, bool, datetime for date-formatted numbers,
and cells.ExcelNumber for numbers shown in scientific notation (Excel lost digits there).
"""

import re
import zipfile
from xml.etree.ElementTree import iterparse

from openpyxl.utils.datetime import from_excel

from mappings.cells import ExcelNumber

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Built-in number formats (ECMA-376 §18.8.30) that show dates/times, and scientific ones.
BUILTIN_DATE_FORMATS = set(range(14, 23)) | {45, 46, 47}
BUILTIN_SCIENTIFIC_FORMATS = {11, 48}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_CELL_REF = re.compile(r"([A-Z]+)")


class XlsxError(ValueError):
    pass


def _column_index(ref):
    letters = _CELL_REF.match(ref).group(1)
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _first_sheet_path(archive):
    with archive.open("xl/workbook.xml") as stream:
        for _, element in iterparse(stream):
            if element.tag == f"{NS_MAIN}sheet":
                rel_id = element.get(f"{NS_REL}id")
                break
        else:
            raise XlsxError("The workbook has no worksheet.")
    with archive.open("xl/_rels/workbook.xml.rels") as stream:
        for _, element in iterparse(stream):
            if element.tag == f"{NS_PKG_REL}Relationship" and element.get("Id") == rel_id:
                target = element.get("Target")
                return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise XlsxError("The workbook's first worksheet cannot be found.")


def _shared_strings(archive):
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    with archive.open("xl/sharedStrings.xml") as stream:
        for _, element in iterparse(stream):
            if element.tag == f"{NS_MAIN}si":
                # Plain text (<t>) or rich-text runs (<r><t>); phonetic hints (<rPh>) are not part of the value.
                parts = []
                for child in element:
                    if child.tag == f"{NS_MAIN}t":
                        parts.append(child.text or "")
                    elif child.tag == f"{NS_MAIN}r":
                        run_text = child.find(f"{NS_MAIN}t")
                        parts.append(run_text.text or "" if run_text is not None else "")
                strings.append("".join(parts))
                element.clear()
    return strings


def _format_kinds(archive):
    """Per style index: 'date', 'scientific' or None."""
    if "xl/styles.xml" not in archive.namelist():
        return []
    custom, kinds = {}, []
    with archive.open("xl/styles.xml") as stream:
        in_cell_xfs = False
        for event, element in iterparse(stream, events=("start", "end")):
            if event == "start" and element.tag == f"{NS_MAIN}cellXfs":
                in_cell_xfs = True
            elif event == "end" and element.tag == f"{NS_MAIN}cellXfs":
                in_cell_xfs = False
            elif event == "end" and element.tag == f"{NS_MAIN}numFmt":
                custom[int(element.get("numFmtId"))] = element.get("formatCode", "")
            elif event == "end" and element.tag == f"{NS_MAIN}xf" and in_cell_xfs:
                kinds.append(_format_kind(int(element.get("numFmtId", 0)), custom))
    return kinds


def _format_kind(fmt_id, custom):
    if fmt_id in custom:
        code = _QUOTED.sub("", custom[fmt_id]).lower()
        if "e+" in code or "e-" in code:
            return "scientific"
        if any(token in code for token in ("y", "d", "h", "s")) or re.search(r"(^|[^0#])m", code):
            return "date"
        return None
    if fmt_id in BUILTIN_DATE_FORMATS:
        return "date"
    if fmt_id in BUILTIN_SCIENTIFIC_FORMATS:
        return "scientific"
    return None


def _number(text, kind):
    value = float(text) if any(c in text for c in ".eE") else int(text)
    if kind == "date":
        return from_excel(value)
    if kind == "scientific":
        return ExcelNumber(value)
    return value


def iter_rows(data_stream):
    """Yield (row_number, [values]) for the first worksheet; row numbers as Excel shows them."""
    with zipfile.ZipFile(data_stream) as archive:
        sheet_path = _first_sheet_path(archive)
        strings = _shared_strings(archive)
        formats = _format_kinds(archive)
        with archive.open(sheet_path) as stream:
            next_number = 1
            for _, element in iterparse(stream):
                if element.tag != f"{NS_MAIN}row":
                    continue
                number = int(element.get("r", next_number))
                next_number = number + 1
                yield number, _row_values(element, strings, formats)
                element.clear()


def _row_values(row, strings, formats):
    values = []
    for position, cell in enumerate(row.iter(f"{NS_MAIN}c")):
        ref = cell.get("r")
        index = _column_index(ref) if ref else position
        while len(values) < index:
            values.append(None)
        values.append(_cell_value(cell, strings, formats))
    return values


def _cell_value(cell, strings, formats):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{NS_MAIN}t"))
    v = cell.find(f"{NS_MAIN}v")
    text = v.text if v is not None else None
    if text is None:
        return None
    if kind == "s":
        return strings[int(text)]
    if kind in ("str", "e"):
        return text
    if kind == "b":
        return text == "1"
    if kind == "d":
        from datetime import datetime

        return datetime.fromisoformat(text)
    style = int(cell.get("s", 0))
    return _number(text, formats[style] if style < len(formats) else None)
