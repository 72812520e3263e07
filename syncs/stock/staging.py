"""Bulk-load what the ERP reported into a staging table, so the delta against the state tables is
one set-based query instead of a round trip per SKU.

The table is a TEMP table of the database connection (SQLite and PostgreSQL alike): private to the
run that fills it, never written to the journal of the real tables, gone with the connection (or
with a dry run's rolled-back transaction). PostgreSQL takes the rows by COPY, SQLite by one
executemany (Decimals go as text, Django's SQLite adapter). Never filled across an ERP call: the
ERP is read first, then staged in one statement per warehouse.
"""

from django.db import connection

TABLE = "ml_stage_levels"
COLUMNS = ("erp_item", "warehouse", "value", "raw", "currency", "cost")


def prepare():
    """An empty staging table on this connection."""
    with connection.cursor() as cursor:
        cursor.execute(f"""CREATE TEMP TABLE IF NOT EXISTS {TABLE} (
            erp_item VARCHAR(50) NOT NULL, warehouse VARCHAR(50) NOT NULL, value NUMERIC(20, 6) NULL,
            raw VARCHAR(100) NOT NULL, currency VARCHAR(3) NOT NULL, cost NUMERIC(20, 6) NULL)""")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_idx ON {TABLE} (erp_item, warehouse)")
        cursor.execute(f"DELETE FROM {TABLE}")


def load(rows):
    """rows: (erp_item, warehouse, value, raw, currency, cost) tuples. Returns the count."""
    if not rows:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({marks})", rows)
    return len(rows)


def analyze():
    """PostgreSQL never analyzes TEMP tables by itself: without statistics it plans the delta's joins
    as nested loops over a table it believes empty (minutes at 100,000 items instead of a second)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")


def analyze_after_insert(table, inserted):
    """After a first run put many new lines in a state table, PostgreSQL's statistics (refreshed by
    autovacuum, later) still describe it as nearly empty: refresh them before the delta is planned."""
    if connection.vendor == "postgresql" and inserted > 1000:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")


def clear():
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")


def floor_int(expression):
    """SQL for the whole units in a non-negative number (SQLite's CAST truncates; PostgreSQL's rounds).
    The small epsilon keeps SQLite's floating point from turning 3.0 into 2.999... and then 2."""
    if connection.vendor == "postgresql":
        return f"FLOOR({expression})"
    return f"CAST(({expression}) + 0.0000001 AS INTEGER)"


def differs(a, b):
    """SQL for "a and b differ", NULLs included (an UPDATE that rewrites equal values still writes)."""
    if connection.vendor == "postgresql":
        return f"({a} IS DISTINCT FROM {b})"
    return f"({a} IS NOT {b})"
