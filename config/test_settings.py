"""Settings for the test suite: the production settings module with a fixed test key and the sandbox on.

Tests run against whatever DATABASE_URL / REDIS_URL the environment gives (CI runs both backends).
"""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-" + "k" * 30)
# Two keys: the first encrypts, the second proves rotation works (tests/connectors/test_rekey.py).
os.environ.setdefault("FERNET_KEYS", "test-fernet-key-one,test-fernet-key-two")
os.environ.setdefault("SANDBOX_ENABLED", "true")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("ALLOWED_HOSTS", "*")
os.environ.setdefault("DATA_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))

from config.settings import *  # noqa: E402,F403
from config.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Live-server threads would keep PostgreSQL connections open and block dropping the test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Tests drive tasks by calling them; the cluster is started only by the multi-process tests.
Q_CLUSTER = {**Q_CLUSTER, "sync": False}  # noqa: F405

# A file, not memory, for the SQLite test database: threads and the live server then use separate
# connections, so lease and claim races are real (an in-memory database is one shared connection).
if IS_SQLITE:  # noqa: F405
    # One file per test process, so runs side by side do not share a database (Django deletes it after).
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
