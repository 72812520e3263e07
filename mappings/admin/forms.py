"""Forms of the import pages."""

from django import forms

from mappings.spreadsheet import human_size, max_bytes
from syncs.models import Integration


class UploadForm(forms.Form):
    file = forms.FileField(help_text="CSV (UTF-8, comma or semicolon) or XLSX. Row 1 is the header.")
    integration = forms.ModelChoiceField(
        Integration.objects.all(), required=False,
        help_text="Import into this integration; rows may then leave the integration column blank.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_bytes()
        # Checked on the declared size, before the content is read or parsed.
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {human_size(upload.size)}; the limit is {human_size(limit)}. Split it into several files."
            )
        return upload
