"""The demo, as the shipment tests use it."""

from tests.shipments.conftest import demo  # noqa: F401
