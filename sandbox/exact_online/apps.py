from django.apps import AppConfig


class SandboxExactOnlineConfig(AppConfig):
    name = "sandbox.exact_online"
    label = "sandbox_exact_online"
    verbose_name = "Sandbox: Exact Online"
    default_auto_field = "django.db.models.BigAutoField"
