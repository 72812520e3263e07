"""GET /healthz: 200 when the database, the broker and a fresh worker heartbeat are all fine, else 503 with reasons."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from syncs import tasks
from syncs.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def get(client):
    response = client.get("/healthz")
    return response, response.json()


def test_it_is_200_with_database_broker_and_a_fresh_heartbeat(client):
    tasks.heartbeat()  # what the worker's every-minute schedule runs

    response, body = get(client)

    assert response.status_code == 200
    assert set(body) >= {"ok", "database", "broker", "worker"}
    assert body["ok"] is True
    assert body["database"]["ok"] is True
    assert body["broker"] == {**body["broker"], "ok": True, "kind": "redis" if settings.REDIS_URL else "orm"}
    assert body["worker"]["ok"] is True
    assert body["worker"]["cluster"] == settings.Q_CLUSTER["name"]
    assert body["worker"]["age_seconds"] <= 5


def test_it_is_503_when_no_worker_has_reported(client):
    response, body = get(client)

    assert response.status_code == 503
    assert body["ok"] is False
    assert body["database"]["ok"] is True and body["broker"]["ok"] is True
    assert body["worker"] == {"ok": False, "last_heartbeat": None, "reason": "no worker has reported yet"}


def test_it_is_503_when_the_heartbeat_is_stale(client, settings):
    settings.HEARTBEAT_MAX_AGE = 120
    WorkerHeartbeat.objects.create(cluster="ml-connector", beat_at=timezone.now() - timedelta(seconds=125))

    response, body = get(client)

    assert response.status_code == 503
    assert body["ok"] is False
    assert body["worker"]["ok"] is False
    assert body["worker"]["age_seconds"] >= 125
    assert "(limit 120 s)" in body["worker"]["reason"]


def test_a_heartbeat_within_the_limit_counts_as_fresh(client, settings):
    settings.HEARTBEAT_MAX_AGE = 120
    WorkerHeartbeat.objects.create(cluster="ml-connector", beat_at=timezone.now() - timedelta(seconds=100))

    response, body = get(client)

    assert response.status_code == 200, body


def test_the_newest_heartbeat_of_several_clusters_decides(client):
    WorkerHeartbeat.objects.create(cluster="old-cluster", beat_at=timezone.now() - timedelta(days=1))
    tasks.heartbeat()

    response, body = get(client)

    assert response.status_code == 200
    assert body["worker"]["cluster"] == settings.Q_CLUSTER["name"]


def test_it_answers_plain_http_probes_behind_ssl_redirect_and_is_never_cached(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    tasks.heartbeat()

    response, _ = get(client)

    assert response.status_code == 200  # a load balancer probing over HTTP is not redirected
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert client.get("/admin/login/").status_code == 301  # while everything else is
