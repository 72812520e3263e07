"""Cell codecs: `clean(raw) -> value` for import and `render(value) -> str` for export, in pairs.

The pairing (django-import-export's Widget idea, engineering-anchors A4.2) is what makes
export → import reproduce identical rows. Raw values come from CSV (always str) or from XLSX
(str, int, float, bool, datetime; `ExcelNumber` when Excel shows a number in scientific notation).

Formula injection: text starting with = + - @, tab or CR is exported with a leading apostrophe,
and import strips exactly that prefix. A text that itself starts with an apostrophe followed by
one of those characters (or another apostrophe) gets one too, so the escaping is reversible for
every string: unescape(escape(s)) == s.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to staff next to the row and column."""


class ExcelNumber(float):
    """A numeric XLSX cell whose number format is scientific (Excel shows 8.05E+11): digits were lost."""


def escape_formula(text):
    if text[:1] in FORMULA_STARTS or (text[:1] == ESCAPE and text[1:2] in (*FORMULA_STARTS, ESCAPE)):
        return ESCAPE + text
    return text


def unescape_formula(text):
    if text[:1] == ESCAPE and text[1:2] in (*FORMULA_STARTS, ESCAPE):
        return text[1:]
    return text


def _number_text(raw):
    """An XLSX number as the text a person typed: 123 not 123.0."""
    if isinstance(raw, ExcelNumber):
        raise CellError(
            f"{raw:.2E} is a number Excel shows in scientific notation, so digits may be lost. "
            "Format the column as Text and type the code again."
        )
    if isinstance(raw, float):
        if raw.is_integer():
            return str(int(raw))
        return repr(raw)
    return str(raw)


def _as_text(raw):
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, (datetime.date, datetime.time, datetime.datetime)):
        raise CellError("is a date; expected text. Format the column as Text in the spreadsheet.")
    if isinstance(raw, (int, float)):
        return _number_text(raw)
    return unescape_formula(str(raw).strip())


class Text:
    """Free text (descriptions, names): any cell, kept as written (accents included)."""

    def __init__(self, max_length):
        self.max_length = max_length

    def clean(self, raw):
        text = _as_text(raw)
        control = CONTROL_CHARACTERS.search(text)
        if control:
            # XLSX (XML) cannot hold them, so an export would produce a file Excel refuses to open.
            raise CellError(f"contains an invisible control character (0x{ord(control.group()):02X}); remove it.")
        if len(text) > self.max_length:
            raise CellError(f"is {len(text)} characters long; at most {self.max_length} are allowed.")
        return text

    def render(self, value):
        return escape_formula(value or "")


class Code(Text):
    """An identifier (SKU, item, account): text only. Numbers must not have been mangled by Excel."""

    def clean(self, raw):
        if isinstance(raw, float) and not raw.is_integer() and not isinstance(raw, ExcelNumber):
            raise CellError(f"{raw!r} is a decimal number; expected a code. Format the column as Text.")
        text = super().clean(raw)
        if SCIENTIFIC.match(text):
            raise CellError(
                f"{text} looks like a number Excel shortened to scientific notation. "
                "Format the column as Text and type the code again."
            )
        return text


class Choice(Code):
    """One of a fixed list; matched case-insensitively and stored in its canonical spelling."""

    def __init__(self, values, max_length=60):
        super().__init__(max_length)
        self.values = tuple(values)
        self._by_lower = {value.lower(): value for value in self.values}

    def clean(self, raw):
        text = super().clean(raw)
        if text == "":
            return text
        try:
            return self._by_lower[text.lower()]
        except KeyError:
            raise CellError(f"{text!r} is not allowed; use one of: {', '.join(self.values)}.") from None


class Number:
    """A Decimal (never float): numbers typed as text are accepted ("1.5", " 12 ")."""

    def __init__(self, max_digits, decimal_places, default=None, positive=False):
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        self.default = default
        self.positive = positive

    def clean(self, raw):
        if isinstance(raw, bool) or isinstance(raw, (datetime.date, datetime.time)):
            raise CellError("expected a number.")
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if self.default is None:
                raise CellError("is empty; a number is required.")
            return self.default
        text = str(raw).strip() if not isinstance(raw, float) else repr(raw)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise CellError(f"{text!r} is not a number.") from None
        if not value.is_finite():
            raise CellError(f"{text!r} is not a number.")
        exponent = value.normalize().as_tuple().exponent
        if -exponent > self.decimal_places:
            raise CellError(f"{text} has more than {self.decimal_places} decimal places.")
        if value.adjusted() >= self.max_digits - self.decimal_places:
            raise CellError(f"{text} is too large.")
        if self.positive and value <= 0:
            raise CellError("must be greater than 0.")
        return value.quantize(Decimal(1).scaleb(-self.decimal_places))

    def render(self, value):
        if value is None:
            return ""
        return format(Decimal(value).normalize(), "f")


class Flag:
    """Yes/no. Blank means yes, so a file without values in `active` keeps rows active."""

    TRUE = {"1", "y", "yes", "true", "x"}
    FALSE = {"0", "n", "no", "false"}

    def clean(self, raw):
        if isinstance(raw, bool):
            return raw
        text = _as_text(raw).lower()
        if text == "" or text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise CellError(f"{text!r} is not yes/no; use 1 or 0.")

    def render(self, value):
        return "1" if value else "0"


def _gtin_check_ok(digits):
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body.rjust(13, "0")))
    return (10 - total % 10) % 10 == check


class Gtin(Code):
    """GTIN-8/12 (UPC)/13/14, stored as GTIN-14 (left-padded) so UPC and GTIN compare equal."""

    def __init__(self):
        super().__init__(14)

    def clean(self, raw):
        text = super().clean(raw)
        if text == "":
            return text
        if not text.isdigit() or len(text) not in (8, 12, 13, 14):
            raise CellError(f"{text!r} is not a GTIN or UPC (8, 12, 13 or 14 digits).")
        if not _gtin_check_ok(text):
            raise CellError(f"{text} has a wrong check digit; check the barcode number.")
        return text.rjust(14, "0")


class State(Code):
    """A two-letter state (ship-to), or * for any."""

    def __init__(self):
        super().__init__(10)

    def clean(self, raw):
        text = super().clean(raw).upper()
        if text in ("", "*"):
            return "*"
        if not (len(text) == 2 and text.isalpha()):
            raise CellError(f"{text!r} is not a two-letter state code or *.")
        return text


class Url(Code):
    def clean(self, raw):
        text = super().clean(raw)
        if text:
            try:
                URLValidator(schemes=["http", "https"])(text)
            except ValidationError:
                raise CellError(f"{text!r} is not a web address (http:// or https://).") from None
        return text


def gtin14(text):
    """A GTIN/UPC from another system as GTIN-14, or '' when it is not one (wrong length or check digit).

    Walmart sends `gtin` and `upc` separately and ERPs keep EAN-13 or UPC-A: left-padding to 14
    digits makes the same product compare equal whatever length each side stored.
    """
    try:
        return Gtin().clean(str(text or "").strip())
    except CellError:
        return ""
