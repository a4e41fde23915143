"""Hypothesis strategies for OQL expressions built with :class:`resync_core.oql.Field`."""

from __future__ import annotations

from datetime import UTC

from hypothesis import strategies as st

from resync_core.oql import Field

names = st.from_regex(r"[a-z][A-Za-z0-9_]{0,6}(\.[a-z][A-Za-z0-9_]{0,6}){0,2}", fullmatch=True)
fields = names.filter(
    lambda n: (
        n.upper()
        not in {
            "AND",
            "OR",
            "NOT",
            "IN",
            "LIKE",
            "ORDER",
            "BY",
            "ASC",
            "DESC",
            "TRUE",
            "FALSE",
            "NULL",
        }
    )
)
scalars = st.one_of(
    st.text(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.datetimes(timezones=st.just(UTC)),
    st.uuids(),
)


def comparisons() -> st.SearchStrategy:
    field = fields.map(Field)
    return st.one_of(
        st.builds(lambda f, v: f == v, field, scalars),
        st.builds(lambda f, v: f != v, field, scalars),
        st.builds(lambda f, v: f < v, field, scalars),
        st.builds(lambda f, v: f >= v, field, scalars),
        st.builds(lambda f, vs: f.in_(vs), field, st.lists(scalars, max_size=4)),
        st.builds(lambda f, vs: f.not_in(vs), field, st.lists(scalars, max_size=4)),
        st.builds(lambda f, p: f.like(p), field, st.text()),
        st.builds(lambda f, p: f.not_like(p), field, st.text()),
    )


expressions = st.recursive(
    comparisons(),
    lambda inner: st.one_of(
        st.builds(lambda a, b: a & b, inner, inner), st.builds(lambda a, b: a | b, inner, inner)
    ),
    max_leaves=8,
)
