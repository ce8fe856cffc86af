"""``calcminer evaluate``, beside the flow: gold JSONL -> miner -> per-field accuracy, triage
confusion and follow-up precision / recall.

:func:`score` does the arithmetic on plain rows (no miner, no files); :func:`evaluate` reads a
GOLD_GUIDE.md gold file, runs the miner and scores it; the ``format_*`` helpers render plain-text
tables and :func:`format_below` the ``--min-accuracy`` failures. Outputs name report ids and
field values only, never report text. ``calcminer.nlp.evaluate`` re-exports this module.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from calcminer.nlp.commands.batch import resolve_miner
from calcminer.nlp.errors import Errors, InputError
from calcminer.nlp.schema import (
    GOLD_FIELDS,
    TRIAGE_LEVELS,
    CountCategory,
    Report,
    ReportResult,
)

if TYPE_CHECKING:
    from calcminer.nlp.mining.miner import Mining

#: Sizes within this distance count as equal (GOLD_GUIDE sizes have 0.1 mm resolution).
SIZE_TOLERANCE_MM = 0.05
#: Slack for binary floating point in the size comparison (12.05 - 12.0 > 0.05 in floats).
_FLOAT_SLACK = 1e-9
#: Fields compared with SIZE_TOLERANCE_MM.
SIZE_FIELDS: frozenset[str] = frozenset({"max_size_mm"})
#: Fields a gold file may add to GOLD_FIELDS; each is scored when every gold row has it and
#: the miner's results carry it (older miners do not).
OPTIONAL_GOLD_FIELDS: tuple[str, ...] = ("liver_followup_recommended",)
BOOLEAN_FIELDS: frozenset[str] = frozenset(
    {
        "calcification",
        "bile_duct",
        "diffuse",
        "followup_recommended",
        "liver_followup_recommended",
    }
)
#: Boolean fields scored as a positive class (true = a follow-up is recommended).
FOLLOWUP_FIELDS: tuple[str, ...] = ("followup_recommended", "liver_followup_recommended")
LIST_FIELDS: frozenset[str] = frozenset({"segments", "lobes"})
COUNT_CATEGORIES: tuple[str, ...] = get_args(CountCategory)
URGENT = "urgent"
#: How many unknown ids a score() error names.
_IDS_SHOWN = 5
#: Marks an attribute a miner result does not have.
_ABSENT = object()


@dataclass(frozen=True)
class Mismatch:
    """One field where the miner disagrees with the gold label.

    Attributes:
        report_id: The report.
        field: The GOLD_GUIDE field.
        gold: The gold value (lists sorted).
        predicted: The predicted value (lists sorted).
    """

    report_id: str
    field: str
    gold: Any
    predicted: Any


@dataclass(frozen=True)
class BinaryScores:
    """Counts and scores of one boolean field, ``true`` being the positive class.

    Attributes:
        true_positive: Gold true, predicted true.
        false_positive: Gold false, predicted true.
        false_negative: Gold true, predicted false.
        true_negative: Gold false, predicted false.
    """

    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int

    @property
    def precision(self) -> float | None:
        """Share of predicted positives that are gold positives; None with no prediction."""
        predicted = self.true_positive + self.false_positive
        return self.true_positive / predicted if predicted else None

    @property
    def recall(self) -> float | None:
        """Share of gold positives that are predicted; None with no gold positive."""
        gold = self.true_positive + self.false_negative
        return self.true_positive / gold if gold else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall; None when either is undefined."""
        precision, recall = self.precision, self.recall
        if precision is None or recall is None:
            return None
        if precision + recall == 0:
            return 0.0
        return 2 * precision * recall / (precision + recall)


@dataclass(frozen=True)
class EvaluationResult:
    """Scores of the miner on a gold set.

    Attributes:
        n_reports: Number of gold reports.
        field_correct: Reports where the field matches, per GOLD_GUIDE field.
        field_accuracy: ``field_correct / n_reports`` per field (``triage`` included).
        confusion: Triage counts, ``confusion[gold][predicted]`` over none/benign/workup/urgent.
        missed_urgent: Gold-urgent reports predicted as anything but urgent.
        mismatches: Every disagreeing (report, field), in gold order then field order.
        over_triage: Reports predicted above their gold level (none < benign < workup <
            urgent).
        positive_class: Precision / recall counts of each scored follow-up field
            (``followup_recommended``, and ``liver_followup_recommended`` when scored).
        texts: Report id -> text, kept only for ``--show-text`` (empty from :func:`score`).
    """

    n_reports: int
    field_correct: Mapping[str, int]
    field_accuracy: Mapping[str, float]
    confusion: Mapping[str, Mapping[str, int]]
    missed_urgent: int
    mismatches: tuple[Mismatch, ...]
    over_triage: int = 0
    positive_class: Mapping[str, BinaryScores] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)

    @property
    def triage_accuracy(self) -> float:
        """Share of reports whose triage level is right."""
        return self.field_accuracy["triage"]

    @property
    def followup(self) -> BinaryScores | None:
        """Precision / recall of ``followup_recommended`` (None when it was not scored)."""
        return self.positive_class.get("followup_recommended")

    def below(self, min_accuracy: float) -> list[tuple[str, float]]:
        """List the fields whose accuracy is below a threshold.

        Args:
            min_accuracy: The threshold, between 0 and 1.

        Returns:
            (field, accuracy) pairs in field order; ``triage`` is the triage accuracy.
        """
        return [(name, acc) for name, acc in self.field_accuracy.items() if acc < min_accuracy]


# --- scoring (pure) ------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Normalize a value for comparison: numpy scalars to Python, lists and tuples sorted."""
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, str | list | tuple):
        value = item()
    if isinstance(value, list | tuple):
        return sorted(_plain(v) for v in value)
    return value


def values_equal(field: str, gold: Any, predicted: Any) -> bool:
    """Compare one field as the evaluation does.

    Args:
        field: The GOLD_GUIDE field name.
        gold: Gold value.
        predicted: Predicted value.

    Returns:
        True when equal: null only equals null; sizes within ``SIZE_TOLERANCE_MM``; lists
        as sorted lists; booleans only equal booleans; anything else exactly.
    """
    gold, predicted = _plain(gold), _plain(predicted)
    if gold is None or predicted is None:
        return gold is None and predicted is None
    if isinstance(gold, bool) or isinstance(predicted, bool):
        return isinstance(gold, bool) and isinstance(predicted, bool) and gold == predicted
    if field in SIZE_FIELDS:
        return math.isclose(gold, predicted, rel_tol=0.0, abs_tol=SIZE_TOLERANCE_MM + _FLOAT_SLACK)
    return bool(gold == predicted)


def _index(rows: Iterable[Mapping[str, Any]], what: str) -> dict[str, Mapping[str, Any]]:
    """Index rows by report_id; ValueError on a duplicate id."""
    indexed: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        report_id = str(row["report_id"])
        if report_id in indexed:
            raise ValueError(f"{what} rows repeat report_id {report_id!r}")
        indexed[report_id] = row
    return indexed


def _some(ids: Iterable[str]) -> str:
    """Name a few ids for a message."""
    ordered = sorted(ids)
    shown = ", ".join(repr(report_id) for report_id in ordered[:_IDS_SHOWN])
    return shown + (f" and {len(ordered) - _IDS_SHOWN} more" if len(ordered) > _IDS_SHOWN else "")


def scored_fields(
    gold_rows: Iterable[Mapping[str, Any]], predicted_rows: Iterable[Mapping[str, Any]]
) -> tuple[str, ...]:
    """The fields to score: GOLD_FIELDS, then each optional field both sides carry.

    Args:
        gold_rows: Gold rows.
        predicted_rows: Predicted rows.

    Returns:
        ``GOLD_FIELDS`` plus every ``OPTIONAL_GOLD_FIELDS`` entry present in every gold row
        and every predicted row.
    """
    gold, predicted = list(gold_rows), list(predicted_rows)
    optional = tuple(
        name
        for name in OPTIONAL_GOLD_FIELDS
        if name not in GOLD_FIELDS
        and gold
        and predicted
        and all(name in row for row in gold)
        and all(name in row for row in predicted)
    )
    return (*GOLD_FIELDS, *optional)


def _binary_scores(pairs: Iterable[tuple[Any, Any]]) -> BinaryScores:
    """Count (gold, predicted) boolean pairs; anything but ``True`` counts as negative."""
    counts = {(True, True): 0, (False, True): 0, (True, False): 0, (False, False): 0}
    for gold, predicted in pairs:
        counts[(_plain(gold) is True, _plain(predicted) is True)] += 1
    return BinaryScores(
        true_positive=counts[(True, True)],
        false_positive=counts[(False, True)],
        false_negative=counts[(True, False)],
        true_negative=counts[(False, False)],
    )


def score(
    gold_rows: Sequence[Mapping[str, Any]],
    predicted_rows: Iterable[Mapping[str, Any]],
    fields: Sequence[str] | None = None,
) -> EvaluationResult:
    """Score predictions against gold labels, report by report and field by field.

    Rows are paired by ``report_id``; both sides must hold the same ids.

    Args:
        gold_rows: Gold rows with ``report_id`` and the fields.
        predicted_rows: Predicted rows with ``report_id`` and the fields.
        fields: Fields to score; must include ``triage``. None scores
            :func:`scored_fields` (GOLD_FIELDS and the optional fields both sides carry).

    Returns:
        Per-field accuracy, the triage confusion matrix, missed-urgent and over-triage
        counts, follow-up precision / recall, and mismatches.

    Raises:
        ValueError: No gold rows, duplicate or unpaired ids, or a triage value outside
            none/benign/workup/urgent.
    """
    if not gold_rows:
        raise ValueError("no gold rows to score")
    gold = _index(gold_rows, "gold")
    predicted = _index(predicted_rows, "predicted")
    if fields is None:
        fields = scored_fields(gold.values(), predicted.values())
    if missing := gold.keys() - predicted.keys():
        raise ValueError(f"no prediction for report_id {_some(missing)}")
    if extra := predicted.keys() - gold.keys():
        raise ValueError(f"prediction for unknown report_id {_some(extra)}")
    correct = dict.fromkeys(fields, 0)
    levels: tuple[str, ...] = TRIAGE_LEVELS
    confusion: dict[str, dict[str, int]] = {level: dict.fromkeys(levels, 0) for level in levels}
    mismatches: list[Mismatch] = []
    for report_id, gold_row in gold.items():
        predicted_row = predicted[report_id]
        for name in fields:
            gold_value, predicted_value = gold_row.get(name), predicted_row.get(name)
            if values_equal(name, gold_value, predicted_value):
                correct[name] += 1
            else:
                mismatch = Mismatch(report_id, name, _plain(gold_value), _plain(predicted_value))
                mismatches.append(mismatch)
        gold_level, predicted_level = gold_row.get("triage"), predicted_row.get("triage")
        if gold_level not in confusion or predicted_level not in confusion:
            raise ValueError(
                f"report_id {report_id!r}: triage must be one of {', '.join(TRIAGE_LEVELS)}"
            )
        confusion[gold_level][predicted_level] += 1
    n_reports = len(gold)
    rank = {level: position for position, level in enumerate(levels)}
    positive_class = {
        name: _binary_scores(
            (gold_row.get(name), predicted[report_id].get(name))
            for report_id, gold_row in gold.items()
        )
        for name in FOLLOWUP_FIELDS
        if name in fields
    }
    return EvaluationResult(
        n_reports=n_reports,
        field_correct=correct,
        field_accuracy={name: count / n_reports for name, count in correct.items()},
        confusion=confusion,
        missed_urgent=sum(count for level, count in confusion[URGENT].items() if level != URGENT),
        mismatches=tuple(mismatches),
        over_triage=sum(
            count
            for gold_level, row in confusion.items()
            for predicted_level, count in row.items()
            if rank[predicted_level] > rank[gold_level]
        ),
        positive_class=positive_class,
    )


# --- gold file and miner -------------------------------------------------------------------------


def _check_gold_value(name: str, value: Any) -> str | None:
    """Return what is wrong with one gold field value, or None when it is valid."""
    if name in BOOLEAN_FIELDS:
        return None if isinstance(value, bool) else "must be true or false"
    if name == "count":
        ok = value is None or (
            isinstance(value, int) and not isinstance(value, bool) and value >= 0
        )
        return None if ok else "must be a non-negative integer or null"
    if name in SIZE_FIELDS:
        ok = value is None or (
            isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        )
        return None if ok else "must be a non-negative number or null"
    if name in LIST_FIELDS:
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
        return None if ok else "must be a list of strings"
    if name == "count_category":
        return None if value in COUNT_CATEGORIES else f"must be one of {COUNT_CATEGORIES}"
    if name == "triage":
        return None if value in TRIAGE_LEVELS else f"must be one of {TRIAGE_LEVELS}"
    return None


def _gold_row(path: Path, line: int, raw: str) -> dict[str, Any]:
    """Parse and check one gold line (E120 names the line and field, never the text)."""

    def fail(detail: str) -> InputError:
        return InputError(Errors.E120.format(path=path, line=line, detail=detail))

    try:
        row = json.loads(raw)
    except json.JSONDecodeError as e:
        raise fail(f"malformed JSON ({e.msg} at column {e.colno})") from e
    if not isinstance(row, dict):
        raise fail("not a JSON object")
    missing = [name for name in ("report_id", "text", *GOLD_FIELDS) if name not in row]
    if missing:
        raise fail(f"missing field(s) {', '.join(missing)}")
    if not isinstance(row["report_id"], str) or not row["report_id"].strip():
        raise fail("report_id must be a non-empty string")
    if not isinstance(row["text"], str):
        raise fail("text must be a string")
    for name in (*GOLD_FIELDS, *OPTIONAL_GOLD_FIELDS):
        if name in row and (problem := _check_gold_value(name, row[name])):
            raise fail(f"{name} {problem}")
    return row


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    """Read and check a GOLD_GUIDE.md gold file.

    Args:
        path: JSON Lines file; each line has ``report_id``, ``text`` and the ten fields.

    Returns:
        The rows, in file order, with a ``line`` key added (1-based line number).

    Raises:
        InputError: E123 unreadable file, E120 invalid line, E121 no records, E122 duplicate
            ids.
    """
    gold_path = Path(path)
    rows: list[dict[str, Any]] = []
    first_line: dict[str, int] = {}
    try:
        with gold_path.open(encoding="utf-8-sig") as handle:
            for line, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                row = _gold_row(gold_path, line, raw)
                report_id = row["report_id"]
                if report_id in first_line:
                    raise InputError(
                        Errors.E122.format(
                            path=gold_path,
                            report_id=report_id,
                            first=first_line[report_id],
                            line=line,
                        )
                    )
                first_line[report_id] = line
                rows.append({**row, "line": line})
    except (OSError, UnicodeDecodeError) as e:
        detail = e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__
        raise InputError(Errors.E123.format(path=gold_path, detail=detail)) from e
    if not rows:
        raise InputError(Errors.E121.format(path=gold_path))
    return rows


def prediction_row(result: ReportResult) -> dict[str, Any]:
    """The GOLD_GUIDE fields of a miner result, as a row for :func:`score`.

    Args:
        result: A miner result.

    Returns:
        ``report_id``, the ten fields (tuples as lists), and each optional gold field the
        result carries (``getattr``: results of older miners lack them).
    """
    row: dict[str, Any] = {"report_id": result.report_id}
    for name in GOLD_FIELDS:
        value = getattr(result, name)
        row[name] = list(value) if isinstance(value, tuple) else value
    for name in OPTIONAL_GOLD_FIELDS:
        value = getattr(result, name, _ABSENT)
        if value is not _ABSENT and name not in row:
            row[name] = list(value) if isinstance(value, tuple) else value
    return row


def evaluate(
    gold_path: str | Path,
    miner: Mining | None = None,
    *,
    patterns_dir: str | Path | None = None,
) -> EvaluationResult:
    """Run the miner over a gold file's texts and score it against the labels.

    Args:
        gold_path: GOLD_GUIDE.md JSON Lines file.
        miner: A miner to use; None builds one from ``patterns_dir``.
        patterns_dir: Pattern folder for a new miner; None uses the packaged patterns.

    Returns:
        The scores.

    Raises:
        InputError: When the gold file is missing or invalid.
        PatternError: When the pattern files are invalid.
    """
    rows = read_gold(gold_path)
    miner = resolve_miner(miner, patterns_dir)
    source = str(gold_path)
    reports = (
        Report(report_id=row["report_id"], text=row["text"], source=source, line=row["line"])
        for row in rows
    )
    predicted = [prediction_row(result) for result in miner.mine(reports)]
    result = score(rows, predicted)
    return replace(result, texts={row["report_id"]: row["text"] for row in rows})


# --- plain-text formatting -----------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Align columns: the first left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def render(row: Sequence[str]) -> str:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    return "\n".join(render(row) for row in (header, *rows))


def format_accuracy(result: EvaluationResult) -> str:
    """Render per-field accuracy as a plain-text table.

    Args:
        result: Scores from :func:`score` or :func:`evaluate`.

    Returns:
        One line per field: correct / total and accuracy.
    """
    rows = [
        [name, f"{result.field_correct[name]}/{result.n_reports}", f"{accuracy:.3f}"]
        for name, accuracy in result.field_accuracy.items()
    ]
    return _table(["field", "correct", "accuracy"], rows)


def format_confusion(result: EvaluationResult) -> str:
    """Render the triage confusion matrix (rows gold, columns predicted) and missed urgent.

    Args:
        result: Scores from :func:`score` or :func:`evaluate`.

    Returns:
        The matrix with row totals, then the triage accuracy and the missed-urgent and
        over-triage counts.
    """
    header = ["gold \\ predicted", *TRIAGE_LEVELS, "total"]
    rows = [
        [
            gold,
            *(str(result.confusion[gold][predicted]) for predicted in TRIAGE_LEVELS),
            str(sum(result.confusion[gold].values())),
        ]
        for gold in TRIAGE_LEVELS
    ]
    return "\n".join(
        [
            _table(header, rows),
            f"triage accuracy: {result.triage_accuracy:.3f}",
            f"missed urgent (gold urgent, predicted not urgent): {result.missed_urgent}",
            f"over-triage (predicted above the gold level): {result.over_triage}",
        ]
    )


def _ratio(value: float | None) -> str:
    """A score with three decimals, ``n/a`` when undefined."""
    return "n/a" if value is None else f"{value:.3f}"


def format_followup(result: EvaluationResult) -> str:
    """Render precision, recall and F1 of each scored follow-up field (true = positive).

    Args:
        result: Scores from :func:`score` or :func:`evaluate`.

    Returns:
        One line per follow-up field: precision, recall, F1 and the counts behind them;
        ``n/a`` where a score is undefined (no predicted or no gold positive).
    """
    header = ["follow-up (true = positive)", "precision", "recall", "F1", "tp", "fp", "fn"]
    rows = [
        [
            name,
            _ratio(scores.precision),
            _ratio(scores.recall),
            _ratio(scores.f1),
            str(scores.true_positive),
            str(scores.false_positive),
            str(scores.false_negative),
        ]
        for name, scores in result.positive_class.items()
    ]
    return _table(header, rows)


def format_mismatches(result: EvaluationResult, show_text: bool = False) -> str:
    """Render the mismatches: report id, field, gold and predicted value.

    Args:
        result: Scores from :func:`score` or :func:`evaluate`.
        show_text: Append the text of every report with a mismatch (patient data: only when
            the user asks, ``--show-text``).

    Returns:
        One line per mismatch, values as JSON; ``no mismatches`` when there are none.
    """
    if not result.mismatches:
        return "no mismatches"
    rows = [
        [m.report_id, m.field, json.dumps(m.gold), json.dumps(m.predicted)]
        for m in result.mismatches
    ]
    header = ["report_id", "field", "gold", "predicted"]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    listing = "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    )
    if not show_text:
        return listing
    ids = dict.fromkeys(m.report_id for m in result.mismatches)
    texts = [
        f"--- {report_id}\n{result.texts.get(report_id, '(text not kept)')}" for report_id in ids
    ]
    return listing + "\n\n" + "\n\n".join(texts)


def format_evaluation(
    result: EvaluationResult, show_mismatches: bool = False, show_text: bool = False
) -> str:
    """Render the full evaluation report as plain text.

    Args:
        result: Scores from :func:`score` or :func:`evaluate`.
        show_mismatches: Append the mismatch listing.
        show_text: With ``show_mismatches``, also print the texts of those reports.

    Returns:
        Report count, accuracy table, confusion matrix, follow-up precision / recall (and
        mismatches).
    """
    parts = [
        f"reports: {result.n_reports}",
        format_accuracy(result),
        format_confusion(result),
    ]
    if result.positive_class:
        parts.append(format_followup(result))
    if show_mismatches:
        parts.append(format_mismatches(result, show_text=show_text))
    return "\n\n".join(parts)


def format_below(result: EvaluationResult, min_accuracy: float) -> list[str]:
    """The ``--min-accuracy`` failures: one coded message (E207) per metric below it.

    Args:
        result: Scores from :func:`score` or :func:`evaluate`.
        min_accuracy: The threshold, between 0 and 1.

    Returns:
        The messages, in field order (``triage`` is the triage accuracy); none when every
        accuracy reaches the threshold.
    """
    return [
        Errors.E207.format(
            metric="triage" if name == "triage" else f"field {name!r}",
            accuracy=accuracy,
            minimum=min_accuracy,
        )
        for name, accuracy in result.below(min_accuracy)
    ]
