"""A corpus of malformed deliveries (tests/syncs/malformed_deliveries.json): each gets its 4xx with a
short reason, is audited, never a 500, and leaves the inbox unchanged. Plus a fuzzed envelope."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from syncs.intake.verify import hmac_signatures
from syncs.models import InboxEvent
from tests.syncs.conftest import KAT_SECRET, deliver

CORPUS = json.loads((Path(__file__).parent / "malformed_deliveries.json").read_text())


def body_of(case):
    if case.get("nested_depth"):
        return ("[" * case["nested_depth"] + "]" * case["nested_depth"]).encode()
    if case.get("body_repeat"):
        first, middle, count, last = case["body_repeat"]
        return (first + middle * count + last).encode()
    return case["body"].encode()


def signature_for(case, body):
    if case["sign"]:
        return hmac_signatures(KAT_SECRET, body)[0]
    special = case.get("signature")
    if special is None:
        return None
    return {
        "of-other-body": hmac_signatures(KAT_SECRET, body + b" ")[0],
        "wrong-secret": hmac_signatures("not-the-secret", body)[0],
        "truncated": hmac_signatures(KAT_SECRET, body)[0][:-4],
    }.get(special, special)


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 50
    assert len({c["name"] for c in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=[c["name"] for c in CORPUS])
def test_malformed_delivery_is_refused_with_a_reason(integration, client, case):
    body = body_of(case)
    headers = {}
    signature = signature_for(case, body)
    if signature is not None:
        headers["X-Walmart-Signature"] = signature
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    response = client.generic(case.get("method", "POST"), f"/webhooks/walmart/{case.get('slug', 'acme')}/", body,
                              content_type=case.get("content_type", "application/json"), **meta)
    assert response.status_code == case["status"], response.content[:200]
    assert response.json()["error"]
    assert not InboxEvent.objects.exists()
    event = AuditEvent.objects.get(action="webhook.rejected")
    assert event.status == case["status"] and event.message == response.json()["error"]
    assert KAT_SECRET not in json.dumps(list(AuditEvent.objects.values()), default=str)


def test_a_valid_delivery_after_the_corpus_is_still_accepted(integration, client):
    body = json.dumps({"source": {"eventType": "PO_CREATED", "eventTime": "2026-11-29T10:00:00Z", "eventId": "e-9"},
                       "payload": {"purchaseOrderId": "1796277083022"}}).encode()
    response = deliver(client, body, **{"X-Walmart-Signature": hmac_signatures(KAT_SECRET, body)[1]})
    assert response.status_code == 200 and InboxEvent.objects.count() == 1


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
event_types = st.sampled_from(["PO_CREATED", "ORDER_UPDATES", "INTENT_TO_CANCEL", "PO_LINE_AUTOCANCELLED",
                               "RETURN_CREATED", "RETURN_DELIVERED", "NOPE"]) | st.text(max_size=12)
envelopes = st.fixed_dictionaries({
    "source": st.fixed_dictionaries({}, optional={"eventType": event_types | json_values,
                                                  "eventId": st.text(max_size=40) | json_values,
                                                  "eventTime": st.sampled_from(["2026-11-29T10:00:00Z", "bad"]) | json_values}) | json_values,
    "payload": st.fixed_dictionaries({}, optional={
        "purchaseOrderId": st.from_regex(r"[0-9]{5,15}", fullmatch=True) | json_values,
        "subEventType": st.sampled_from(["PO_CREATED", "FRAUD_CANCEL", "X"]) | json_values,
        "returnOrders": st.lists(st.fixed_dictionaries({}, optional={"returnOrderId": st.text(max_size=12) | json_values}), max_size=3) | json_values,
    }) | json_values,
}) | json_values


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(envelope=envelopes)
def test_fuzzed_envelopes_never_cause_a_server_error(integration, client, envelope):
    body = json.dumps(envelope).encode()
    before = InboxEvent.objects.count()
    response = deliver(client, body, **{"X-Walmart-Signature": hmac_signatures(KAT_SECRET, body)[0]})
    assert response.status_code in (200, 400, 422), (response.status_code, body[:200])
    if response.status_code != 200:
        assert InboxEvent.objects.count() == before
