"""sandbox.exact_online.levels: stock and prices set as staff would in Exact, single and in bulk, served by
the emulator's ItemWarehouses and Items exactly as set."""

from decimal import Decimal

import pytest
import requests

from sandbox import credentials
from sandbox.exact_online import data, levels, oauth
from sandbox.exact_online.api import DEFAULT_DIVISION
from sandbox.exact_online.seed import provision_connection


@pytest.fixture
def api(sandbox):
    conn = provision_connection("exact-levels", sandbox)
    account = credentials.find_account("exact_online", conn.typed_config.client_id)
    access = oauth.issue_tokens(account)["access_token"]

    def get(path, **params):
        answer = requests.get(f"{conn.typed_config.api_base()}/v1/{DEFAULT_DIVISION}/{path}", params=params, timeout=10,
                              headers={"Authorization": f"Bearer {access}"})
        assert answer.status_code == 200, answer.text
        return answer.json()["d"]["results"]

    return get


def stock(get, item, warehouse):
    rows = get("inventory/ItemWarehouses", **{"$select": "ItemCode,CurrentStock",
                                             "$filter": f"ItemCode eq '{item}' and WarehouseCode eq '{warehouse}'"})
    return rows[0]["CurrentStock"] if rows else None


def test_set_stock_answers_old_and_new_and_the_division_serves_it(api):
    before = data.catalog_stock()[("ITM00001", "DAL")][0]
    assert levels.set_stock("ITM00001", "DAL", 17) == (before, Decimal(17))
    assert levels.set_stock("ITM00001", "DAL", "3.5") == (Decimal(17), Decimal("3.5"))
    assert stock(api, "ITM00001", "DAL") == 3.5
    # An item the catalog lacks becomes an item of the division, with stock and a GUID.
    assert levels.set_stock("NEWITEM", "DAL", 5) == (None, Decimal(5))
    assert stock(api, "NEWITEM", "DAL") == 5
    assert api("logistics/Items", **{"$select": "ID,Code", "$filter": "Code eq 'NEWITEM'"}) == [
        {"ID": data.guid("item", "NEWITEM"), "Code": "NEWITEM"}]


def test_set_stock_refuses_an_unknown_warehouse():
    with pytest.raises(ValueError, match="no warehouse 'XYZ'"):
        levels.set_stock("ITM00001", "XYZ", 1)


def test_set_price_by_amount_or_percentage(api):
    catalog = next(item for item in data.items() if item["Code"] == "ITM00002")["StandardSalesPrice"]
    assert levels.set_price("ITM00002", price="20") == (catalog, Decimal("20.00"))
    assert levels.set_price("ITM00002", change_percent=-25) == (Decimal("20.00"), Decimal("15.00"))
    row = api("logistics/Items", **{"$select": "Code,StandardSalesPrice", "$filter": "Code eq 'ITM00002'"})
    assert row == [{"Code": "ITM00002", "StandardSalesPrice": 15}]
    with pytest.raises(ValueError, match="either a price or a change_percent"):
        levels.set_price("ITM00002")
    with pytest.raises(ValueError, match="currency is USD"):
        levels.set_price("ITM00002", price=1, currency="EUR")
    with pytest.raises(ValueError, match="no price to change"):
        levels.set_price("NOSUCH", change_percent=5)


def test_bulk_levels_replace_earlier_ones(api):
    assert levels.bulk_stock([("B1", "DAL", 1), ("B2", "DAL", 2), ("B1", "RNO", 3)]) == 3
    assert levels.bulk_stock([("B1", "DAL", 10)]) == 1
    assert [stock(api, "B1", "DAL"), stock(api, "B2", "DAL"), stock(api, "B1", "RNO")] == [10, 2, 3]
    assert levels.bulk_prices([("B1", "9.999"), ("B2", 5, 2)]) == 2
    assert levels.bulk_prices([("B1", 7)]) == 1
    rows = api("logistics/Items", **{"$select": "Code,StandardSalesPrice,CostPriceStandard",
                                     "$filter": "Code eq 'B1' or Code eq 'B2'"})
    assert sorted(rows, key=lambda r: r["Code"]) == [
        {"Code": "B1", "StandardSalesPrice": 7, "CostPriceStandard": 0},
        {"Code": "B2", "StandardSalesPrice": 5, "CostPriceStandard": 2}]


def test_a_processed_stock_count_overrides_a_level_set_before_it(sandbox):
    from datetime import datetime, timezone as dt_timezone

    from connectors.contract import StockCountLine, StockCountPosting
    from connectors.exact_online.adapter import Adapter

    conn = provision_connection("exact-levels-count", sandbox)
    levels.set_stock("ITM00001", "DAL", 50)
    Adapter(conn).post_stock_count(StockCountPosting("R1", "DAL", datetime(2026, 1, 1, tzinfo=dt_timezone.utc),
                                                     (StockCountLine("ITM00001", Decimal(8)),)))
    assert Adapter(conn).stock_levels(["ITM00001"], "DAL")[0].available == Decimal(8)
    levels.set_stock("ITM00001", "DAL", 9)  # the latest change wins, as in Exact
    assert Adapter(conn).stock_levels(["ITM00001"], "DAL")[0].available == Decimal(9)
