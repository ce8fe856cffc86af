"""The miner: reports in, one ReportResult per report out (pipeline + findings + triage)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from spacy.tokens import Doc

from calcminer.nlp.errors import CalcminerError, Errors
from calcminer.nlp.mining.findings import aggregate, doc_findings, no_finding_result
from calcminer.nlp.mining.prefilter import CandidateUnits, Prefilter
from calcminer.nlp.mining.reduce import Reducer, Reduction
from calcminer.nlp.mining.triage import TriageConfig
from calcminer.nlp.pipeline.build import TARGETS_PIPE, build_pipeline
from calcminer.nlp.pipeline.extensions import LOOK_BACK, finding_records
from calcminer.nlp.pipeline.mentions import neighbour_cues
from calcminer.nlp.pipeline.normalize import CleanText, ExamTitle, TextCleaner
from calcminer.nlp.pipeline.recommendations import doc_recommendations
from calcminer.nlp.pipeline.sections import LINE_BREAKS, SectionSplitter
from calcminer.nlp.rules.patterns import PatternSet, load_patterns
from calcminer.nlp.schema import Report, ReportResult

#: Reports per ``nlp.pipe`` batch.
DEFAULT_BATCH_SIZE = 64
#: The section splitter's name in the pipeline (the reducer reads its headers).
SECTIONS_PIPE = "calcminer_sections"


class Mining(Protocol):
    """What the library needs from a miner (``calcminer.nlp.mining.miner.Miner`` provides it)."""

    def mine(self, reports: Iterable[Report]) -> Iterator[ReportResult]:
        """Yield one result per report, in the same order."""
        ...


class Miner:
    """Mines reports for intrahepatic calcifications.

    Args:
        patterns_dir: Directory of rule files; None for the packaged ``patterns/``.
        config_overrides: Configuration values to replace, e.g. ``{"triage":
            {"urgent_size_mm": 25}}``.
        batch_size: Reports per spaCy batch.
        prefilter: Skip the spaCy pipeline for reports that cannot contain a target (see
            ``calcminer.nlp.mining.prefilter``); the results are identical either way.
        reduce: With the prefilter, send only the lines the pipeline needs (see
            ``calcminer.nlp.mining.reduce``); the results are identical either way.
        patterns: Rules already loaded (``load_patterns``); then ``patterns_dir`` is not
            read. Worker processes get the rules this way, not as a path.

    Example:
        >>> miner = Miner()
        >>> miner.mine_text("LIVER: A 5 mm calcified granuloma in segment VI.").triage
        'benign'
    """

    def __init__(
        self,
        patterns_dir: str | Path | None = None,
        config_overrides: Mapping[str, Mapping[str, Any]] | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        prefilter: bool = True,
        reduce: bool = True,
        *,
        patterns: PatternSet | None = None,
    ) -> None:
        self.patterns_dir = patterns_dir if patterns is None else patterns.directory
        # Loaded once: the pipeline's components, the prefilter and the triage share them.
        if patterns is None:
            patterns = load_patterns(patterns_dir, config_overrides)
        elif config_overrides:
            patterns = load_patterns(patterns.directory, {**patterns.overrides, **config_overrides})
        self.patterns = patterns
        self.triage_config = TriageConfig.from_mapping(self.patterns.config["triage"])
        self.nlp = build_pipeline(patterns=self.patterns)
        self.batch_size = batch_size
        self.prefilter = (
            Prefilter.from_patterns(self.patterns, self.nlp.tokenizer) if prefilter else None
        )
        self.reduce = reduce
        splitter = self.nlp.get_pipe(SECTIONS_PIPE)
        if not isinstance(splitter, SectionSplitter):
            raise CalcminerError(
                Errors.E901.format(
                    name=SECTIONS_PIPE, got=type(splitter).__name__, expected="SectionSplitter"
                )
            )
        self.reducer = Reducer(splitter.headers, run_on_words=splitter.run_on_words)
        self.clean = TextCleaner(self.patterns.normalization["text_char_map"])
        #: What may start a sentence that continues the one before (see ``_continued``).
        self._exam_title = ExamTitle(self.patterns.normalization)
        cues = neighbour_cues(self.patterns)
        self._continuation_re = cues.continuation_regex()
        #: What opens a list of a target's foci ("foci:") and starts its items ("- ...").
        self._list_introducers = tuple(cues.list_introducers)
        self._item_re = cues.item_regex()

    def _needs_whole_text(self, doc: Doc, text: str) -> bool:
        """Whether a reduced text's result may differ from the whole report's.

        Only one fact reaches across sentences: whether a bare lobe ("right lobe") is the
        liver's depends on lungs or a thyroid named anywhere in the report. When a target's
        organ rests on such a lobe and the report may name one, the whole text is mined.
        """
        prefilter = self._prefilter("read a reduced text's findings")
        records = finding_records(doc)
        if any(rec["context_sensitive"] for rec in records):
            return True  # it refers back to a sentence the reduced text may not hold
        return any(rec["lobe_sensitive"] for rec in records) and (
            prefilter.may_have_lobed_organ(text)
        )

    def _prefilter(self, step: str) -> Prefilter:
        """The prefilter, for a step that runs only with it (reduced texts come from it).

        Raises:
            CalcminerError: E902 when the prefilter is off (a bug: the step needs it).
        """
        if self.prefilter is None:
            raise CalcminerError(Errors.E902.format(step=step))
        return self.prefilter

    def _reduction(self, text: str, units: CandidateUnits) -> Reduction | None:
        """The reduced text for a report's candidate units, or None (mine the whole text)."""
        if not self.reduce or self._continued(text, units.targets):
            return None
        needed = [*units.targets, *units.followups]
        # "CT LIVER TRIPHASIC": the linker reads the title (see ``ExamTitle``).
        title = self._exam_title.title_span(text)
        if title is not None:
            needed.append(title)
        return self.reducer.reduce(text, needed)

    def _continued(self, text: str, units: Sequence[tuple[int, int]]) -> bool:
        """Whether a sentence right after a target piece may continue it ("; these lie in
        segments II and V"): the linker then reads that sentence too, so no reduction."""
        prefilter = self._prefilter("tested a piece for a sentence that continues it")
        for start, end in units:
            # "Calcified foci with shadowing:" then "- segment 3, 4 mm;" on each line.
            if text[start:end].rstrip().endswith(self._list_introducers) and (
                self._item_re.match(text, end)
            ):
                return True
            found = self._continuation_re.match(text, end)
            if found is None:
                continue
            # Up to the next line break or ";", where the pipeline surely ends the sentence.
            stop = min(
                (i for i in (text.find(c, found.end()) for c in LINE_BREAKS) if i >= 0),
                default=len(text),
            )
            # The phrase too: "Segment: II" lends a place that its first word opens.
            if prefilter.may_lend(text[found.start() : stop]):
                return True
        return False

    def mine(self, reports: Iterable[Report]) -> Iterator[ReportResult]:
        """Yield one result per report, in input order."""
        iterator = iter(reports)
        while batch := list(islice(iterator, self.batch_size)):
            yield from self._mine_batch(batch)

    def mine_text(self, text: str, report_id: str = "text") -> ReportResult:
        """Mine a single text."""
        return next(self.mine([Report(report_id=report_id, text=text)]))

    def _mine_batch(self, batch: list[Report]) -> list[ReportResult]:
        results: list[ReportResult | None] = [None] * len(batch)
        # (text for the pipeline, (index, cleaned text, its reduction or None, whether every
        # piece a recommendation may read back over is kept))
        full: list[tuple[str, tuple[int, CleanText, Reduction | None, bool]]] = []
        followup_only: list[tuple[str, tuple[int, CleanText, Reduction | None, bool]]] = []
        for i, report in enumerate(batch):
            # Offsets found in the cleaned text map back through ``cleaned.original_offset``.
            cleaned = self.clean.clean(report.text)
            text = cleaned.text
            if self.prefilter is None:
                full.append((text, (i, cleaned, None, True)))
                continue
            units = self.prefilter.candidate_units(text)
            if not units.targets and not units.followups:
                results[i] = no_finding_result(report, self.triage_config)
                continue
            reduction = self._reduction(text, units)
            context = (i, cleaned, reduction, units.look_back_kept)
            item = (reduction.text if reduction is not None else text, context)
            (full if units.targets else followup_only).append(item)
        for items, disable in ((full, []), (followup_only, [TARGETS_PIPE])):
            if not items:
                continue
            # A report with no possible target needs no target matching: the rest of the
            # pipeline then decides its follow-up advice exactly as for any report.
            pipe = self.nlp.pipe(items, as_tuples=True, batch_size=self.batch_size, disable=disable)
            for doc, (i, cleaned, reduction, kept) in pipe:
                report = batch[i]
                to_original: Callable[..., int] | None = None
                if reduction is not None and doc._.get(LOOK_BACK) and not kept:
                    # A recommendation read the clauses before the piece kept before it:
                    # mine again with as many pieces as it may read.
                    prefilter = self._prefilter("mined a reduced text again")
                    text = cleaned.text
                    units = prefilter.candidate_units(text, look_back=True)
                    reduction = self._reduction(text, units)
                    doc = self.nlp(reduction.text if reduction else text, disable=disable)
                if reduction is not None:
                    if self._needs_whole_text(doc, cleaned.text):
                        doc = self.nlp(cleaned.text, disable=disable)
                    else:
                        to_original = reduction.original_offset
                if cleaned.removed_at:
                    to_original = _then(to_original, cleaned.original_offset)
                findings = doc_findings(doc, report.report_id, report.text, to_original)
                recommendations = doc_recommendations(
                    doc, report.report_id, report.text, to_original
                )
                results[i] = aggregate(doc, report, findings, self.triage_config, recommendations)
        return [r for r in results if r is not None]


def _then(first: Callable[..., int] | None, second: Callable[..., int]) -> Callable[..., int]:
    """The offset map that applies ``first`` (when there is one), then ``second``."""
    if first is None:
        return second

    def both(offset: int, *, end: bool = False) -> int:
        return second(first(offset, end=end), end=end)

    return both
