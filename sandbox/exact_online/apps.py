from django.apps import AppConfig


class SandboxExactOnlineConfig(AppConfig):
    name = "sandbox.exact_online"
    label = "sandbox_exact_online"
    verbose_name = "Sandbox: exact_online"
    default_auto_field = "django.db.models.BigAutoField"
