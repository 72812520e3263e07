"""Bulk-load what the ERP reported into LevelStaging, so the delta against the state tables is one
set-based query instead of a round trip per SKU. PostgreSQL takes the rows by COPY, SQLite by one
executemany per page; both in a short transaction of their own (never across an ERP call)."""

from django.db import connection, transaction

from syncs.models import LevelStaging

TABLE = LevelStaging._meta.db_table
COLUMNS = ("run", "erp_item", "warehouse", "value", "raw", "currency", "cost")


def load(run, rows):
    """rows: (erp_item, warehouse, value, raw, currency, cost) tuples of one page. Returns the count."""
    rows = [(run, *row) for row in rows]
    if not rows:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({marks})",
                               [tuple(None if v is None else (str(v) if i in (3, 6) else v) for i, v in enumerate(row))
                                for row in rows])
    return len(rows)


def clear(run):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE run = %s", [run])


def floor_int(expression):
    """SQL for the whole units in a non-negative number (SQLite's CAST truncates; PostgreSQL's rounds).
    The small epsilon keeps SQLite's floating point from turning 3.0 into 2.999... and then 2."""
    if connection.vendor == "postgresql":
        return f"FLOOR({expression})"
    return f"CAST(({expression}) + 0.0000001 AS INTEGER)"
