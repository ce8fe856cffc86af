"""The follow-up finder: the recommendations of a Doc, clause by clause, from the linker's mentions.

:class:`RecommendationFinder` decides which clauses recommend imaging and builds one
:data:`~calcminer.nlp.pipeline.recommendation_settings.RecommendationTuple` per named exam (the
rules are in :mod:`calcminer.nlp.pipeline.recommendations`). It owns the clause walk, the
decision (cues, objects, schedules, plans, conditions and their negation) and the interval and
word spans of each recommendation; it hands whether a plan stands alone to
:class:`~calcminer.nlp.pipeline.recommendation_plans.PlanReader` and what a recommendation is
about to :class:`~calcminer.nlp.pipeline.recommendation_subjects.SubjectReader`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence

from spacy.tokens import Doc

from calcminer.nlp.pipeline.extensions import context_edges
from calcminer.nlp.pipeline.recommendation_clauses import breaks_line, clause_around
from calcminer.nlp.pipeline.recommendation_plans import PlanReader
from calcminer.nlp.pipeline.recommendation_settings import (
    CONDITION,
    CONDITIONAL_CUE,
    CONDITIONAL_PLAN,
    CUE,
    GENERIC_MODALITIES,
    HEADER_CUE,
    INTERVAL,
    LINE_HEADER_CUE,
    LIVER,
    LIVER_LOCATION_LABELS,
    NEEDS_MODALITY,
    NEGATED,
    NOT_CUE,
    OBJECT,
    ORGAN,
    PLAN,
    SCHEDULE,
    TRIGGER_LABELS,
    UNNAMED_MODALITY,
    MentionLike,
    RecommendationSettings,
    RecommendationTuple,
    interval_days,
    parse_interval_number,
)
from calcminer.nlp.pipeline.recommendation_subjects import SubjectReader, liver_in_clause
from calcminer.nlp.pipeline.records import FindingRecord, Sentence
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import RECOMMENDATION_LABELS


class RecommendationFinder:
    """Finds the recommendations of a Doc from the linker's mentions (see
    :mod:`calcminer.nlp.pipeline.recommendations`).

    Args:
        settings: Word tables and configuration.
    """

    def __init__(self, settings: RecommendationSettings) -> None:
        self.settings = settings
        self._plans = PlanReader(settings)
        self._subjects = SubjectReader(settings)

    def find(
        self,
        doc: Doc,
        sentences: Sequence[Sentence],
        mentions: Sequence[MentionLike],
        records: Sequence[FindingRecord],
        *,
        liver_exam: bool = False,
    ) -> tuple[RecommendationTuple, ...]:
        """Return the recommendations of a Doc, in text order.

        Args:
            doc: The Doc (after ConText).
            sentences: The linker's sentence table (``Sentence`` rows).
            mentions: The linker's cleaned mentions, in document order.
            records: The linker's target records (for the organ of targets in a clause).
            liver_exam: Whether the report's title names an exam of the liver only
                (``calcminer.nlp.pipeline.normalize.ExamTitle``): a recommendation naming no organ
                then concerns the liver.
        """
        used = [
            m
            for m in mentions
            if (m.label in RECOMMENDATION_LABELS or m.label in LIVER_LOCATION_LABELS)
            or m.label == ORGAN
        ]
        # Only these can make a recommendation: most Docs have none, and stop here.
        triggers = [m for m in used if m.label in TRIGGER_LABELS]
        if not triggers:
            return ()
        negated_by: dict[tuple[int, int], list[int]] = {}
        for edge in context_edges(doc):
            if edge.category == NEGATED:
                span = (edge.target_start_char, edge.target_end_char)
                negated_by.setdefault(span, []).append(edge.modifier_start_char)
        # Each clause is walked once, however many triggers it holds (a run-on list).
        clauses: list[tuple[int, int]] = []
        for m in sorted(triggers, key=lambda m: m.start):
            if not clauses or not clauses[-1][0] <= m.start < clauses[-1][1]:
                clauses.append(clause_around(doc, m.start))
        headed = self._headed_clauses(doc, triggers, sentences)
        clauses += headed
        used.sort(key=lambda m: m.start)
        used_starts = [m.start for m in used]
        liver_targets = sorted(
            r["start_char"] for r in records if r["counted"] and r["organ"] == LIVER
        )
        sentence_starts = [row.start for row in sentences]

        def section_of(i: int) -> tuple[str, str]:
            """The part and organ section of the sentence that holds token ``i``."""
            row = sentences[max(bisect.bisect_right(sentence_starts, i) - 1, 0)]
            return row.part, row.organ_sections

        found: list[RecommendationTuple] = []
        for clause in sorted(set(clauses)):
            start, end = clause
            first = bisect.bisect_left(used_starts, start)
            last = bisect.bisect_left(used_starts, end, lo=first)
            items = [
                m for m in used[first:last] if m.end <= end and sentences[m.sent].part != "excluded"
            ]
            found += self._clause(
                doc,
                clause,
                items,
                negated_by,
                liver_targets,
                liver_exam,
                headed.get(clause, ()),
                section_of,
            )
        return tuple(found)

    @staticmethod
    def _headed_clauses(
        doc: Doc,
        triggers: Sequence[MentionLike],
        sentences: Sequence[Sentence],
    ) -> dict[tuple[int, int], tuple[MentionLike, ...]]:
        """The clauses a header cue governs after its own, up to the end of its line or the
        next header cue ("Plan: Counselled. *Fetal MRI brain at 28 weeks.*"), each with its
        header."""
        headers = sorted(
            (
                m
                for m in triggers
                if m.label == CUE
                and m.value in {HEADER_CUE, LINE_HEADER_CUE}
                and sentences[m.sent].part != "excluded"
            ),
            key=lambda m: m.start,
        )
        headed: dict[tuple[int, int], tuple[MentionLike, ...]] = {}
        for n, header in enumerate(headers):
            stop = headers[n + 1].start if n + 1 < len(headers) else len(doc)
            i = clause_around(doc, header.start)[1]
            if (
                header.value == LINE_HEADER_CUE
                and 0 < i < stop
                and i >= header.end
                and all(not doc[j].text.strip() for j in range(header.end, i))
                and any(breaks_line(doc[j]) for j in range(header.end - 1, i))
            ):
                # "Saran:" alone on its line governs the next line ("Saran:\nMRI abdomen.").
                while i < stop and (doc[i].is_space or not doc[i].text.strip()):
                    i += 1
                if i < stop:
                    clause = clause_around(doc, i)
                    headed[clause] = (header,)
                    i = clause[1]
            while i < stop and not breaks_line(doc[i - 1]) and not breaks_line(doc[i]):
                clause = clause_around(doc, i)
                headed[clause] = (header,)
                i = clause[1]
        return headed

    def _clause(
        self,
        doc: Doc,
        clause: tuple[int, int],
        items: Sequence[MentionLike],
        negated_by: Mapping[tuple[int, int], Sequence[int]],
        liver_targets: Sequence[int],
        liver_exam: bool = False,
        headers: Sequence[MentionLike] = (),
        section_of: Callable[[int], tuple[str, str]] | None = None,
    ) -> list[RecommendationTuple]:
        """The recommendations of one clause; ``headers`` are header cues of earlier clauses
        of its line, which recommend only a named modality (see :meth:`_headed_clauses`);
        ``section_of`` gives the section of a token (the look-back stays in one)."""
        start, end = clause
        clause_start_char = doc[start].idx
        clause_end_char = doc[end - 1].idx + len(doc[end - 1].text)

        conditions = [m for m in items if m.label in {CONDITION, CONDITIONAL_CUE}]
        # "If not resected, follow-up MRI in 6 months": a negation inside a condition that a
        # comma closes before the exam negates the condition, not the exam.
        closed_conditions = self._closed_conditions(doc, clause, conditions)

        def negated(m: MentionLike) -> bool:
            return any(
                clause_start_char <= at < clause_end_char
                and not any(lo <= at < hi <= m.start_char for lo, hi in closed_conditions)
                for at in negated_by.get((m.start_char, m.end_char), ())
            )

        conditional_cues = [m for m in conditions if m.label == CONDITIONAL_CUE]

        def in_condition(m: MentionLike) -> bool:
            return any(c.start <= m.start and m.end <= c.end for c in conditions)

        readings = [m for m in items if m.label == NOT_CUE]
        cues = [
            m
            for m in items
            if m.label == CUE
            and not in_condition(m)
            and not any(r.start <= m.start and m.end <= r.end for r in readings)
        ]
        # An exam inside a reading ("correlation with the CT ... performed", "follow up with
        # me") is no follow-up object either.
        # An exam inside a condition that a comma closes ("if calcification were present on
        # prior CT, a complicated cyst would be considered") is part of the condition.
        objects = [
            m
            for m in items
            if m.label == OBJECT
            and not negated(m)
            and not self._guides(doc, m, end)
            and not _covers_any(m, readings, inside=True)
            and not any(lo <= m.start_char < hi for lo, hi in closed_conditions)
        ]
        negated_objects = [m for m in items if m.label == OBJECT and negated(m)]
        schedules = [
            m
            for m in items
            if m.label == SCHEDULE and not negated(m) and not _covers_any(m, negated_objects)
        ]
        exam_tokens = {i for o in objects for i in range(o.start, o.end)}
        plans = [
            m
            for m in items
            if m.label == PLAN
            and not negated(m)
            and not _covers_any(m, negated_objects)
            and self._plans.stands_alone(doc, clause, m, exam_tokens)
        ]
        specific = [o for o in objects if o.value not in GENERIC_MODALITIES]
        # An exam named inside the condition of another ("MRCP if ERCP is not planned") is
        # part of the condition, not a recommendation of its own.
        condition_start = min((c.start for c in conditions if c.label == CONDITION), default=end)
        if any(o.end <= condition_start for o in specific):
            specific = [o for o in specific if o.end <= condition_start]
        strong_cues = [c for c in cues if c.value != NEEDS_MODALITY]
        near = self.settings.max_cue_object_distance
        triggered = bool(
            schedules
            or plans
            or (strong_cues and _any_near(strong_cues, objects, near))
            or (
                (cues or conditional_cues or headers)
                and _any_near([*cues, *conditional_cues, *headers], specific, near)
            )
        )
        if not triggered:
            return []
        intervals = [m for m in items if m.label == INTERVAL]
        conditional = bool(conditions)
        words = [*headers, *cues, *objects, *schedules, *plans, *conditions, *intervals]
        modalities: dict[str, list[MentionLike]] = {}
        for o in specific:
            modalities.setdefault(str(o.value), []).append(o)
        groups: list[tuple[str, list[MentionLike]]] = list(modalities.items()) or [
            (UNNAMED_MODALITY, [o for o in objects] or [*schedules, *plans])
        ]
        found = []
        for modality, anchors in groups:
            anchor_end = max(a.end for a in anchors) if anchors else start
            interval = self._interval(doc, intervals, anchor_end)
            subject, subject_span, organ = self._subjects.subject(doc, clause, anchors, items)
            if organ:
                concerns = organ == LIVER
            elif liver_in_clause(items, clause, liver_targets, doc):
                concerns = True
            else:
                organ = self._subjects.organ_word(doc, clause)
                concerns = organ == LIVER
                if not organ:
                    organ, concerns = self._subjects.placed_by_previous_clause(
                        doc, clause, section_of
                    )
                # "MRI LIVER ...": a recommendation naming no organ is about the liver.
                concerns = concerns or (liver_exam and not organ)
            own = [
                w
                for w in words
                if w.label != OBJECT
                or w.value == modality
                or modality == UNNAMED_MODALITY
                or w.value in GENERIC_MODALITIES
            ]
            spans = merge_word_spans(self._word_span(doc, w, conditions) for w in own)
            first = min([s for s, _, _ in spans] + ([subject_span[0]] if subject_span else []))
            last = max([e for _, e, _ in spans] + ([subject_span[1]] if subject_span else []))
            rule_ids = tuple(sorted({w.rule_id for w in own}))
            found.append(
                (
                    first,
                    last,
                    modality,
                    interval,
                    conditional,
                    subject,
                    organ,
                    concerns,
                    rule_ids,
                    tuple(spans),
                )
            )
        return found

    @staticmethod
    def _word_span(
        doc: Doc, word: MentionLike, conditions: Sequence[MentionLike]
    ) -> tuple[int, int, str]:
        """``(start_char, end_char, label)`` of a word of a recommendation; a conditional plan
        ("MRI liver if") keeps only its words before its condition, which is a word of its own
        ("{MRI liver} {if} CEA rises", "{MRI} {if clinically required}")."""
        if word.label == PLAN and word.value == CONDITIONAL_PLAN:
            cut = min((c.start for c in conditions if word.start < c.start < word.end), default=0)
            if cut:
                last = doc[cut - 1]
                return word.start_char, last.idx + len(last.text), word.label
        return word.start_char, word.end_char, word.label

    @staticmethod
    def _closed_conditions(
        doc: Doc, clause: tuple[int, int], conditions: Sequence[MentionLike]
    ) -> list[tuple[int, int]]:
        """Character spans from each condition word ("if", "unless") to the comma that closes
        its condition ("*If not resected,* follow-up MRI ..."), in the clause."""
        spans = []
        end = clause[1]
        for c in conditions:
            if c.label != CONDITION:
                continue
            i = c.end
            while i < end and doc[i].text != ",":
                i += 1
            if i < end:
                spans.append((c.start_char, doc[i].idx))
        return spans

    def _guides(self, doc: Doc, exam: MentionLike, end: int) -> bool:
        """Whether an exam only guides a procedure ("USG guided biopsy", "CT-guided drainage")."""
        lw = token_view(doc).lower
        i = exam.end
        while i < end and doc[i].text == "-":
            i += 1
        return i < end and lw[i] in self.settings.guided_words

    def _interval(self, doc: Doc, intervals: Sequence[MentionLike], after: int) -> int | None:
        """Days of the interval nearest to the modality (those after it first)."""
        if not intervals:
            return None
        best = min(intervals, key=lambda m: (m.start < after, abs(m.start - after)))
        words = [t.text for t in doc[best.start : best.end]]
        number = parse_interval_number(words, self.settings.number_words)
        return interval_days(number, str(best.value), self.settings.days_per_unit)


def merge_word_spans(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping word spans merged into one, labelled by the longest of them, in order.

    >>> merge_word_spans([(0, 9, "FOLLOWUP_PLAN"), (0, 4, "FOLLOWUP"), (12, 15, "INTERVAL")])
    [(0, 9, 'FOLLOWUP_PLAN'), (12, 15, 'INTERVAL')]
    """
    merged: list[tuple[int, int, str, int]] = []
    for start, end, label in sorted(set(spans)):
        if merged and start < merged[-1][1]:
            first, last, best, length = merged[-1]
            if end - start > length:
                best, length = label, end - start
            merged[-1] = (first, max(last, end), best, length)
        else:
            merged.append((start, end, label, end - start))
    return [(start, end, label) for start, end, label, _ in merged]


def _covers_any(m: MentionLike, others: Sequence[MentionLike], *, inside: bool = False) -> bool:
    """Whether ``m`` covers one of ``others`` (with ``inside``: one of them covers ``m``)."""
    if inside:
        return any(o.start <= m.start and m.end <= o.end for o in others)
    return any(m.start <= o.start and o.end <= m.end for o in others)


def _any_near(cues: Sequence[MentionLike], objects: Sequence[MentionLike], distance: int) -> bool:
    """Whether some cue and some exam are at most ``distance`` tokens apart."""
    return any(max(c.start - o.end, o.start - c.end, 0) <= distance for c in cues for o in objects)
