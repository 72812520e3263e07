"""Redaction of secrets in excerpts, URLs and logs (connectors/redact.py)."""

import json
import logging

from connectors import redact


def test_json_bodies_are_redacted_by_key():
    body = json.dumps({"access_token": "abc123", "expires_in": 900, "nested": {"client_secret": "zzz"}, "code": "ORDER_OK"})
    text = redact.redact_text(body)
    assert "abc123" not in text and "zzz" not in text
    assert "900" in text and "ORDER_OK" in text  # error codes and plain data stay readable


def test_form_bodies_are_redacted_by_key():
    text = redact.redact_text("grant_type=password&username=TENANT%23abc&password=hunter2&client_secret=s3")
    assert "hunter2" not in text and "s3" not in text.replace("***", "")
    assert "grant_type=password" in text


def test_known_secret_values_are_redacted_anywhere():
    text = redact.redact_text("<html>token is tok-123456 here</html>", secrets=["tok-123456"])
    assert "tok-123456" not in text


def test_urls_lose_credentials_and_secret_query_values():
    url = redact.redact_url("https://user:pw@host/path?access_token=abc&sku=X1")
    assert "pw" not in url and "abc" not in url and "sku=X1" in url


def test_long_excerpts_are_cut():
    assert len(redact.redact_text("x" * 10000)) < 2100


def test_log_filter_masks_bearer_tokens(caplog):
    logger = logging.getLogger("test.redaction")
    logger.addFilter(redact.RedactingFilter())
    with caplog.at_level(logging.INFO):
        logger.info("calling with Authorization: Bearer %s", "eyJhbGciOiJIUzI1NiJ9.secret")
    assert "eyJhbGciOiJIUzI1NiJ9" not in caplog.text
