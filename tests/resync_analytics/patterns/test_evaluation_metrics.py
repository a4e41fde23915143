"""GA, FGA and PA on hand-made labellings whose scores are worked out by hand."""

import pytest

from resync_analytics.patterns.evaluation import (
    group_f1,
    grouping_accuracy,
    normalise_template,
    parsing_accuracy,
)

# Truth: A = {0, 1}, B = {2, 3, 4}, C = {5}.
TRUTH = ["A", "A", "B", "B", "B", "C"]


def test_perfect_grouping_scores_one_whatever_the_label_names():
    predicted = ["x", "x", "y", "y", "y", "z"]
    assert grouping_accuracy(TRUTH, predicted) == 1.0
    assert group_f1(TRUTH, predicted) == 1.0


def test_split_group_loses_its_lines_in_ga_and_its_group_in_fga():
    # B split in two: A and C stay correct (3 lines); groups: 2 correct of 4 predicted, of 3 true.
    predicted = ["x", "x", "y", "y", "w", "z"]
    assert grouping_accuracy(TRUTH, predicted) == pytest.approx(3 / 6)
    precision, recall = 2 / 4, 2 / 3
    assert group_f1(TRUTH, predicted) == pytest.approx(
        2 * precision * recall / (precision + recall)
    )


def test_merged_groups_are_both_wrong():
    # A and C merged: only B is correct (3 lines); 1 correct of 2 predicted, of 3 true.
    predicted = ["x", "x", "y", "y", "y", "x"]
    assert grouping_accuracy(TRUTH, predicted) == pytest.approx(3 / 6)
    assert group_f1(TRUTH, predicted) == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))


def test_fga_weighs_groups_where_ga_weighs_lines():
    # Truth: one event of 8 lines and two of 1 line; the two singletons are merged.
    truth = ["big"] * 8 + ["s1", "s2"]
    predicted = ["g"] * 8 + ["m", "m"]
    assert grouping_accuracy(truth, predicted) == pytest.approx(0.8)
    assert group_f1(truth, predicted) == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))


def test_no_correct_group_scores_zero():
    assert group_f1(["A", "B"], ["x", "x"]) == 0.0
    assert grouping_accuracy(["A", "B"], ["x", "x"]) == 0.0


def test_metrics_refuse_mismatched_lengths():
    with pytest.raises(ValueError):
        group_f1(["A"], ["x", "y"])
    with pytest.raises(ValueError):
        parsing_accuracy(["a"], [])


def test_parsing_accuracy_counts_lines_with_the_exact_template():
    truth = ["open <*> ok", "open <*> ok", "close <*>", "close <*>"]
    predicted = ["open <*> ok", "open <*> <*>", "close <*>", "close file"]
    assert parsing_accuracy(truth, predicted) == pytest.approx(2 / 4)


def test_parsing_accuracy_ignores_whitespace_and_wildcard_runs():
    truth = ["took <*> <*> ms  on <*>", "a <*>"]
    predicted = [" took <*> ms on <*>:<*>", "a\t<*>"]
    assert parsing_accuracy(truth, predicted) == 1.0


def test_normalise_template_keeps_text_glued_to_a_wildcard():
    assert normalise_template("blk_<*>  <*>") == "blk_<*>"
    assert normalise_template("blk_<*>") != normalise_template("<*>")
