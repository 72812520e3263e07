"""Create a Connection wired to an emulator, with the matching sandbox account (demo and tests).

Each emulator's seed.py calls `connection()` with its system's config and secrets; the demo passes
SITE_URL, tests pass the live server's URL. Idempotent: a second call updates in place.
"""

from django.conf import settings

from connectors.models import Connection


def sandbox_base(system, site_url=None):
    return f"{(site_url or settings.SITE_URL).rstrip('/')}/sandbox/{system}"


def connection(name, system, *, config, secrets, environment="sandbox"):
    conn, _ = Connection.objects.get_or_create(name=name, defaults={"system": system})
    conn.system = system
    conn.environment = environment
    conn.config = config
    conn.set_secrets(**secrets)
    conn.access_token = ""
    conn.token_expires_at = None
    conn.refresh_token = ""
    conn.save()
    return conn
