"""Querysets compiled to SQL once per shape and run again with other values (issue 12).

Django compiles a queryset's SQL on every run, and for the page's groups (subqueries for the badge, a UNION of
nine reads) compiling cost more than the database did: about 3 and 8 ms of CPU against well under a
millisecond of SQL. A Prepared query is built once with placeholder values (PLACEHOLDER_IDS, PLACEHOLDER_TEXT),
compiled once, and then run with the real values put in place of the placeholders among its parameters, through
the same compiler (so model instances, select_related and annotations come out as Django's own iteration gives
them). Nothing but parameters changes between runs, so the SQL is exactly what Django wrote.

Kept per thread (a compiler holds its thread's connection), for a given shape: the number of ids, and today's
date (the badge rule's parameter).

A query made with planned_once=True is also planned once by PostgreSQL: it runs on a cursor that sends its values
apart from the SQL (server-side binding), so psycopg prepares it on its first run in a connection and PostgreSQL
keeps its plan (generic: the values do not change which plan is best for one row by a unique key). Planning cost
more than running for a group page's two queries (about 0.8 of 1.0 ms and 0.9 of 1.3 ms at 100,000 groups). Every
other query keeps Django's client-side binding, which never prepares. A deployment whose connection pooler cannot
keep prepared statements (PgBouncer in transaction mode before 1.21) says so as psycopg is told:
DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None (DATABASE_PREPARED_STATEMENTS=False in the
environment), and these queries are then planned on every run too. Used for a group page's two queries and for
result cards' and the JSON's (the groups by id, their many-valued rows)."""

import threading

from django.db import connection as default_connection
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Field, ForeignObject, Lookup
from django.db.models.query import ModelIterable

# Placeholders: ids no table holds, a text no slug can be.
FIRST_PLACEHOLDER_ID = -(2**62)
PLACEHOLDER_TEXT = "\u2063placeholder\u2063"

_local = threading.local()


def placeholder_ids(count):
    return [FIRST_PLACEHOLDER_ID - n for n in range(count)]


# The parameter AnyOf compiles for "the ids given at run time".
PLACEHOLDER_ID_LIST = [FIRST_PLACEHOLDER_ID]


def ids_lookup(name, count):
    """Filter arguments for `name` being one of `count` ids given at run time (Prepared.instances/rows): on
    PostgreSQL one array parameter (AnyOf) for several, elsewhere and for one id IN with a placeholder per id.
    (One id, a group's page: PostgreSQL's generic plan for `= ANY($1)` expects a score of rows from each of query
    2's nine tables and hash-joins the term tables, which doubled the time of reading a group's page.)"""
    if default_connection.vendor == "postgresql" and count > 1:
        return {f"{name}__any_of": PLACEHOLDER_ID_LIST}
    return {f"{name}__in": placeholder_ids(count)}


class AnyOf(Lookup):
    """`column = ANY(%s)`, the values as one array parameter (PostgreSQL). The SQL is then the same for any number
    of ids, so one prepared statement serves every page size, and short enough, with few enough parameters, for
    psycopg's cache of parsed queries (4,096 bytes and 50 parameters: query 2 with a placeholder per id had 192 of
    them, and psycopg parsed its 6 KB of SQL again on every run)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


# On plain fields (a primary key) and on foreign keys, whose lookups are their own.
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)


def _substituted(params, ids, text):
    def value(param):
        if isinstance(param, list) and param == PLACEHOLDER_ID_LIST:
            return list(ids)
        if isinstance(param, int) and not isinstance(param, bool) and param <= FIRST_PLACEHOLDER_ID:
            return ids[FIRST_PLACEHOLDER_ID - param]
        return text if param == PLACEHOLDER_TEXT else param
    return tuple(value(param) for param in params)


class Prepared:
    """A queryset compiled once; run(ids=..., text=...) gives its results with those values instead."""

    def __init__(self, queryset, planned_once=False):
        self.queryset = queryset
        self.compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, self.params = self.compiler.as_sql()
        self.as_int8 = None
        if planned_once and _can_plan_once(self.compiler.connection):
            self.compiler.connection = PlannedOnce(self.compiler.connection)
            from psycopg.types.numeric import Int8  # here: psycopg is only needed on PostgreSQL

            # psycopg sends an int as int2, int4 or int8 by its value, and prepares once per SQL *and types*: ids
            # on either side of 32,768 would make most pages' types new and prepare the statement on every run.
            self.as_int8 = Int8
        # ModelIterable asks the query for a compiler and the compiler for its SQL: both answered from here.
        queryset.query.get_compiler = lambda *args, **kwargs: self.compiler
        self.compiler.as_sql = lambda *args, **kwargs: (self.sql, self.current)
        self.current = self.params
        # And for each column's converters, on every run: the same columns each time, so worked out once (Django
        # asked fifty columns of a group's page for theirs, about a tenth of a millisecond a page).
        self.compiler.get_converters = _once_per_columns(self.compiler.get_converters)

    def instances(self, ids=(), text=None):
        """Model instances, as iterating the queryset would give them."""
        self.current = _substituted(self.params, self._typed(ids), text)
        return list(ModelIterable(self.queryset))

    def values(self, ids=(), text=None):
        """Tuples, as iterating a values_list queryset would give them (each column converted as its field reads
        it, which the plain rows below are not)."""
        self.current = _substituted(self.params, self._typed(ids), text)
        return list(self.queryset._iterable_class(self.queryset))

    def rows(self, ids=(), text=None):
        """Plain rows from the database (for a values_list of plain columns)."""
        with self.compiler.connection.cursor() as cursor:
            cursor.execute(self.sql, _substituted(self.params, self._typed(ids), text))
            return cursor.fetchall()

    def _typed(self, ids):
        return [self.as_int8(pk) for pk in ids] if self.as_int8 else ids


def _once_per_columns(get_converters):
    found = {}

    def converters(expressions):
        key = tuple(map(id, expressions))  # the compiler's own select, the same objects on every run
        if key not in found:
            found[key] = (get_converters(expressions), expressions)  # kept alive with it, so ids are not reused
        return found[key][0]
    return converters


def _can_plan_once(connection):
    """PostgreSQL through psycopg 3, unless the settings say prepared statements cannot be kept."""
    if connection.vendor != "postgresql" or "prepare_threshold" in connection.settings_dict["OPTIONS"]:
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3  # here: psycopg is only needed on PostgreSQL

    return is_psycopg3


class PlannedOnce:
    """A database connection (django.db.backends.postgresql's DatabaseWrapper) whose cursors bind values on the
    server, so that psycopg prepares each query they run (everything else is the connection's own)."""

    def __init__(self, connection):
        self._connection = connection

    def __getattr__(self, name):
        return getattr(self._connection, name)

    def cursor(self):
        from django.db.backends.postgresql.base import ServerBindingCursor  # here: as above

        connection = self._connection
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        raw = connection.connection
        # Prepared from the first run (psycopg prepares nothing while its threshold is None, Django's default; the
        # threshold matters only to server-binding cursors, and only these are).
        if raw.prepare_threshold is None:
            raw.prepare_threshold = 0
        # The connection's own cursor, with the timezone loader Django sets, of the server-binding kind.
        client_cursors = raw.cursor_factory
        raw.cursor_factory = ServerBindingCursor
        try:
            with connection.wrap_database_errors:
                cursor = connection._prepare_cursor(connection.create_cursor())
        finally:
            raw.cursor_factory = client_cursors
        if isinstance(cursor, CursorDebugWrapper):
            cursor.db = _ShowingSql(connection)
        return cursor


class _ShowingSql:
    """The connection as a debug cursor (tests, DEBUG) sees it: Django's last_executed_query reads the SQL back from a
    client-binding cursor and gets None from a server-binding one, so queries logged in tests and assertNumQueries
    messages would read None; the SQL is composed from its values instead, as Django does with server binding."""

    def __init__(self, connection):
        self._connection = connection

    def __getattr__(self, name):
        return getattr(self._connection, name)

    @property
    def ops(self):
        return _ComposingOps(self._connection.ops)


class _ComposingOps:
    def __init__(self, ops):
        self._ops = ops

    def __getattr__(self, name):
        return getattr(self._ops, name)

    def last_executed_query(self, cursor, sql, params):
        return self._ops.compose_sql(sql, params)


def prepared(key, build, *, planned_once=False):
    """The Prepared query for `key` in this thread, built by build() the first time it is asked for (planned once
    by PostgreSQL with planned_once: see the module's notes)."""
    cache = getattr(_local, "queries", None)
    if cache is None:
        cache = _local.queries = {}
    if key not in cache:
        if len(cache) > 500:  # days go by (today is in the keys): never grow without bound
            cache.clear()
        cache[key] = Prepared(build(), planned_once)
    return cache[key]
