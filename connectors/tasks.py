"""Scheduled work of the connectors app."""

from connectors.models import Connection


def keep_tokens_alive():
    """Keep idle connections' refresh tokens alive (Exact: an unused refresh token dies after ~30 days).

    Each system's strategy decides whether a connection needs it (`keep_alive(connection)`).
    """
    done = 0
    for connection in Connection.objects.all():  # encrypted columns cannot be filtered on
        strategy = connection.spec.auth
        keep_alive = getattr(strategy, "keep_alive", None)
        if keep_alive is not None and keep_alive(connection):
            done += 1
    return done
