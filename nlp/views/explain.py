"""Explain the miner to people: one report in the terminal (``show``), the rules (``rules``),
and a check of a rule folder (``validate-patterns``).

Nothing here logs; ``show`` prints the report text because the user handed it over to be
shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text

from calcminer.nlp.errors import CalcminerError, Errors
from calcminer.nlp.mining.triage import TRIAGE_RULES
from calcminer.nlp.rules.patterns import (
    CONFIG_FILE,
    CONTEXT_FILE,
    MENTION_FILE,
    MENTION_LABELS,
    NORMALIZATION_FILE,
    SECTION_FILE,
    TARGET_FILE,
    TARGET_LABELS,
    WORD_LISTS_FILE,
    SpanRule,
    check_required_values,
    default_patterns_dir,
    load_config,
    load_context_rules,
    load_normalization,
    load_section_rules,
    load_span_rules,
    load_word_lists,
)
from calcminer.nlp.schema import (
    Finding,
    RecordError,
    Report,
    ReportResult,
    parse_modifier_span,
    parse_word_span,
)

#: Styles of ``show`` (rich style strings).
STYLE_COUNTED = "bold black on yellow"
STYLE_EXCLUDED = "strike dim"
STYLE_MODIFIER = "bold underline magenta"
STYLE_RECOMMENDATION = "bold underline green"
TRIAGE_STYLES: dict[str, str] = {
    "urgent": "bold white on red",
    "workup": "bold black on dark_orange",
    "benign": "bold black on green",
    "none": "bold",
}
#: Marks put around targets and modifiers when color is off (a pipe or a file).
PLAIN_TARGET_MARKS = ("[", "]")
PLAIN_MODIFIER_MARKS = ("<", ">")
PLAIN_RECOMMENDATION_MARKS = ("{", "}")
#: Longest pattern text shown by ``rules``.
PATTERN_PREVIEW_CHARS = 70
#: How ``show`` writes a missing value (a count or size the report does not state).
MISSING_VALUE = "none"
#: The kinds of rule the catalogue lists (:attr:`RuleInfo.kind`), in its order.
RULE_KINDS: tuple[str, ...] = ("target", "mention", "context", "section", "modality", "triage")


# --- show --------------------------------------------------------------------------------------


def _shown(value: object) -> str:
    """A value as ``show`` prints it: :data:`MISSING_VALUE` for None (never Python's ``None``)."""
    return MISSING_VALUE if value is None else str(value)


def _attributes(finding: Finding) -> str:
    parts = []
    if finding.size_mm is not None:
        parts.append(f"size {finding.size_mm:g} mm")
    if finding.count is not None:
        parts.append(f"count {finding.count}")
    elif finding.multiple:
        parts.append("multiple")
    if finding.segments:
        parts.append("segments " + ", ".join(finding.segments))
    if finding.lobes:
        parts.append("lobes " + ", ".join(finding.lobes))
    parts.append(f"bile duct {'yes' if finding.bile_duct else 'no'}")
    parts.append(f"diffuse {'yes' if finding.diffuse else 'no'}")
    return " · ".join(parts)


def render_show(text: str, result: ReportResult, *, color: bool) -> Text:
    """Render one report for the terminal: highlighted text, then targets, then triage.

    Args:
        text: The report text.
        result: The miner's result for it.
        color: Style targets, modifiers and recommendation words; without color, targets are
            put in ``[...]``, modifiers in ``<...>`` and recommendation words in ``{...}`` so
            the output still shows them (pipes, files, NO_COLOR).

    Returns:
        A rich Text; print it with a rich Console (``markup=False``: text is never parsed).
    """
    out = Text()
    out.append(f"Report {result.report_id}\n\n", style="bold")
    marks: list[tuple[int, int, str, tuple[str, str]]] = []
    for finding in result.findings:
        style = STYLE_COUNTED if finding.counted else STYLE_EXCLUDED
        marks.append((finding.start_char, finding.end_char, style, PLAIN_TARGET_MARKS))
        for raw in finding.modifier_spans:
            span = parse_modifier_span(raw)
            marks.append((span.start, span.end, STYLE_MODIFIER, PLAIN_MODIFIER_MARKS))
    for recommendation in result.recommendations:
        for raw in recommendation.word_spans:
            _label, start, end = parse_word_span(raw)
            marks.append((start, end, STYLE_RECOMMENDATION, PLAIN_RECOMMENDATION_MARKS))
    body = Text(text)
    if color:
        for start, end, style, _ in marks:
            body.stylize(style, start, end)
    else:
        body = Text(_bracketed(text, [(s, e, m) for s, e, _, m in marks]))
    out.append_text(body)
    out.append("\n\n")
    if not result.findings:
        out.append("No calcification target in this report.\n")
    for number, finding in enumerate(result.findings, start=1):
        words = text[finding.start_char : finding.end_char]
        out.append(f"{number}. ", style="bold")
        out.append(repr(words))
        out.append(f"  {finding.label}, pattern {finding.pattern_id}, ")
        out.append(f"chars {finding.start_char}-{finding.end_char}\n")
        if finding.counted:
            out.append("   counted", style="bold green" if color else "")
        else:
            out.append(
                f"   excluded: {_shown(finding.exclusion_reason)}",
                style="bold red" if color else "",
            )
        out.append(f" · organ {finding.organ} · section {finding.section}\n")
        out.append(f"   {_attributes(finding)}\n")
        out.append(f"   assertion {finding.assertion}")
        modifiers = [parse_modifier_span(raw) for raw in finding.modifier_spans]
        if modifiers:
            shown = ", ".join(
                f"{text[m.start : m.end]!r} ({m.category}, rule {m.rule_id})" for m in modifiers
            )
            out.append(f" because of {shown}")
        out.append("\n")
    if result.recommendations:
        out.append("\nFollow-up recommendations:\n")
    for number, rec in enumerate(result.recommendations, start=1):
        interval = "-" if rec.interval_days is None else f"{rec.interval_days} days"
        out.append(f"R{number}. ", style="bold")
        out.append(repr(rec.text))
        out.append(f"  chars {rec.start_char}-{rec.end_char}\n")
        out.append(
            f"   modality {rec.modality} · interval {interval} · "
            f"conditional {'yes' if rec.conditional else 'no'} · subject {rec.subject or '-'} · "
            f"concerns liver {'yes' if rec.concerns_liver else 'no'}\n"
        )
        out.append(f"   rules: {', '.join(rec.rule_ids)}\n")
    out.append("\nTriage: ")
    out.append(
        f" {result.triage} ", style=TRIAGE_STYLES.get(result.triage, "bold") if color else ""
    )
    out.append(f"  rules: {', '.join(result.triage_rules)}\n")
    out.append(f"{result.triage_reason}\n")
    fields = (
        f"calcification {str(result.calcification).lower()} · count {_shown(result.count)} · "
        f"count_category {result.count_category} · max_size_mm {_shown(result.max_size_mm)} · "
        f"segments {', '.join(result.segments) or '-'} · lobes {', '.join(result.lobes) or '-'} · "
        f"bile_duct {str(result.bile_duct).lower()} · diffuse {str(result.diffuse).lower()} · "
        f"followup_recommended {str(result.followup_recommended).lower()} · "
        f"liver_followup_recommended {str(result.liver_followup_recommended).lower()}"
    )
    out.append(fields + "\n")
    return out


def _bracketed(text: str, marks: Iterable[tuple[int, int, tuple[str, str]]]) -> str:
    """Insert opening and closing marks at span offsets (inner marks close first)."""
    inserts: dict[int, list[tuple[int, str]]] = {}
    for start, end, (left, right) in marks:
        # Openings of longer spans go first; closings of shorter spans go first.
        inserts.setdefault(start, []).append((-(end - start) * 2 + 1, left))
        inserts.setdefault(end, []).append((-1_000_000_000 + (end - start), right))
    pieces = []
    previous = 0
    for offset in sorted(inserts):
        pieces.append(text[previous:offset])
        pieces.extend(mark for _, mark in sorted(inserts[offset], key=lambda item: item[0]))
        previous = offset
    pieces.append(text[previous:])
    return "".join(pieces)


# --- rules -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInfo:
    """One loaded rule, for ``calcminer rules``.

    Attributes:
        file: Rule file name.
        id: Rule id.
        kind: ``target``, ``mention``, ``context``, ``section``, ``modality`` or ``triage``.
        label: Label, ConText category or section category.
        pattern: The phrase or token pattern (shortened).
        description: What the rule is for.
    """

    file: str
    id: str
    kind: str
    label: str
    pattern: str
    description: str


def _preview(pattern: Any) -> str:
    text = pattern if isinstance(pattern, str) else json.dumps(pattern, ensure_ascii=False)
    if len(text) <= PATTERN_PREVIEW_CHARS:
        return text
    return text[: PATTERN_PREVIEW_CHARS - 3] + "..."


def rule_catalogue(patterns_dir: str | Path | None = None) -> list[RuleInfo]:
    """List every rule of a patterns folder (and the triage rules), in file order.

    Args:
        patterns_dir: Folder of rule files; None for the packaged ``patterns/``.

    Returns:
        One entry per rule.

    Raises:
        PatternError: When a rule file is invalid (run ``validate-patterns`` for all problems).
    """
    from calcminer.nlp.audit import MODALITY_FILE, load_audit_config
    from calcminer.nlp.rules.patterns import load_patterns

    patterns = load_patterns(patterns_dir)
    out: list[RuleInfo] = []
    for kind, rules in (("target", patterns.targets), ("mention", patterns.mentions)):
        for rule in rules:
            label = rule.label if rule.value is None else f"{rule.label}={rule.value}"
            out.append(
                RuleInfo(
                    Path(rule.path).name,
                    rule.id,
                    kind,
                    label,
                    _preview(rule.pattern),
                    rule.description,
                )
            )
    for raw in patterns.context_rules:
        meta = raw.get("metadata") or {}
        out.append(
            RuleInfo(
                CONTEXT_FILE,
                str(meta.get("id", "")),
                "context",
                f"{raw.get('category', '')} {raw.get('direction', '')}".strip(),
                _preview(raw.get("pattern") or raw.get("literal", "")),
                str(meta.get("description", "")),
            )
        )
    for header in patterns.sections:
        out.append(
            RuleInfo(
                SECTION_FILE,
                header.id,
                "section",
                f"{header.category} ({header.kind}, {header.part})",
                header.literal,
                "",
            )
        )
    audit = load_audit_config(patterns_dir)
    for modality in audit.modality_rules:
        case = "case-sensitive" if modality.case_sensitive else ""
        out.append(
            RuleInfo(MODALITY_FILE, modality.id, "modality", modality.label, modality.pattern, case)
        )
    out += [
        RuleInfo("nlp/mining/triage.py", rule.id, "triage", rule.level, "", rule.description)
        for rule in TRIAGE_RULES
    ]
    return out


# --- validate-patterns -------------------------------------------------------------------------


@dataclass(frozen=True)
class PatternProblem:
    """One problem found in a rule folder: the file, the coded message (it names the rule)."""

    file: str
    code: str
    message: str


def validate_patterns(patterns_dir: str | Path | None = None) -> list[PatternProblem]:
    """Check every rule file of a folder, each on its own, then build the pipeline.

    Unlike loading (which stops at the first problem), this reports the first problem of each
    file, so a clinician editing several files sees them all at once. When every file loads,
    the spaCy pipeline is built too, which checks the token patterns against spaCy's schema.

    Args:
        patterns_dir: The folder; None for the packaged ``patterns/``.

    Returns:
        The problems; empty when the folder is valid.
    """
    from calcminer.nlp.audit import AUDIT_CONFIG_FILE, MODALITY_FILE, load_audit_config

    directory = Path(patterns_dir) if patterns_dir is not None else default_patterns_dir()
    seen: dict[str, str] = {}
    #: The span rules of the files that loaded, by file name.
    span_rules: dict[str, tuple[SpanRule, ...]] = {}
    #: The shared word lists, read once for both span files (None until they load).
    word_lists: dict[str, dict[str, tuple[str, ...]]] = {}

    def load_lists() -> None:
        word_lists["lists"] = load_word_lists(directory)

    def load_spans(name: str, labels: frozenset[str]) -> None:
        if "lists" not in word_lists:
            return  # the span files name the lists: word_lists.json's own problem is reported
        lists = word_lists["lists"]
        span_rules[name] = load_span_rules(directory / name, directory, labels, seen, lists)

    checks: list[tuple[str, Callable[[], object]]] = [
        (WORD_LISTS_FILE, load_lists),
        (TARGET_FILE, lambda: load_spans(TARGET_FILE, TARGET_LABELS)),
        (MENTION_FILE, lambda: load_spans(MENTION_FILE, MENTION_LABELS)),
        (CONTEXT_FILE, lambda: load_context_rules(directory / CONTEXT_FILE, directory, seen)),
        (SECTION_FILE, lambda: load_section_rules(directory / SECTION_FILE, directory, seen)),
        (NORMALIZATION_FILE, lambda: load_normalization(directory / NORMALIZATION_FILE, directory)),
        (CONFIG_FILE, lambda: load_config(directory / CONFIG_FILE, directory)),
        (f"{AUDIT_CONFIG_FILE} + {MODALITY_FILE}", lambda: load_audit_config(directory)),
    ]
    problems: list[PatternProblem] = []
    for name, check in checks:
        try:
            check()
        except CalcminerError as e:
            problems.append(PatternProblem(name, e.code, str(e)))
    if TARGET_FILE in span_rules and MENTION_FILE in span_rules:
        # The values the code branches on, once both rule files load.
        try:
            check_required_values(directory, (*span_rules[TARGET_FILE], *span_rules[MENTION_FILE]))
        except CalcminerError as e:
            problems.append(PatternProblem(f"{TARGET_FILE} + {MENTION_FILE}", e.code, str(e)))
    if problems:
        return problems
    try:
        from calcminer.nlp.mining.miner import Miner

        Miner(directory)
    except CalcminerError as e:
        problems.append(PatternProblem("(pipeline)", e.code, str(e)))
    except (ValueError, KeyError, TypeError) as e:
        # spaCy rejects a token pattern it cannot compile; its message names the rule id.
        message = Errors.E010.format(kind=type(e).__name__, detail=str(e).strip())
        problems.append(PatternProblem("(pipeline)", "E010", message))
    return problems


def format_rules(rules: Iterable[RuleInfo]) -> str:
    """Render rules as an aligned plain-text table (kind, id, label, pattern, description)."""
    rows = [("kind", "id", "label", "pattern", "description")]
    rows += [(r.kind, r.id, r.label, r.pattern, r.description) for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        + "  "
        + row[4]
        for row in rows
    ]
    lines.append(f"{len(rows) - 1} rule(s)")
    return "\n".join(line.rstrip() for line in lines)


def pick_report(
    text: str | None,
    file: Path | None,
    report_id: str | None,
    *,
    id_col: str = "report_id",
    text_col: str = "text",
    delimiter: str | None = None,
    encoding: str | None = None,
) -> Report:
    """The report ``calcminer show`` explains: the TEXT argument, a .txt file, or one record
    (``delimiter`` and ``encoding`` say how a text file is read).

    Raises:
        CalcminerError: E220 when neither or both of TEXT and --file are given, E221 when a
            tabular file holds several reports and no --id, E222 when --id is not found,
            E223 when the chosen record cannot be used; input errors (E1xx) as for extract.
    """
    from calcminer.nlp.io.readers import read_reports

    if text is not None and file is None:
        return Report(report_id="text", text=text)
    if file is None or text is not None:  # neither, or both
        raise CalcminerError(Errors.E220)
    chosen: Report | RecordError | None = None
    records = read_reports(
        [file], id_col=id_col, text_col=text_col, delimiter=delimiter, encoding=encoding
    )
    for item in records:
        if report_id is None:
            if chosen is not None:
                raise CalcminerError(Errors.E221.format(path=file))
            chosen = item
        elif item.report_id == report_id:
            chosen = item
            break
    if chosen is None:
        raise CalcminerError(Errors.E222.format(path=file, report_id=report_id))
    if isinstance(chosen, RecordError):
        raise CalcminerError(Errors.E223.format(path=file, line=chosen.line, reason=chosen.reason))
    return chosen
