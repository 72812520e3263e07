"""The systems ml-connector talks to: a plain dict, lazily imported (style rule 2).

Each value names the label shown to users and the package that holds client.py, adapter.py and
config.py for that system. Model choices are derived from this dict; adding a system is one line
here plus a sibling package (CONTRIBUTING.md has the checklist).
"""

from importlib import import_module

SYSTEMS = {
    "walmart": ("Walmart Marketplace", "connectors.walmart"),
    "ifs_cloud": ("IFS Cloud", "connectors.ifs_cloud"),
    "infor_cloudsuite": ("Infor CloudSuite (FSM)", "connectors.infor_cloudsuite"),
    "infor_m3": ("Infor M3", "connectors.infor_m3"),
    "peoplesoft": ("Oracle PeopleSoft", "connectors.peoplesoft"),
    "exact_online": ("Exact Online", "connectors.exact_online"),
}

ERP_SYSTEMS = tuple(key for key in SYSTEMS if key != "walmart")

SYSTEM_CHOICES = [(key, label) for key, (label, _) in SYSTEMS.items()]


def label(system):
    return SYSTEMS[system][0]


def module(system, name):
    """Import `<package>.<name>` for a system, e.g. module("infor_m3", "config")."""
    return import_module(f"{SYSTEMS[system][1]}.{name}")


def config_spec(system):
    """The system's `SPEC` (connectors.config.SystemSpec): typed config, secrets, auth strategy."""
    return module(system, "config").SPEC


def adapter_class(system):
    return module(system, "adapter").Adapter


def adapter(connection):
    """The adapter of a Connection (its system's Adapter, built from it)."""
    return adapter_class(connection.system)(connection)
