"""`manage.py mappings import|export KIND FILE`: the admin's import and export, from the shell;
`manage.py mappings refresh-unmapped --integration SLUG`: the unmapped report's "Refresh from Walmart".

Exit codes: 0 when the file imported (or, with --dry-run, would import) without error rows;
1 when any row has an error (nothing written, unless --skip-errors, which writes the valid rows
and exits 0); 2 when the file as a whole is refused (size, format, headers). refresh-unmapped
exits 1 when Walmart cannot be read (the report is then unchanged).
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from connectors.errors import ConnectorError
from mappings import exporter, services
from mappings.kinds import KINDS
from mappings.spreadsheet import FileRefused, check_size
from mappings.walmart_catalog import refresh_from_walmart
from syncs.models import Integration

MAX_ERRORS_PRINTED = 200


class Command(BaseCommand):
    help = "Import or export mapping spreadsheets (CSV or XLSX), like the admin does."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import KIND from FILE (upsert by natural key; never deletes).")
        imp.add_argument("kind", choices=sorted(KINDS))
        imp.add_argument("file")
        imp.add_argument("--integration", help="Integration slug; rows may then leave the integration column blank.")
        imp.add_argument("--dry-run", action="store_true", help="Validate and count, write nothing.")
        imp.add_argument("--skip-errors", action="store_true", help="Write the valid rows even if some rows have errors.")
        imp.add_argument("--user", help="Username recorded in the audit trail.")
        exp = sub.add_parser("export", help="Export KIND to FILE (.csv or .xlsx); columns = import columns.")
        exp.add_argument("kind", choices=sorted(KINDS))
        exp.add_argument("file")
        exp.add_argument("--integration", help="Integration slug (default: all integrations).")
        exp.add_argument("--user", help="Username recorded in the audit trail.")
        ref = sub.add_parser("refresh-unmapped", help="Add Walmart's unmapped items and ship nodes to the unmapped "
                                                      "report and suggest ERP items for the SKUs.")
        ref.add_argument("--integration", required=True, help="Integration slug (whose Walmart account to read).")
        ref.add_argument("--user", help="Username recorded in the audit trail.")

    def handle(self, *args, **options):
        integration = self._integration(options.get("integration"))
        user = self._user(options.get("user"))
        if options["action"] == "refresh-unmapped":
            return self._refresh(integration, user)
        if options["action"] == "export":
            return self._export(options["kind"], options["file"], integration, user)
        return self._import(options, integration, user)

    def _integration(self, slug):
        if not slug:
            return None
        try:
            return Integration.objects.select_related("erp").get(slug=slug)
        except Integration.DoesNotExist:
            raise CommandError(f"No integration {slug!r}.") from None

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None

    def _export(self, kind, filename, integration, user):
        try:
            fmt = exporter.format_for(filename)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        data = exporter.export_bytes(kind, fmt, integration)
        Path(filename).write_bytes(data)
        rows = exporter.count_rows(kind, integration)
        services.audit_export(kind, Path(filename).name, rows, user=user, integration=integration, source="cli")
        self.stdout.write(f"Exported {rows} {KINDS[kind].label} to {filename}.")

    def _refresh(self, integration, user):
        try:
            result = refresh_from_walmart(integration, user=user)
        except ConnectorError as exc:
            self.stderr.write(f"Could not read Walmart for {integration.slug}: {exc}. The unmapped report is unchanged.")
            sys.exit(1)
        self.stdout.write(str(result))

    def _import(self, options, integration, user):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {str(path)!r}.")
        try:
            check_size(path.stat().st_size)  # refuse before reading a huge file into memory
            result = services.import_file(
                options["kind"], path.name, path.read_bytes(), user=user, integration=integration,
                dry_run=options["dry_run"], skip_errors=options["skip_errors"],
            )
        except FileRefused as exc:
            self.stderr.write(f"{path.name}: {exc}")
            sys.exit(2)
        for error in result.errors[:MAX_ERRORS_PRINTED]:
            self.stderr.write(str(error))
        if result.error_count > MAX_ERRORS_PRINTED:
            self.stderr.write(f"... and {result.error_count - MAX_ERRORS_PRINTED} more errors.")
        counts = result.counts
        verb = "Would import" if options["dry_run"] else ("Imported" if result.written else "Nothing written")
        self.stdout.write(
            f"{verb}: {counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{counts['errors']} rows with errors ({result.rows} rows read)."
        )
        if result.error_count and not options["skip_errors"]:
            sys.exit(1)
        if result.changed_since_preview:
            self.stderr.write("The mappings changed while importing (another import or an edit); nothing was "
                              "written. Run the import again.")
            sys.exit(1)
