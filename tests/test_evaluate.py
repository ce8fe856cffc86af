"""Tests for calcminer.nlp.evaluate: comparison rules, score() arithmetic, gold file checks."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from gold_rows import gold_row
from suite_env import DATA_DIR, REPO_ROOT

from calcminer.nlp.errors import DataError, InputError
from calcminer.nlp.evaluate import (
    csv_gold_value,
    evaluate,
    format_accuracy,
    format_confusion,
    format_evaluation,
    format_followup,
    format_mismatches,
    prediction_row,
    read_gold,
    score,
    values_equal,
)
from calcminer.nlp.io.writers import write_table
from calcminer.nlp.schema import GOLD_FIELDS

SECRET = "SECRET-REPORT-TEXT"


BENIGN = {
    "calcification": True,
    "count": 1,
    "count_category": "single",
    "max_size_mm": 5.0,
    "segments": ["VI"],
    "triage": "benign",
}


@pytest.mark.parametrize(
    ("field", "gold", "predicted", "equal"),
    [
        ("max_size_mm", 12.0, 12.0, True),
        ("max_size_mm", 12.0, 12.05, True),
        ("max_size_mm", 12.05, 12.0, True),
        ("max_size_mm", 12.0, 12.06, False),
        ("max_size_mm", 12.0, 11.94, False),
        ("max_size_mm", None, None, True),
        ("max_size_mm", None, 0.0, False),
        ("max_size_mm", 5, 5.0, True),
        ("count", None, None, True),
        ("count", 2, 2, True),
        ("count", 2, None, False),
        ("count", 1, True, False),
        ("segments", ["II", "VI"], ["VI", "II"], True),
        ("segments", ["II", "VI"], ("II", "VI"), True),
        ("segments", [], [], True),
        ("segments", ["II"], ["II", "VI"], False),
        ("calcification", True, True, True),
        ("calcification", False, None, False),
        ("calcification", False, 0, False),
        ("triage", "urgent", "workup", False),
        ("count_category", "single", "single", True),
    ],
)
def test_evaluate_values_equal(field, gold, predicted, equal):
    assert values_equal(field, gold, predicted) is equal


@pytest.fixture
def scored():
    gold = [
        gold_row("a"),
        gold_row("b", **BENIGN),
        gold_row("c", **{**BENIGN, "max_size_mm": 42.0, "triage": "urgent"}),
        gold_row("d", **{**BENIGN, "max_size_mm": 35.0, "triage": "urgent"}),
    ]
    predicted = [
        # Reverse order: pairing is by report_id.
        gold_row("d", **{**BENIGN, "max_size_mm": 35.0, "triage": "urgent"}),
        gold_row("c", **{**BENIGN, "max_size_mm": None, "segments": ["VI", "II"]}),
        gold_row("b", **{**BENIGN, "max_size_mm": 5.04}),
        gold_row("a", followup_recommended=True),
    ]
    return score(gold, predicted)


def test_evaluate_score_per_field_accuracy(scored):
    assert scored.n_reports == 4
    expected_correct = dict.fromkeys(GOLD_FIELDS, 4)
    expected_correct.update(max_size_mm=3, segments=3, triage=3, followup_recommended=3)
    assert dict(scored.field_correct) == expected_correct
    assert scored.field_accuracy["max_size_mm"] == 0.75
    assert scored.field_accuracy["calcification"] == 1.0
    assert scored.triage_accuracy == 0.75


def test_evaluate_score_confusion_matrix_and_missed_urgent(scored):
    confusion = {gold: dict(row) for gold, row in scored.confusion.items()}
    assert confusion == {
        "none": {"none": 1, "benign": 0, "workup": 0, "urgent": 0},
        "benign": {"none": 0, "benign": 1, "workup": 0, "urgent": 0},
        "workup": {"none": 0, "benign": 0, "workup": 0, "urgent": 0},
        "urgent": {"none": 0, "benign": 1, "workup": 0, "urgent": 1},
    }
    assert scored.missed_urgent == 1


def test_evaluate_score_lists_mismatches_in_gold_then_field_order(scored):
    assert [(m.report_id, m.field, m.gold, m.predicted) for m in scored.mismatches] == [
        ("a", "followup_recommended", False, True),
        ("c", "max_size_mm", 42.0, None),
        ("c", "segments", ["VI"], ["II", "VI"]),
        ("c", "triage", "urgent", "benign"),
    ]


def test_evaluate_below_lists_fields_under_threshold(scored):
    assert scored.below(0.8) == [
        ("max_size_mm", 0.75),
        ("segments", 0.75),
        ("followup_recommended", 0.75),
        ("triage", 0.75),
    ]
    assert scored.below(0.75) == []


@pytest.mark.parametrize(
    ("gold", "predicted", "message", "code"),
    [
        ([], [], "no gold rows", "E170"),
        (
            [gold_row("a"), gold_row("b")],
            [gold_row("a")],
            "no prediction for report_id 'b'",
            "E172",
        ),
        ([gold_row("a")], [gold_row("a"), gold_row("z")], "unknown report_id 'z'", "E173"),
        ([gold_row("a"), gold_row("a")], [gold_row("a")], "gold rows repeat", "E171"),
        ([gold_row("a")], [gold_row("a"), gold_row("a")], "predicted rows repeat", "E171"),
        ([gold_row("a")], [gold_row("a", triage="high")], "triage must be one of", "E174"),
    ],
)
def test_evaluate_score_rejects_unpaired_or_invalid_rows(gold, predicted, message, code):
    """Coded errors (DataError), still ValueErrors for code written before they had codes."""
    with pytest.raises(ValueError, match=message) as info:
        score(gold, predicted)
    assert isinstance(info.value, DataError) and info.value.code == code
    assert str(info.value).startswith(f"{code} ")


def test_evaluate_prediction_row_has_gold_fields_with_lists(make_result):
    row = prediction_row(
        make_result(report_id="x", segments=("II", "VI"), liver_followup_recommended=True)
    )
    assert list(row) == ["report_id", *GOLD_FIELDS, "liver_followup_recommended"]
    assert row["segments"] == ["II", "VI"]
    assert row["liver_followup_recommended"] is True


# --- gold files --------------------------------------------------------------------------------


def _write_gold(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"count": "one"}, "count must be a non-negative integer or null"),
        ({"count": True}, "count must be a non-negative integer or null"),
        ({"max_size_mm": "12"}, "max_size_mm must be a non-negative number or null"),
        ({"segments": "VI"}, "segments must be a list of strings"),
        ({"calcification": "yes"}, "calcification must be true or false"),
        ({"count_category": "few"}, "count_category must be one of"),
        ({"triage": "high"}, "triage must be one of"),
        ({"report_id": ""}, "report_id must be a non-empty string"),
        ({"text": None}, "text must be a string"),
    ],
)
def test_evaluate_read_gold_rejects_invalid_values(tmp_path, change, detail):
    row = {**gold_row("g2"), "text": SECRET, **change}
    path = _write_gold(tmp_path / "gold.jsonl", [{**gold_row("g1"), "text": "t"}, row])
    with pytest.raises(InputError) as info:
        read_gold(path)
    assert info.value.code == "E120"
    assert "line 2" in str(info.value)
    assert detail in str(info.value)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ('{"report_id": "a"\n', "E120"),
        ("[1]\n", "E120"),
        (json.dumps({"report_id": "a", "text": "t"}) + "\n", "E120"),
        ("\n\n", "E121"),
        ((json.dumps({**gold_row("a"), "text": "t"}) + "\n") * 2, "E122"),
    ],
)
def test_evaluate_read_gold_file_errors(tmp_path, content, code):
    path = tmp_path / "gold.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_gold(path)
    assert info.value.code == code


def test_evaluate_read_gold_missing_file(tmp_path):
    with pytest.raises(InputError, match="E123"):
        read_gold(tmp_path / "nope.jsonl")


def test_evaluate_runs_miner_on_gold_texts(tmp_path, fake_miner):
    rows = [
        {**gold_row("g1", **BENIGN), "text": "A calcified granuloma."},
        {**gold_row("g2"), "text": "Normal liver."},
        {**gold_row("g3", **{**BENIGN, "triage": "urgent"}), "text": "Calcified mass, urgent."},
        {**gold_row("g4", **{**BENIGN, "triage": "urgent"}), "text": "A calcified focus."},
    ]
    path = _write_gold(tmp_path / "gold.jsonl", rows)
    result = evaluate(path, miner=fake_miner)
    assert fake_miner.seen == ["g1", "g2", "g3", "g4"]
    assert result.n_reports == 4
    assert result.confusion["urgent"]["benign"] == 1
    assert result.missed_urgent == 1
    assert result.field_accuracy["calcification"] == 1.0
    assert result.field_accuracy["max_size_mm"] == 0.75  # fake urgent size is 42.0
    printed = format_evaluation(result, show_mismatches=True)
    assert "g4" in printed
    assert not any(row["text"] in printed for row in rows)


def test_evaluate_formatting_shows_ids_and_values_never_text(scored):
    text = format_evaluation(scored, show_mismatches=True)
    assert "reports: 4" in text
    assert "max_size_mm" in text and "3/4" in text and "0.750" in text
    assert "missed urgent (gold urgent, predicted not urgent): 1" in text
    assert format_mismatches(scored).splitlines()[2].split() == ["c", "max_size_mm", "42.0", "null"]
    lines = format_mismatches(scored).splitlines()
    assert lines[0].split() == ["report_id", "field", "gold", "predicted"]
    assert lines[3].split() == ["c", "segments", '["VI"]', '["II",', '"VI"]']
    assert "none" in format_confusion(scored).splitlines()[0]
    assert format_accuracy(scored).splitlines()[0].split() == ["field", "correct", "accuracy"]


def test_evaluate_format_mismatches_when_none():
    rows = [gold_row("a")]
    assert format_mismatches(score(rows, rows)) == "no mismatches"
    assert "no mismatches" not in format_evaluation(score(rows, rows))


# --- follow-up precision / recall, over-triage, optional gold fields -----------------------------


def _followup_rows(pairs: list[tuple[bool, bool]]) -> tuple[list[dict[str, Any]], list[Any]]:
    """Gold and predicted rows that differ only in followup_recommended."""
    gold = [gold_row(f"f{i}", followup_recommended=g) for i, (g, _) in enumerate(pairs)]
    predicted = [gold_row(f"f{i}", followup_recommended=p) for i, (_, p) in enumerate(pairs)]
    return gold, predicted


def test_evaluate_score_followup_precision_recall_f1():
    # 3 true positives, 1 false positive, 2 false negatives, 2 true negatives.
    pairs = [(True, True)] * 3 + [(False, True)] + [(True, False)] * 2 + [(False, False)] * 2
    result = score(*_followup_rows(pairs))
    followup = result.followup
    assert followup is not None
    assert (followup.true_positive, followup.false_positive) == (3, 1)
    assert (followup.false_negative, followup.true_negative) == (2, 2)
    assert followup.precision == pytest.approx(3 / 4)
    assert followup.recall == pytest.approx(3 / 5)
    assert followup.f1 == pytest.approx(2 * 0.75 * 0.6 / (0.75 + 0.6))
    assert result.field_correct["followup_recommended"] == 5


@pytest.mark.parametrize(
    ("pairs", "precision", "recall", "f1"),
    [
        ([(False, False), (False, False)], None, None, None),  # no positive anywhere
        ([(True, False), (False, False)], None, 0.0, None),  # nothing predicted
        ([(False, True), (False, False)], 0.0, None, None),  # no gold positive
        ([(True, False), (False, True)], 0.0, 0.0, 0.0),  # all wrong
        ([(True, True), (False, False)], 1.0, 1.0, 1.0),
    ],
)
def test_evaluate_score_followup_undefined_and_extreme_scores(pairs, precision, recall, f1):
    followup = score(*_followup_rows(pairs)).followup
    assert followup is not None
    assert (followup.precision, followup.recall, followup.f1) == (precision, recall, f1)


def test_evaluate_score_over_triage_counts_reports_above_gold_level():
    levels = ["none", "benign", "workup", "urgent"]
    gold, predicted = [], []
    for i, gold_level in enumerate(levels):
        for j, predicted_level in enumerate(levels):
            gold.append(gold_row(f"t{i}{j}", triage=gold_level))
            predicted.append(gold_row(f"t{i}{j}", triage=predicted_level))
    result = score(gold, predicted)
    # Above the diagonal of the 4 x 4 grid: 3 + 2 + 1 pairs.
    assert result.over_triage == 6
    assert result.missed_urgent == 3
    one_way = score(
        [gold_row("a", triage="benign"), gold_row("b", triage="workup")],
        [gold_row("a", triage="workup"), gold_row("b", triage="benign")],
    )
    assert (one_way.over_triage, one_way.missed_urgent) == (1, 0)


def test_evaluate_score_liver_followup_only_when_both_sides_carry_it():
    gold = [
        gold_row("a", liver_followup_recommended=True),
        gold_row("b", liver_followup_recommended=False),
    ]
    with_attribute = [
        gold_row("a", liver_followup_recommended=False),
        gold_row("b", liver_followup_recommended=False),
    ]
    scored_both = score(gold, with_attribute)
    assert scored_both.field_accuracy["liver_followup_recommended"] == 0.5
    assert [(m.report_id, m.field) for m in scored_both.mismatches] == [
        ("a", "liver_followup_recommended")
    ]
    liver = scored_both.positive_class["liver_followup_recommended"]
    assert (liver.true_positive, liver.false_negative, liver.recall) == (0, 1, 0.0)
    assert "liver_followup_recommended" in format_followup(scored_both)
    # A miner without the attribute (or gold without the field): not scored, no mismatch.
    without_attribute = score(gold, [gold_row("a"), gold_row("b")])
    assert "liver_followup_recommended" not in without_attribute.field_accuracy
    assert "liver_followup_recommended" not in without_attribute.positive_class
    assert not without_attribute.mismatches
    assert (
        "liver_followup_recommended"
        not in score([gold_row("a"), gold_row("b")], with_attribute).field_accuracy
    )


def test_evaluate_prediction_row_takes_optional_fields_the_result_has(make_result):
    plain = make_result(report_id="x", liver_followup_recommended=True)
    assert prediction_row(plain)["liver_followup_recommended"] is True

    class OlderResult:
        """A result of a miner that does not decide liver follow-up."""

        def __getattr__(self, name: str) -> Any:
            if name == "liver_followup_recommended":
                raise AttributeError(name)
            return getattr(plain, name)

    row = prediction_row(OlderResult())  # type: ignore[arg-type]
    assert "liver_followup_recommended" not in row
    assert row["report_id"] == "x"


def test_evaluate_read_gold_checks_optional_field_type(tmp_path):
    good = {**gold_row("g1"), "text": "t", "liver_followup_recommended": True}
    bad = {**gold_row("g2"), "text": SECRET, "liver_followup_recommended": "yes"}
    assert read_gold(_write_gold(tmp_path / "ok.jsonl", [good]))[0]["liver_followup_recommended"]
    with pytest.raises(InputError, match="liver_followup_recommended must be true or false"):
        read_gold(_write_gold(tmp_path / "bad.jsonl", [good, bad]))


def test_evaluate_formatting_shows_followup_scores_and_over_triage():
    pairs = [(True, True), (True, False), (False, True), (False, False)]
    gold, predicted = _followup_rows(pairs)
    predicted[3]["triage"] = "urgent"
    text = format_evaluation(score(gold, predicted))
    assert "over-triage (predicted above the gold level): 1" in text
    line = [x for x in text.splitlines() if x.startswith("followup_recommended ")][-1]
    assert line.split() == ["followup_recommended", "0.500", "0.500", "0.500", "1", "1", "1"]
    undefined = format_followup(score(*_followup_rows([(False, False)])))
    assert undefined.splitlines()[1].split()[1:4] == ["n/a", "n/a", "n/a"]


# --- CSV gold files ------------------------------------------------------------------------------

#: The header of a CSV gold file: id, text, the ten fields.
CSV_HEADER = ",".join(["report_id", "text", *GOLD_FIELDS])


def _write_csv_gold(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write gold rows as CSV with calcminer's own table writer (the report table's encodings)."""
    write_table(pd.DataFrame(rows), path)
    return path


def test_evaluate_csv_and_jsonl_gold_score_alike(tmp_path: Path, miner: Any) -> None:
    """The same gold as JSON Lines and as CSV (written by calcminer's CSV writer): the same
    rows, and the real miner gets the same scores and mismatches from both."""
    source = DATA_DIR / "sample_reports_gold.jsonl"
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line]
    rows[0] = {**rows[0], "note": "an extra column, ignored"}
    as_csv = _write_csv_gold(tmp_path / "gold.csv", rows)
    from_jsonl, from_csv = read_gold(source), read_gold(as_csv)
    assert [{k: v for k, v in r.items() if k != "line"} for r in from_csv] == [
        {k: v for k, v in r.items() if k != "line"} for r in from_jsonl
    ]
    jsonl_result, csv_result = evaluate(source, miner=miner), evaluate(as_csv, miner=miner)
    assert csv_result == jsonl_result
    assert format_evaluation(csv_result, show_mismatches=True) == format_evaluation(
        jsonl_result, show_mismatches=True
    )
    assert csv_result.n_reports == len(rows) == 41


@pytest.mark.parametrize(
    ("name", "cell", "value"),
    [
        ("calcification", "true", True),
        ("calcification", " FALSE ", False),
        ("calcification", "", ""),  # left as it is: the check says "must be true or false"
        ("count", "", None),
        ("count", "2", 2),
        ("count", "2.0", 2),  # pandas writes an integer column with gaps as floats
        ("count", "2.5", "2.5"),
        ("count", "-1", "-1"),
        ("max_size_mm", "", None),
        ("max_size_mm", "12", 12.0),
        ("max_size_mm", "big", "big"),
        ("segments", "", []),
        ("segments", "VI;II", ["VI", "II"]),
        ("lobes", " left ; right ", ["left", "right"]),
        ("count_category", " single ", "single"),
        ("triage", "urgent", "urgent"),
        ("text", " keeps its spaces ", " keeps its spaces "),
    ],
)
def test_evaluate_csv_gold_value(name: str, cell: str, value: Any) -> None:
    assert csv_gold_value(name, cell) == value
    assert type(csv_gold_value(name, cell)) is type(value)


def test_evaluate_read_gold_csv_lines_and_optional_fields(tmp_path: Path) -> None:
    """A CSV row's line is the file line it starts on; an empty optional cell is absent;
    a UTF-8 byte order mark, extra columns, any column order and blank rows are fine."""
    path = tmp_path / "gold.CSV"
    header = "note,liver_followup_recommended," + CSV_HEADER
    cells = "false,,none,,,,false,false,false,none"
    path.write_text(
        "\ufeff"
        + header
        + "\n"
        + f'x,true,g1,"line one\nline two, with a comma",{cells}\n'
        + ",,,,,,,,,,,,,\n"
        + f"y,,g2,plain,{cells}\n",
        encoding="utf-8",
    )
    rows = read_gold(path)
    assert [(row["report_id"], row["line"]) for row in rows] == [("g1", 2), ("g2", 5)]
    assert rows[0]["text"] == "line one\nline two, with a comma"
    assert rows[0]["liver_followup_recommended"] is True
    assert "liver_followup_recommended" not in rows[1]
    assert "note" not in rows[0]


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        ("report_id,text\n", "E125", ["line 1", "has no column(s) calcification, count"]),
        (CSV_HEADER + ",triage\n", "E125", ["repeats the column(s) triage"]),
        (CSV_HEADER + "\n", "E121", ["holds no records"]),
        ("", "E121", ["holds no records"]),
        (
            CSV_HEADER + "\ng1,SECRET,false,,none,,,,false,false,false\n",
            "E126",
            ["line 2", "has 11 cells, the header 12"],
        ),
        (
            CSV_HEADER + '\ng1,"SECRET\n\n',
            "E126",
            ["line 2", "broken quoting"],
        ),
        (
            CSV_HEADER + '\ng1,"SECRET\nreport",yes,,none,,,,false,false,false,none\n',
            "E120",
            ["line 2", "calcification must be true or false"],
        ),
        (
            CSV_HEADER
            + "\ng1,a,false,,none,,,,false,false,false,none\n"
            + "g2,SECRET,false,two,none,,,,false,false,false,none\n",
            "E120",
            ["line 3", "count must be a non-negative integer or null"],
        ),
        (
            CSV_HEADER
            + "\ng1,a,false,,none,,,,false,false,false,none\n"
            + "g1,SECRET,false,,none,,,,false,false,false,none\n",
            "E122",
            ["lines 2 and 3"],
        ),
        (CSV_HEADER + "\n,SECRET,false,,none,,,,false,false,false,none\n", "E120", ["line 2"]),
    ],
)
def test_evaluate_read_gold_csv_errors_are_coded_with_lines(
    tmp_path: Path, content: str, code: str, words: list[str]
) -> None:
    path = tmp_path / "gold.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_gold(path)
    assert info.value.code == code
    assert all(word in str(info.value) for word in words), str(info.value)
    assert "SECRET" not in str(info.value)


def test_evaluate_read_gold_csv_not_utf8_is_e123(tmp_path: Path) -> None:
    path = tmp_path / "gold.csv"
    path.write_bytes(
        (CSV_HEADER + "\ng1,caf\xe9,false,,none,,,,false,false,false,none\n").encode("latin-1")
    )
    with pytest.raises(InputError) as info:
        read_gold(path)
    assert info.value.code == "E123"


def test_evaluate_annotation_guide_examples_read_alike(tmp_path: Path) -> None:
    """The JSON Lines and CSV examples of docs/annotation-guide.md are valid gold files and
    say the same about ex-01."""
    guide = (REPO_ROOT / "docs" / "annotation-guide.md").read_text(encoding="utf-8")
    blocks = dict(re.findall(r"```(json|csv)\n(.*?)```", guide, flags=re.DOTALL))
    jsonl = tmp_path / "guide.jsonl"
    jsonl.write_text(blocks["json"], encoding="utf-8")
    csv_path = tmp_path / "guide.csv"
    csv_path.write_text(blocks["csv"], encoding="utf-8")
    from_jsonl, from_csv = read_gold(jsonl), read_gold(csv_path)
    assert [row["report_id"] for row in from_csv] == ["ex-01", "ex-02"]
    assert {k: v for k, v in from_csv[0].items() if k != "line"} == {
        k: v for k, v in from_jsonl[0].items() if k != "line"
    }
