"""`AnyOf(F("body_id"), ids)`: a column equal to one of a list of values, as a filter.
On PostgreSQL the list goes as one array parameter (`body_id = ANY(%s)`), elsewhere it
is Django's `IN (%s, %s, ...)`. An area's bodies at national scale are a hundred ids or
more, and psycopg parses a query of over 50 parameters anew each time it is run (its
cache stops there) and adapts each value on its own: some 0.6 ms a query, a few of them
on every page of meetings."""

from __future__ import annotations

from django.db.models.lookups import In


class AnyOf(In):
    """Django's `in` lookup over a list of values, sent to PostgreSQL as one array."""

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():  # a subquery stays one
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # As `in` does: None never matches, and an empty list matches nothing
        # (EmptyResultSet); the values prepared by the column's field.
        _placeholders, values = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(values))
