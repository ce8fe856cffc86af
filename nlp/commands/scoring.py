"""The arithmetic of ``calcminer evaluate``, on plain rows (no miner, no files): per-field
accuracy, the triage confusion matrix, missed urgent and over-triage counts, and follow-up
precision / recall (:func:`score`, :class:`EvaluationResult`), with the comparison rules of
each kind of field (:func:`values_equal`). :mod:`calcminer.nlp.commands.evaluate` reads gold
files, runs the miner and renders the scores; ``calcminer.nlp.evaluate`` re-exports both.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

from calcminer.nlp.errors import DataError, Errors
from calcminer.nlp.schema import GOLD_FIELDS, TRIAGE_LEVELS, CountCategory

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
    """Index rows by report_id; E171 (:class:`~calcminer.nlp.errors.DataError`) on a duplicate
    id."""
    indexed: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        report_id = str(row["report_id"])
        if report_id in indexed:
            raise DataError(Errors.E171.format(what=what, report_id=report_id))
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
        DataError: A ``ValueError`` with a code: E170 no gold rows, E171 duplicate ids, E172
            a gold row without prediction, E173 a prediction without gold row, E174 a triage
            value outside none/benign/workup/urgent.
    """
    if not gold_rows:
        raise DataError(Errors.E170)
    gold = _index(gold_rows, "gold")
    predicted = _index(predicted_rows, "predicted")
    if fields is None:
        fields = scored_fields(gold.values(), predicted.values())
    if missing := gold.keys() - predicted.keys():
        raise DataError(Errors.E172.format(ids=_some(missing)))
    if extra := predicted.keys() - gold.keys():
        raise DataError(Errors.E173.format(ids=_some(extra)))
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
            known = ", ".join(TRIAGE_LEVELS)
            raise DataError(Errors.E174.format(report_id=report_id, levels=known))
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


__all__ = [
    "BOOLEAN_FIELDS",
    "COUNT_CATEGORIES",
    "FOLLOWUP_FIELDS",
    "LIST_FIELDS",
    "OPTIONAL_GOLD_FIELDS",
    "SIZE_FIELDS",
    "SIZE_TOLERANCE_MM",
    "URGENT",
    "BinaryScores",
    "EvaluationResult",
    "Mismatch",
    "score",
    "scored_fields",
    "values_equal",
]
