"""Connections in the admin: secrets are write-only (never rendered back), "Test connection" pings."""


from django import forms
from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from pydantic import ValidationError

from connectors import ping as ping_mod
from connectors import registry
from connectors.models import Connection, RateLimitBucket

SECRET_PREFIX = "secret__"


class ConnectionForm(forms.ModelForm):
    credentials_file = forms.FileField(required=False, help_text="Upload the vendor's credentials file, or paste it below.")
    credentials_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                       label="Credentials file contents")

    class Meta:
        model = Connection
        fields = ["name", "system", "environment", "config"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        system = self.data.get("system") or (self.instance.system if self.instance.pk else None)
        self.spec = registry.config_spec(system) if system in registry.SYSTEMS else None
        stored = self.instance.get_secrets() if self.instance.pk else {}
        if self.spec is not None:
            for secret in self.spec.secrets:
                have = bool(stored.get(secret.name))
                self.fields[SECRET_PREFIX + secret.name] = forms.CharField(
                    label=secret.label, required=False,
                    # render_value=False: a stored secret is never sent back to the browser.
                    widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                    help_text=("A value is stored; leave blank to keep it. " if have else "Not set. ") + secret.help,
                )
            if self.spec.read_credentials_file is None:
                del self.fields["credentials_file"], self.fields["credentials_text"]
            else:
                self.fields["credentials_file"].label = self.spec.credentials_file_label or "Credentials file"
        else:
            del self.fields["credentials_file"], self.fields["credentials_text"]

    def clean(self):
        cleaned = super().clean()
        if self.spec is None or not self.instance.pk:
            # Adding: only name, system and environment; config and secrets come on the next page.
            return cleaned
        config = dict(cleaned.get("config") or {})
        self.new_secrets = {}
        upload = cleaned.get("credentials_file")
        text = upload.read().decode("utf-8-sig", errors="replace") if upload else (cleaned.get("credentials_text") or "")
        if text.strip():
            try:
                updates, file_secrets = self.spec.read_credentials_file(text)
            except ValueError as exc:
                raise forms.ValidationError(f"{self.spec.credentials_file_label or 'Credentials file'}: {exc}")
            config.update(updates)
            self.new_secrets.update(file_secrets)
        for secret in self.spec.secrets:
            value = cleaned.get(SECRET_PREFIX + secret.name)
            if value:
                self.new_secrets[secret.name] = value
        try:
            self.spec.config_model.model_validate(config)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'config'}: {e['msg']}" for e in exc.errors())
            raise forms.ValidationError(f"Configuration for {registry.label(self.spec.system)} is not valid: {problems}")
        cleaned["config"] = config
        missing = [s.label for s in self.spec.secrets
                   if s.required and not self.new_secrets.get(s.name) and not self.instance.secret(s.name)]
        if missing:
            raise forms.ValidationError(f"Required secrets are missing: {', '.join(missing)}")
        return cleaned

    def save(self, commit=True):
        instance = super().save(commit=False)
        instance.config = self.cleaned_data.get("config") or {}
        if getattr(self, "new_secrets", None):
            instance.set_secrets(**self.new_secrets)
            # New credentials: the cached token belongs to the old ones.
            instance.access_token = ""
            instance.token_expires_at = None
        if commit:
            instance.save()
        return instance


@admin.action(description="Test connection (authenticate and make one cheap read)")
def test_connection(modeladmin, request, queryset):
    for connection in queryset:
        result = ping_mod.ping(connection, user=request.user)
        level = messages.SUCCESS if result.ok else messages.ERROR
        modeladmin.message_user(request, f"Test of {connection.name}: {result.summary}", level)


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    form = ConnectionForm
    list_display = ["name", "system", "environment", "auth_badge", "ping_badge", "last_ping_at", "token_expires_at"]
    list_filter = ["system", "environment", "auth_state", "last_ping_ok"]
    search_fields = ["name"]
    actions = [test_connection]
    readonly_fields = ["auth_state", "auth_message", "token_expires_at", "token_fetches", "last_ping_at",
                       "last_ping_ok", "last_ping_message", "connect_link"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["name", "system", "environment"],
                            "description": "Save to continue with the system's settings and secrets."})]
        form_fields = list(self.get_form(request, obj)(instance=obj).fields)
        secrets = [f for f in form_fields if f.startswith(SECRET_PREFIX)]
        upload = [f for f in ("credentials_file", "credentials_text") if f in form_fields]
        sets = [(None, {"fields": ["name", "system", "environment", "config"]})]
        if upload:
            sets.append(("Credentials file", {"fields": upload}))
        if secrets:
            sets.append(("Secrets (write-only)", {"fields": secrets}))
        if obj is not None:
            sets.append(("Status", {"fields": self.readonly_fields}))
        return sets

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Secret fields depend on the system and are added in the form's __init__; take them from a probe.
        kwargs["fields"] = ["name", "system", "environment"] if obj is None else None
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        probe = form(instance=obj)
        form.base_fields = {**form.base_fields, **{k: v for k, v in probe.fields.items() if k not in form.base_fields}}
        return form

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def response_add(self, request, obj, post_url_continue=None):
        # Always continue to the change page: that is where config and secrets are entered.
        if "_addanother" not in request.POST and "_popup" not in request.POST:
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description="Auth", ordering="auth_state")
    def auth_badge(self, obj):
        colour = {"ok": "green", "broken": "#b00", "consent_lost": "#b00"}.get(obj.auth_state, "#666")
        return format_html('<span style="color:{}">{}</span>', colour, obj.get_auth_state_display())

    @admin.display(description="Last ping", ordering="last_ping_ok")
    def ping_badge(self, obj):
        if obj.last_ping_ok is None:
            return "—"
        return format_html('<span style="color:{}" title="{}">{}</span>',
                           "green" if obj.last_ping_ok else "#b00", obj.last_ping_message,
                           "OK" if obj.last_ping_ok else "Failed")

    @admin.display(description="Interactive authorization")
    def connect_link(self, obj):
        view = obj.spec.connect_view
        if not view:
            return "Not needed for this system."
        try:
            url = reverse(view, args=[obj.pk])
        except NoReverseMatch:
            return "—"
        label = f"Connect to {obj.system_label}" if obj.auth_state != "ok" else f"Reconnect to {obj.system_label}"
        return format_html('<a class="button" href="{}">{}</a>', url, label)


@admin.register(RateLimitBucket)
class RateLimitBucketAdmin(admin.ModelAdmin):
    list_display = ["connection", "key", "tokens", "capacity", "refill_per_second", "blocked_until", "throttled",
                    "waited_seconds"]
    list_filter = ["connection"]

    def has_add_permission(self, request):
        return False


