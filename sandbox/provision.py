"""Create a Connection wired to an emulator, with the matching sandbox account (demo and tests).

Each emulator's seed.py calls `connection()` with its system's config and secrets; the demo passes
SITE_URL, tests pass the live server's URL. Idempotent: a second call updates in place.
"""

from django.conf import settings

from connectors.models import Connection


def sandbox_base(system, site_url=None):
    return f"{(site_url or settings.SITE_URL).rstrip('/')}/sandbox/{system}"


def connection(name, system, *, config, secrets, environment="sandbox"):
    """Create the connection, or bring it to these settings. Its cached tokens are dropped only when
    something changed, so a second identical call (a second `manage.py demo`) changes nothing."""
    conn, created = Connection.objects.get_or_create(name=name, defaults={"system": system})
    # Keys the connection learned later (Exact's division after consent) do not count as a change.
    same = (not created and conn.system == system and conn.environment == environment
            and all(conn.config.get(key) == value for key, value in config.items())
            and all(conn.secret(key) == value for key, value in secrets.items()))
    if same:
        return conn
    conn.system = system
    conn.environment = environment
    conn.config = config
    conn.set_secrets(**secrets)
    conn.access_token = ""
    conn.token_expires_at = None
    conn.refresh_token = ""
    conn.save()
    return conn
