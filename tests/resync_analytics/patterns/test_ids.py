from __future__ import annotations

from resync_analytics.patterns.ids import pattern_id


def test_same_template_gets_same_short_id() -> None:
    template = "cp: cannot stat <*>: No such file or directory"
    assert pattern_id(template) == pattern_id(template)
    assert len(pattern_id(template)) == 16
    assert pattern_id(template) != pattern_id(template + " ")


def test_pattern_id_is_the_sha1_prefix_stored_ids_were_made_with() -> None:
    # Stored ids were computed with this rule; a new rule would orphan them.
    assert pattern_id("abc") == "a9993e364706816a"
