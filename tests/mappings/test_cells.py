"""Properties of the cell codecs: formula escaping is reversible for every string, numbers stay Decimal."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from mappings.cells import Number, Text, escape_formula, unescape_formula

PRINTABLE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("=+-@'\t\r"),
                    max_size=30)


@given(PRINTABLE)
def test_unescape_inverts_escape_for_every_string(text):
    assert unescape_formula(escape_formula(text)) == text


@given(PRINTABLE)
def test_escaped_text_never_starts_like_a_formula(text):
    assert escape_formula(text)[:1] not in ("=", "+", "-", "@", "\t", "\r")


@given(st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("999999999999"), places=6))
def test_numbers_render_and_clean_back_to_the_same_decimal(value):
    codec = Number(18, 6)
    assert codec.clean(codec.render(value)) == value


def test_text_round_trip_through_the_codec_keeps_leading_apostrophes():
    codec = Text(100)
    for value in ["'", "''", "'=x", "it's", "=x", "-2"]:
        assert codec.clean(codec.render(value)) == value
