from django.urls import path

from syncs.intake import views

urlpatterns = [
    path("walmart/<slug:slug>/", views.walmart_webhook, name="walmart-webhook"),
    path("walmart/<slug:slug>/token", views.walmart_webhook_token, name="walmart-webhook-token"),
]
