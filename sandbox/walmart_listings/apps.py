from django.apps import AppConfig


class SandboxWalmartListingsConfig(AppConfig):
    name = "sandbox.walmart_listings"
    label = "sandbox_walmart_listings"
    verbose_name = "Sandbox: walmart items, inventory, prices and feeds"
    default_auto_field = "django.db.models.BigAutoField"
