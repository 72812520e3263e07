"""A large JSON answer (a 5,000-row stock page) is redacted only as far as its excerpt reaches, and
still masks every secret inside that excerpt."""

import json

from connectors import redact


def test_a_large_page_keeps_its_excerpt_and_masks_its_secrets():
    rows = [{"PartNo": f"P{n:06d}", "AvailableQty": n} for n in range(5000)]
    body = json.dumps({"access_token": "tok-abcdef", "value": [{"note": "s3cr3t-value"}, *rows]})
    text = redact.redact_text(body, secrets=["s3cr3t-value"])
    assert "tok-abcdef" not in text and "s3cr3t-value" not in text and redact.MASK in text
    assert text.startswith('{"access_token": "***", "value": [{"note": "***"}, {"PartNo": "P000000"')
    assert text.endswith(f"... [{len(body) - redact.EXCERPT_LIMIT} more characters]")
    assert len(text) < redact.EXCERPT_LIMIT + 50


def test_a_secret_across_the_cut_is_masked_before_the_cut():
    secret = "X" * 60
    body = json.dumps({"value": ["a" * (redact.EXCERPT_LIMIT - 30), secret, *["b"] * 3000]})
    text = redact.redact_text(body, secrets=[secret])
    assert "XXXXXXXXXX" not in text
