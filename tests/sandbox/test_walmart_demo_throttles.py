"""The demo seller carries production-like feed throttles (not Walmart's sandbox limits), also when
its account was made by an older demo run."""

from sandbox import credentials
from sandbox.walmart import seed
from sandbox.walmart_listings import profile
from sandbox.walmart_listings.profile import MB, FeedThrottle


def test_rerunning_demo_gives_an_existing_account_production_throttles(db):
    # As an older `manage.py demo` left it: only the inventory feeds were raised.
    conn = seed.provision_connection(seed.DEMO_NAME, "http://127.0.0.1:8000",
                                     feed_throttles={"MP_INVENTORY": {"count": 50, "file_size": 5 * MB}}, keep="me")
    account = credentials.find_account("walmart", conn.typed_config.client_id)
    assert profile.feed_throttle(account, "MP_ITEM").file_size == 100 * 1024  # the sandbox default

    seed.seed_demo()
    account.refresh_from_db()
    assert profile.feed_throttle(account, "MP_INVENTORY") == FeedThrottle(50, 3600, 5 * MB)
    assert profile.feed_throttle(account, "inventory") == FeedThrottle(50, 3600, 5 * MB)
    assert profile.feed_throttle(account, "PRICE_AND_PROMOTION") == FeedThrottle(10, 3600, 10 * MB)
    assert profile.feed_throttle(account, "price") == FeedThrottle(10, 3600, 10 * MB)
    assert profile.feed_throttle(account, "MP_ITEM") == FeedThrottle(10, 3600, 25 * MB)
    assert account.settings["keep"] == "me"

    settings = account.settings
    seed.seed_demo()
    account.refresh_from_db()
    assert account.settings == settings
