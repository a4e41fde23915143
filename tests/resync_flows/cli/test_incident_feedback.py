"""``resync-flows incident feedback``: a fixed, documented set of verdicts."""

from __future__ import annotations

from typer.testing import CliRunner

from resync_flows.cli import app

runner = CliRunner()


def open_incident(store) -> int:
    with store.connection() as conn:
        row = conn.execute(
            "INSERT INTO incidents (fingerprint, category, root_cause, confidence)"
            " VALUES ('database:ora-00942', 'database', 'Missing table', 0.9) RETURNING id"
        ).fetchone()
    return row["id"]


def feedback(database_url: str, incident_id: int, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app,
        ["incident", "feedback", str(incident_id), *args, "--database-url", database_url],
    )


def test_an_unknown_verdict_is_refused_with_the_accepted_ones(database_url, store) -> None:
    incident_id = open_incident(store)
    result = feedback(database_url, incident_id, "--verdict", "meh")
    assert result.exit_code == 2
    assert "unknown verdict" in result.output and "not_helpful" in result.output
    with store.connection() as conn:
        assert conn.execute("SELECT count(*) AS n FROM feedback").fetchone()["n"] == 0


def test_known_verdicts_are_stored_in_their_canonical_spelling(database_url, store) -> None:
    incident_id = open_incident(store)
    for given in ("Not-Helpful", "resolved", "wrong"):
        result = feedback(database_url, incident_id, "--verdict", given, "--keep-open")
        assert result.exit_code == 0, result.output
    with store.connection() as conn:
        verdicts = [r["verdict"] for r in conn.execute("SELECT verdict FROM feedback ORDER BY id")]
    assert verdicts == ["not_helpful", "resolved", "wrong"]
