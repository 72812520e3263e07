"""The connector's notion of "now". One function, so tests can move time (monkeypatch `now`)."""

from django.utils import timezone


def now():
    return timezone.now()
