import pytest

from connectors.models import Connection
from syncs.models import Integration

KAT_BODY = (b'{"source":{"eventType":"PO_CREATED","eventTime":"2020-07-29T13:47:18.442Z",'
            b'"eventId":"04d868a0-d1a2-11ea-a710-459752d002e8"},'
            b'"payload":{"partnerId":"10000682332","purchaseOrderId":"1796277083022"}}')
KAT_SECRET = "walmart-test-secret"
# Computed independently with openssl (`openssl dgst -sha256 -hmac walmart-test-secret`).
KAT_HMAC_BASE64 = "FHTHv0GkyvnyqrcgdeWFbt5tamTtxDjwonNtxvMXxIc="
KAT_HMAC_HEX = "1474c7bf41a4caf9f2aab72075e5856ede6d6a64edc438f0a2736dc6f317c487"


@pytest.fixture
def integration(db):
    walmart = Connection.objects.create(name="wm", system="walmart", config={"client_id": "x"})
    erp = Connection.objects.create(name="erp", system="ifs_cloud", config={})
    integ = Integration(slug="acme", name="Acme", walmart=walmart, erp=erp, webhook_auth="hmac",
                        webhook_header="X-Walmart-Signature")
    integ.set_webhook_secret(KAT_SECRET)
    integ.save()
    return integ


def deliver(client, body, slug="acme", content_type="application/json", **headers):
    """POST a raw body the way Walmart does; headers as {"X-Walmart-Signature": value}."""
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    return client.generic("POST", f"/webhooks/walmart/{slug}/", body, content_type=content_type, **meta)
