"""The client's OData literals and query strings against the emulator's $filter parser, for any text:
whatever reference we filter on is the reference the emulator compares with."""

from urllib.parse import parse_qsl

from hypothesis import given, settings, strategies as st

from connectors.ifs_cloud.odata import any_of, literal, query
from sandbox.ifs_cloud import entities, filters

PROPS = entities.CUSTOMER_ORDER.by_name
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


def comparisons(q):
    """Flatten a Q into its (lookup, value) pairs."""
    for child in q.children:
        if isinstance(child, tuple):
            yield child
        else:
            yield from comparisons(child)


@settings(max_examples=300, deadline=None)
@given(text)
def test_any_reference_survives_literal_and_parse(reference):
    q = filters.to_q(f"CustomerPoNo eq {literal(reference)}", PROPS)
    assert list(comparisons(q)) == [("customer_po_no__exact", reference)]


@settings(max_examples=200, deadline=None)
@given(st.lists(text, min_size=1, max_size=5))
def test_any_filter_survives_the_query_string(references):
    condition = f"{any_of('CustomerPoNo', references)} and Contract eq 'DAL1'"
    decoded = dict(parse_qsl(query(filter=condition, top=5), keep_blank_values=True))
    assert decoded == {"$filter": condition, "$top": "5"}
    q = filters.to_q(decoded["$filter"], PROPS)
    assert [v for k, v in comparisons(q) if k == "customer_po_no__exact"] == references
