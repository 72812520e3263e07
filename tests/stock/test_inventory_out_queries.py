"""inventory_out makes the same number of SQL queries at 10,000 SKUs as at 1,000 (bulk ERP reads,
staging in one statement per warehouse, the delta in set-based SQL, lines streamed into feeds).

Each HTTP call costs its own bookkeeping (an audit row, the shared rate limiter), so both sizes are
read in one ERP page per site here: what is compared is the flow's own SQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from syncs.models import InventoryState
from syncs.stock import bench, inventory_out


def queries_of_a_run(base, skus):
    integration, items, realm = bench._setup(base, skus, f"q{skus}", page_size=20_000)
    inventory_out.run(integration)
    bench._accept_everything(InventoryState, integration)
    bench._change_stock(items[: skus // 20], realm)
    with CaptureQueriesContext(connection) as captured:
        counts = inventory_out.run(integration)
    assert counts["lines"] == skus // 20 * len(bench.SITES) and counts["feeds"] == 1
    return len(captured.captured_queries)


@pytest.mark.slow
def test_same_queries_at_ten_thousand_skus_as_at_one_thousand(sandbox):
    assert queries_of_a_run(sandbox, 1_000) == queries_of_a_run(sandbox, 10_000)
