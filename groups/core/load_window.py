"""Loading many rows at once on PostgreSQL without per-row foreign-key checks or index upkeep (generate_groups)."""

from contextlib import contextmanager

from django.db import connection

# PostgreSQL catalogue queries for checks_and_indexes_set_aside(): the foreign keys pointing at the given tables,
# and the plain (non-unique, constraint-free) indexes of the given tables, each with the SQL that recreates it.
_FOREIGN_KEYS_SQL = """
    SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint
    WHERE contype = 'f' AND confrelid = ANY(%s::regclass[]) ORDER BY conrelid::regclass::text, conname
"""
_PLAIN_INDEXES_SQL = """
    SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
    WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique AND NOT indisprimary AND indisvalid
      AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)
    ORDER BY indexrelid::regclass::text
"""


@contextmanager
def checks_and_indexes_set_aside(written, referenced):
    """PostgreSQL, inside a transaction: a big load without per-row foreign-key checks or index upkeep.

    Drops the foreign keys pointing at the `referenced` models' tables and the plain indexes of the `written`
    models' tables, and recreates each, under the same name and definition, when the block ends. The foreign
    keys are deferred: each row written or deleted queues a check that runs at commit, one index probe per row
    and key (about 3 million for 100,000 groups, their links and the rows --clear deletes), where adding the
    key back checks every row in one join. An index built once after the load is cheaper than one kept up
    row by row (the GIN index of the search vectors most of all). Unique indexes and primary keys stay, so
    the load is still refused as it would be without this. Safe because PostgreSQL's DDL is transactional:
    on any error the transaction rolls back with the keys and indexes as they were; the price is that the
    tables are locked (ACCESS EXCLUSIVE) until commit, so nothing reads them meanwhile. Does nothing elsewhere.
    """
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("checks_and_indexes_set_aside() needs a transaction (transaction.atomic()).")
    tables = {name: [model._meta.db_table for model in models] for name, models in
              (("written", written), ("referenced", referenced))}
    with connection.cursor() as cursor:
        cursor.execute(_FOREIGN_KEYS_SQL, [tables["referenced"]])
        keys = cursor.fetchall()
        cursor.execute(_PLAIN_INDEXES_SQL, [tables["written"]])
        indexes = cursor.fetchall()
        # The keys left (to the users, say: their columns are empty here) are checked as each statement ends
        # rather than at commit, for the rest of the transaction: an index is not built, nor a key added, on a
        # table with checks still pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        # Building an index sorts in memory up to this much (64MB by default); for this transaction only.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def delete_matching(cursor, table, column, ids_table):
    """PostgreSQL: delete the rows of `table` whose `column` is among the ids in `ids_table` (a table of one
    column); returns how many. Where those are most of the rows and nothing else points at the table (inside
    checks_and_indexes_set_aside, the keys to the groups are set aside), the rows kept are copied aside and
    put back after a TRUNCATE: a DELETE leaves every row it removes in the table until a VACUUM, and the
    indexes rebuilt after a load (and every scan until then) read them all again. Transactional like the
    rest: a rollback brings every row back.
    """
    quote = connection.ops.quote_name
    table, match = quote(table), f"{quote(column)} IN (SELECT * FROM {ids_table})"
    cursor.execute(f"SELECT count(*) FILTER (WHERE {match}), count(*) FROM {table}")
    matching, total = cursor.fetchone()
    if not matching:
        return 0
    cursor.execute(_POINTED_AT_SQL, [table])
    if total - matching > matching or cursor.fetchone():
        cursor.execute(f"DELETE FROM {table} WHERE {match}")
        return cursor.rowcount
    cursor.execute(f"CREATE TEMPORARY TABLE kept ON COMMIT DROP AS SELECT * FROM {table} "
                   f"WHERE {quote(column)} IS NULL OR NOT ({match})")
    cursor.execute(f"TRUNCATE {table}")
    cursor.execute(f"INSERT INTO {table} SELECT * FROM kept")
    cursor.execute("DROP TABLE kept")
    return matching


_POINTED_AT_SQL = (
    "SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = %s::regclass AND conrelid <> confrelid"
)
