"""Findings from a processed Doc, and their aggregation into one report's fields."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from calcminer.nlp.mining.triage import TriageConfig, triage
from calcminer.nlp.pipeline.extensions import FOLLOWUP, finding_records
from calcminer.nlp.pipeline.normalize import sort_lobes, sort_segments
from calcminer.nlp.pipeline.recommendations import liver_followup
from calcminer.nlp.pipeline.records import FindingRecord
from calcminer.nlp.schema import (
    CountCategory,
    Finding,
    ModifierSpan,
    Recommendation,
    Report,
    ReportResult,
    parse_modifier_span,
)

#: Longest target text kept in the ``evidence`` column.
EVIDENCE_TEXT_MAX_CHARS = 60


def doc_findings(
    doc: Doc,
    report_id: str,
    text: str | None = None,
    to_original: Callable[..., int] | None = None,
) -> tuple[Finding, ...]:
    """Build one Finding per target from the linker's records on a Doc.

    Args:
        doc: The processed document.
        report_id: The report's id.
        text: The original report text, when the Doc holds a cleaned copy of the same length
            (``Finding.text`` then quotes the original); None quotes ``doc.text``.
        to_original: For a Doc of a reduced text (``calcminer.nlp.mining.reduce``), the map of its
            offsets to the original's (called with ``end=True`` for end offsets); ``text``
            is then the original.
    """
    findings = []
    if text is None:
        text = doc.text  # built once: Doc.text joins every token
    for index, rec in enumerate(finding_records(doc)):
        start, end = rec["start_char"], rec["end_char"]
        modifier_spans = tuple(rec["modifier_spans"])
        if to_original is not None:
            start, end = to_original(start), to_original(end, end=True)
            # Sorted again: the linker sorts the strings, whose order moves with the offsets.
            modifier_spans = tuple(sorted(_remap_span(s, to_original) for s in modifier_spans))
        findings.append(
            Finding(
                report_id=report_id,
                index=index,
                start_char=start,
                end_char=end,
                text=text[start:end],
                label=rec["label"],
                pattern_id=rec["pattern_id"],
                section=rec["section_name"],
                organ=rec["organ"],
                other_organs=tuple(rec["other_organs"]),
                assertion=rec["assertion"],
                modifier_ids=tuple(rec["modifier_ids"]),
                modifier_spans=modifier_spans,
                counted=rec["counted"],
                exclusion_reason=rec["exclusion_reason"],
                count=rec["count"],
                multiple=rec["multiple"],
                size_mm=rec["size_mm"],
                segments=tuple(rec["segments"]),
                lobes=tuple(rec["lobes"]),
                bile_duct=rec["bile_duct"],
                diffuse=rec["diffuse"],
                morphology=tuple(rec["morphology"]),
                temporal=tuple(rec["temporal"]),
                group=rec["group"],
            )
        )
    return tuple(findings)


def _remap_span(value: str, to_original: Callable[..., int]) -> str:
    span = parse_modifier_span(value)
    start, end = to_original(span.start), to_original(span.end, end=True)
    return str(ModifierSpan(span.category, span.rule_id, start, end))


@dataclass(frozen=True)
class _GroupCount:
    exact: int | None  # exact number of foci, when stated
    multiple: bool  # two or more foci stated (exact or not)
    definite: bool  # "the calcified granuloma": refers back to one already described


def _group_count(records: Sequence[FindingRecord]) -> _GroupCount:
    """Count stated by one co-reference group (targets of a sentence describing the same foci)."""
    exacts = [r["count"] for r in records if r["count"] is not None]
    plural_unknown = any(r["multiple"] and r["count"] is None for r in records)
    exact = max(exacts) if exacts else None
    exact = exact + sum(r["another"] for r in records) if exact is not None else None
    multiple = plural_unknown or (exact is not None and exact >= 2)
    if plural_unknown and (exact is None or exact < 2):
        exact = None
    definite = all(r["definite"] or r["hedge_only"] for r in records)
    if exact is None and not multiple:
        # Mass nouns and plurals shared with another organ: present, count unknown.
        return _GroupCount(None, False, definite)
    return _GroupCount(exact, multiple, definite)


def _restates(
    records: Sequence[FindingRecord],
    gc: _GroupCount,
    segments: set[str],
    seen_segments: set[str],
    seen_sizes: Collection[float] = (),
    sized_places: Collection[str] = (),
) -> bool:
    """Whether a group only names again a focus already counted in its part.

    A single focus without a size of its own (or with a size already counted, or sized where
    the focus counted before had no size), in segments (or, when no segment is named, lobes)
    already counted, with no "another" ("... 5 mm calcific focus seg 2 ... imp ... incidental
    calcific focus seg 2"; "a calcification at the VIII segment ... a hyperechoic image of 5 mm
    at the VIII segment"): the same focus, restated where no impression header marks the
    restatement.
    """
    # Where the foci counted before had no size, a size of its own names no other focus.
    unsized_before = not segments.intersection(sized_places)
    return (
        bool(segments)
        and segments <= seen_segments
        and _single_focus_again(
            records,
            gc,
            lambda size: size is None or size in seen_sizes or unsized_before,
        )
    )


def _renumbers(
    records: Sequence[FindingRecord],
    gc: _GroupCount,
    segments: set[str],
    numbered: Collection[tuple[int, frozenset[str]]],
    seen_sizes: Collection[float],
) -> bool:
    """Whether a group names again, by their number and places, foci already counted in its
    part: the same stated number (two or more) in the same segments, with no size not counted
    before and no "another" ("Duas calcificacoes: uma no segmento VII e uma no segmento VIII.
    (Two calcifications: one in segment VII and one in segment VIII.)")."""
    return (
        gc.exact is not None
        and gc.exact >= 2
        and bool(segments)
        and any(n == gc.exact and segments <= places for n, places in numbered)
        and all(
            (r["size_mm"] is None or r["size_mm"] in seen_sizes)
            and not r["another"]
            and not r["new_focus"]
            for r in records
        )
    )


def _resized(
    records: Sequence[FindingRecord], gc: _GroupCount, seen_sizes: Collection[float]
) -> bool:
    """Whether a group without a place names again, by its size, a focus already counted in
    its part: a single focus whose every record has a size already counted ("A 36 mm
    calcified cyst in segment IVa ... The segment IVa lesion is a 36 x 30 mm cyst ... with a
    calcified rim")."""
    return _single_focus_again(records, gc, lambda size: size is not None and size in seen_sizes)


def _single_focus_again(
    records: Sequence[FindingRecord],
    gc: _GroupCount,
    known_size: Callable[[float | None], bool],
) -> bool:
    """Whether a group names one focus (no count above one) with no "another" or new-focus
    cue, each record's size passing ``known_size``: the test both restatement checks share."""
    return (
        not gc.multiple
        and gc.exact in (None, 1)
        and all(
            known_size(r["size_mm"]) and not r["another"] and not r["new_focus"] for r in records
        )
    )


def aggregate(
    doc: Doc,
    report: Report,
    findings: Sequence[Finding],
    config: TriageConfig,
    recommendations: Sequence[Recommendation] = (),
) -> ReportResult:
    """Aggregate counted findings into the report's GOLD_GUIDE fields and triage it.

    Counting avoids double counts: the findings and the impression usually describe the same
    foci, so each report part (body, impression) is counted on its own and the larger count
    wins; within a part, co-reference groups add up, except a definite mention ("the
    calcified granuloma") after one already counted.

    Args:
        doc: The processed Doc (for the linker's records and follow-up tuple).
        report: The input report.
        findings: The report's findings (from ``doc_findings``).
        config: Triage thresholds.
        recommendations: The report's follow-up recommendations (from
            ``calcminer.nlp.pipeline.recommendations.doc_recommendations``).

    Returns:
        The report result.
    """
    records = finding_records(doc)
    counted = [(f, records[f.index]) for f in findings if f.counted]
    groups: dict[int, list[FindingRecord]] = {}
    part_of_group: dict[int, str] = {}
    for f, rec in counted:
        groups.setdefault(f.group, []).append(rec)
        part_of_group[f.group] = rec["part"]

    part_exact: list[int] = []
    multiple = False
    plural_presence = False
    for part in ("body", "impression"):
        total: int | None = 0
        seen_any = False
        seen_segments: set[str] = set()
        seen_lobes: set[str] = set()
        seen_sizes: set[float] = set()
        # The segments and lobes of the counted foci that had a size.
        sized_places: set[str] = set()
        # The stated numbers (two or more) of the groups counted, with their segments.
        numbered: list[tuple[int, frozenset[str]]] = []
        for g, recs in sorted(groups.items()):
            if part_of_group[g] != part:
                continue
            gc = _group_count(recs)
            multiple = multiple or gc.multiple
            if gc.exact is None and not gc.multiple:
                plural_presence = plural_presence or any(r["plural"] for r in recs)
            if (
                gc.exact is None
                and not gc.multiple
                and all(r["plural"] and r["other_organs"] for r in recs)
            ):
                # "Calcific granulomas in lung and liver": the liver's share is unknown; it
                # adds presence, not a number, to the foci the part counts.
                continue
            segments = {s for r in recs for s in r["segments"]}
            lobes = {lobe for r in recs for lobe in r["lobes"]}
            if seen_any and (
                gc.definite
                or _restates(recs, gc, segments, seen_segments, seen_sizes, sized_places)
                or (
                    not segments
                    and _restates(recs, gc, lobes, seen_lobes, seen_sizes, sized_places)
                )
                or (not segments and not lobes and _resized(recs, gc, seen_sizes))
                or _renumbers(recs, gc, segments, numbered, seen_sizes)
            ):
                continue
            if gc.exact is not None and gc.exact >= 2 and segments:
                numbered.append((gc.exact, frozenset(segments)))
            seen_segments |= segments
            seen_lobes |= lobes
            sizes = {r["size_mm"] for r in recs if r["size_mm"] is not None}
            seen_sizes |= sizes
            if sizes:
                sized_places |= segments | lobes
            seen_any = True
            total = None if (total is None or gc.exact is None) else total + gc.exact
        if seen_any and total is not None:
            part_exact.append(total)
            multiple = multiple or total >= 2

    calcification = bool(counted)
    count: int | None = max(part_exact) if part_exact else None
    if calcification and count is None and not multiple and plural_presence:
        multiple = True
    if multiple and (count is None or count < 2):
        count = None
    if calcification and not multiple and count is None:
        count = 1
    recommended, modalities, _rule_ids = doc._.get(FOLLOWUP)
    return build_result(
        report,
        [f for f, _ in counted],
        findings,
        count=count,
        multiple=multiple,
        followup=(bool(recommended), tuple(modalities)),
        config=config,
        recommendations=recommendations,
    )


def no_finding_result(report: Report, config: TriageConfig) -> ReportResult:
    """The result for a report with no target and no follow-up advice (no pipeline needed).

    Most reports of an archive are such; all but the id and the carried columns are the same
    for each, so they are built once per triage configuration.
    """
    template = _no_finding_template(config)
    # A copy with the two fields replaced. ``dataclasses.replace`` would run ``__init__``
    # again (about 5 us per report); the template's values are immutable and shared.
    result = object.__new__(ReportResult)
    result.__dict__.update(template.__dict__, report_id=report.report_id, meta=report.meta)
    return result


@functools.lru_cache(maxsize=8)
def _no_finding_template(config: TriageConfig) -> ReportResult:
    return build_result(
        Report(report_id="", text=""),
        [],
        (),
        count=None,
        multiple=False,
        followup=(False, ()),
        config=config,
    )


def build_result(
    report: Report,
    counted: Sequence[Finding],
    findings: Sequence[Finding],
    *,
    count: int | None,
    multiple: bool,
    followup: tuple[bool, tuple[str, ...]],
    config: TriageConfig,
    recommendations: Sequence[Recommendation] = (),
) -> ReportResult:
    """Report fields and triage from the counted findings and the report-level count.

    Args:
        report: The input report.
        counted: The findings that count as intrahepatic calcifications.
        findings: Every finding of the report (kept for review).
        count: Exact number of foci, when known.
        multiple: Two or more foci.
        followup: Whether follow-up is recommended, and the modalities named.
        config: Triage thresholds.
        recommendations: The report's follow-up recommendations.

    Returns:
        The report result.
    """
    calcification = bool(counted)
    category: CountCategory = (
        "none" if not calcification else ("multiple" if multiple else "single")
    )
    sizes = [f.size_mm for f in counted if f.size_mm is not None]
    max_size = max(sizes) if sizes else None
    bile_duct = any(f.bile_duct for f in counted)
    diffuse = any(f.diffuse for f in counted)
    decision = triage(
        calcification=calcification,
        multiple=multiple,
        max_size_mm=max_size,
        bile_duct=bile_duct,
        diffuse=diffuse,
        config=config,
    )
    return ReportResult(
        report_id=report.report_id,
        calcification=calcification,
        count=count if calcification else None,
        count_category=category,
        max_size_mm=max_size,
        segments=sort_segments(s for f in counted for s in f.segments),
        lobes=sort_lobes(lobe for f in counted for lobe in f.lobes),
        bile_duct=bile_duct,
        diffuse=diffuse,
        followup_recommended=followup[0],
        triage=decision.level,
        triage_rules=decision.rules,
        triage_reason=decision.reason,
        evidence=evidence(counted),
        findings=tuple(findings),
        followup_modalities=followup[1],
        liver_followup_recommended=liver_followup(recommendations, calcification),
        recommendations=tuple(recommendations),
        meta=report.meta,
    )


def evidence(findings: Iterable[Finding]) -> str:
    """Short pointer to counted targets: ``text@start-end`` joined by `` | ``."""
    parts = []
    for f in findings:
        text = " ".join(f.text.split())[:EVIDENCE_TEXT_MAX_CHARS]
        parts.append(f"{text}@{f.start_char}-{f.end_char}")
    return " | ".join(parts)
