"""Validate real HTTP traffic (a `requests` request and its response) against Walmart's OpenAPI
documents with openapi-core.

Usage:
    from tests.contract import openapi
    with openapi.recording() as calls:           # every response our HTTP session receives
        client.iter_orders(...)
    for response in calls:
        openapi.validate(response)               # the document is chosen by path (see DOCUMENTS)
    openapi.validate(response, "orders")         # or name it

The documents name Walmart's host; our requests go to the sandbox (http://host/sandbox/walmart/v3/...),
so the path is matched from "/v3/" on against the document's first server, whatever the host.

The copies under walmart/openapi/ are Walmart's Dec 2022 documents; these patches are applied on
load (see walmart/README.md), so a newer document can replace a copy:
1. `info.version` added where missing, and `name`/`in` dropped from `http` security schemes
   (OpenAPI 3.0 forbids them);
2. GET /v3/orders/{purchaseOrderId} answers with the `GetOrderResponse` schema ({"order": {...}},
   epoch-ms dates), as Walmart's examples and live API do, not the flat `Order` the document names;
3. business calls are secured by the `WM_SEC.ACCESS_TOKEN` header instead of HTTP Basic, and the
   `Authorization: Basic` header parameter is dropped: the newest spec (Dec 2024) no longer lists
   it, and our client does not send it.
"""

import contextlib
import copy
import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from connectors import http

HERE = Path(__file__).resolve().parent
SERVER = "https://marketplace.walmartapis.com"  # the first server of every Walmart document
SPEC_DIR = HERE / "walmart" / "openapi"
# First matching path prefix (after /v3) wins.
DOCUMENTS = (
    ("/v3/token", "auth"),
    ("/v3/orders", "orders"),
    ("/v3/returns", "returns"),
    ("/v3/webhooks", "notifications"),
    ("/v3/feeds", "feeds"),
    ("/v3/inventor", "inventory"),
    ("/v3/price", "price"),
    ("/v3/items", "items"),
    ("/v3/settings", "settings"),
)


def _patch(name, document):
    document = copy.deepcopy(document)
    document.setdefault("info", {}).setdefault("version", "2022-12")
    for scheme in ((document.get("components") or {}).get("securitySchemes") or {}).values():
        if scheme.get("type") == "http":
            scheme.pop("name", None)
            scheme.pop("in", None)
    if name == "orders":
        one = document["paths"]["/v3/orders/{purchaseOrderId}"]["get"]
        one["responses"]["200"]["content"]["application/json"]["schema"] = {
            "$ref": "#/components/schemas/GetOrderResponse"}
    if name != "auth":
        document["components"].setdefault("securitySchemes", {})["accessToken"] = {
            "type": "apiKey", "in": "header", "name": "WM_SEC.ACCESS_TOKEN"}
        document["security"] = [{"accessToken": []}]
        for operations in document["paths"].values():
            for operation in operations.values():
                if isinstance(operation, dict) and "parameters" in operation:
                    operation["parameters"] = [
                        p for p in operation["parameters"]
                        if not (p.get("in") == "header" and p.get("name") == "Authorization")
                    ]
    return document


@lru_cache(maxsize=None)
def document(name):
    """The patched OpenAPI object of walmart/openapi/<name>.json (parsed once per process)."""
    raw = json.loads((SPEC_DIR / f"{name}.json").read_text())
    return OpenAPI.from_dict(_patch(name, raw))


def document_for(path):
    tail = path[path.find("/v3/"):] if "/v3/" in path else path
    for prefix, name in DOCUMENTS:
        if tail.startswith(prefix):
            return name
    raise LookupError(f"no Walmart OpenAPI document for {path}")


class WalmartRequest(RequestsOpenAPIRequest):
    """A sent request, seen as if it had gone to the document's server."""

    def __init__(self, request, server):
        super().__init__(request)
        self._server = urlparse(server)

    @property
    def host_url(self):
        return f"{self._server.scheme}://{self._server.netloc}"

    @property
    def path(self):
        full = self._url_parsed.path
        return full[full.find("/v3/"):]


def validate(response, name=None, *, check_response=True):
    """Raise openapi-core's validation error if the request or (when `check_response`) the response
    breaks the document. `response` is a requests.Response; its `.request` is what was sent."""
    name = name or document_for(urlparse(response.request.url).path)
    spec = document(name)
    request = WalmartRequest(response.request, SERVER)
    spec.validate_request(request)
    if check_response:
        spec.validate_response(request, RequestsOpenAPIResponse(response))


@contextlib.contextmanager
def recording():
    """Collect every response our HTTP session (connectors.http) receives while the block runs."""
    calls = []

    def hook(response, *args, **kwargs):
        calls.append(response)

    hooks = http.session().hooks["response"]
    hooks.append(hook)
    try:
        yield calls
    finally:
        hooks.remove(hook)
