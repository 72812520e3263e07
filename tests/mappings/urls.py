"""Only the admin: keeps these tests independent of URL patterns other apps are still writing."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
