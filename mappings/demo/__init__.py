"""Demo mappings: the files in this folder, imported through the ordinary import as the user "demo".

`seed(integration)` is called by `manage.py demo` once per demo integration. It is idempotent: a
second run imports the same files and reports 0 changes. Every run is audited as an import
(`mapping.import.confirmed`, source "demo"), exactly like a person uploading the files.
"""

from pathlib import Path

from django.contrib.auth import get_user_model

from mappings import erp

DIRECTORY = Path(__file__).parent
KIND_ORDER = ("shipnode", "sku", "gl", "customer", "carrier", "supplier")


def demo_user():
    user, created = get_user_model().objects.get_or_create(username="demo", defaults={"is_active": False})
    if created:
        user.set_unusable_password()  # attribution only: nobody logs in as "demo"
        user.save(update_fields=["password"])
    return user


def files_for(system):
    """[(kind, path)]: a per-ERP file (shipnode-ifs_cloud.csv) wins over the generic one."""
    chosen = []
    for kind in KIND_ORDER:
        if kind == "supplier" and system not in erp.SUPPLIER_SYSTEMS:
            continue  # only PeopleSoft matches purchase orders by supplier
        specific = DIRECTORY / f"{kind}-{system}.csv"
        chosen.append((kind, specific if specific.exists() else DIRECTORY / f"{kind}.csv"))
    return chosen


def seed(integration):
    """Import the demo files into `integration`; returns {kind: counts}. Raises if a demo file has errors."""
    from mappings.services import import_file  # models: only once Django is set up

    user = demo_user()
    summary = {}
    for kind, path in files_for(integration.erp_system):
        result = import_file(kind, path.name, path.read_bytes(), user=user, integration=integration, source="demo")
        if result.error_count:
            problems = "; ".join(str(error) for error in result.errors[:5])
            raise RuntimeError(f"Demo file {path.name} does not import into {integration.slug}: {problems}")
        summary[kind] = result.counts
    return summary
