"""Loading and validation of the rule files in ``patterns/`` (the only files NLP code opens).

:func:`load_patterns` reads a whole folder into a :class:`PatternSet`; this module also owns
the ConText and section rules, ``normalization.json`` (checked against
:data:`~calcminer.nlp.rules.normalization_schema.NORMALIZATION_SCHEMA`), ``config.toml`` and
saving a pattern set beside a component (:func:`write_pattern_set`). The span rules and the
spaCy patterns they give are in :mod:`calcminer.nlp.rules.span_rules`, the file names and the
checks every rule passes in :mod:`calcminer.nlp.rules.rule_files`; their names are importable
from here too.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from calcminer.nlp.errors import Errors, PatternError
from calcminer.nlp.rules.labels import MENTION_LABELS, TARGET_LABELS
from calcminer.nlp.rules.normalization_schema import NORMALIZATION_SCHEMA, first_problem
from calcminer.nlp.rules.rule_files import (
    CONFIG_FILE,
    CONTEXT_FILE,
    MENTION_FILE,
    NORMALIZATION_FILE,
    PATTERN_FILES,
    SECTION_FILE,
    TARGET_FILE,
    WORD_LISTS_FILE,
    check_rule_id,
    check_rule_keys,
    load_rule_json,
    read_rule_text,
)
from calcminer.nlp.rules.span_rules import (
    OPTIONAL_OPS,
    TEXT_KEYS,
    SpanRule,
    check_required_values,
    load_span_rules,
    load_word_lists,
    matcher_patterns,
    required_words,
    spacy_patterns,
)
from calcminer.nlp.rules.triage_rules import TRIAGE_SETTINGS

CONTEXT_CATEGORIES = frozenset(
    {
        "NEGATED_EXISTENCE",
        "POSSIBLE_EXISTENCE",
        "HISTORICAL",
        "HYPOTHETICAL",
        "CURRENT",
        "CORRESPONDING",
        "CONTENTS",
        "PSEUDO",
        "TERMINATE",
    }
)
SECTION_KINDS = frozenset({"top", "organ"})
SECTION_PARTS = frozenset({"body", "impression", "excluded"})
_CONTEXT_RULE_KEYS = frozenset(
    {
        "literal",
        "category",
        "direction",
        "pattern",
        "max_scope",
        "max_targets",
        "allowed_types",
        "excluded_types",
        "terminated_by",
        "metadata",
    }
)
_SECTION_RULE_KEYS = frozenset({"literal", "category", "pattern", "metadata"})
_CONFIG_KEYS: Mapping[str, frozenset[str]] = {
    # The setting keys of the triage-rule table: a new rule's setting is accepted here.
    "triage": frozenset(TRIAGE_SETTINGS),
    "linking": frozenset(
        {
            "max_premodifier_gap_tokens",
            "max_postmodifier_distance_tokens",
            "max_prior_cue_gap_tokens",
            "max_mimic_distance_tokens",
            "max_identity_gap_tokens",
            "max_apposition_tokens",
            "max_gloss_tokens",
            "max_continued_sentences",
            "max_list_items",
            "min_run_on_double_spaces",
        }
    ),
    "sizes": frozenset({"min_plausible_size_mm", "max_plausible_size_mm", "max_duct_calibre_mm"}),
    "density": frozenset({"min_calcific_density_hu"}),
    "recommendations": frozenset(
        {
            "days_per_day",
            "days_per_week",
            "days_per_month",
            "days_per_year",
            "days_per_half_year",
            "max_subject_tokens",
            "max_cue_object_distance_tokens",
            "max_look_back_clauses",
            "max_exam_modifier_words",
        }
    ),
    "input": frozenset(
        {
            "max_carried_columns",
            "max_csv_record_lines",
            "max_report_id_chars",
            "check_csv_id_shape",
        }
    ),
}


@dataclass(frozen=True)
class SectionHeader:
    """A section header literal from ``section_rules.json``.

    Attributes:
        id: Rule id.
        literal: Header words (lower case, without the colon).
        category: Section category (``liver``, ``impression`` ...).
        kind: ``top`` (a report part) or ``organ`` (an organ sub-section of the findings).
        part: ``body``, ``impression`` or ``excluded``.
    """

    id: str
    literal: str
    category: str
    kind: str
    part: str


@dataclass(frozen=True)
class PatternSet:
    """Everything loaded from one patterns directory, validated.

    Attributes:
        directory: The directory the files came from.
        targets: Target rules (calcification mentions).
        mentions: Attribute and cue rules.
        context_rules: medspaCy ConText rule dicts (schema of ``ConTextRule.from_dict``).
        sections: Section header rules.
        normalization: Normalization tables.
        config: Parsed ``config.toml``, with ``overrides`` applied.
        values: Each span rule's normalized ``value``, by rule id.
        overrides: The configuration values that replaced those of ``config.toml``.
        fingerprint: SHA-256 of the rule files' bytes and the overrides: equal fingerprints,
            equal rules (worker processes key their miner by it).
    """

    directory: str
    targets: tuple[SpanRule, ...]
    mentions: tuple[SpanRule, ...]
    context_rules: tuple[dict[str, Any], ...]
    sections: tuple[SectionHeader, ...]
    normalization: Mapping[str, Any]
    config: Mapping[str, Any]
    values: Mapping[str, str | None] = field(default_factory=dict)
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fingerprint: str = ""

    def rule_value(self, rule_id: str) -> str | None:
        """Return the normalized value of a span rule, or None."""
        return self.values.get(rule_id)


def default_patterns_dir() -> Path:
    """Return the ``patterns/`` directory shipped with the package."""
    return Path(str(files("calcminer") / "patterns"))


def load_context_rules(
    path: Path, patterns_dir: Path, seen: dict[str, str]
) -> tuple[dict[str, Any], ...]:
    """Read and validate ConText rules in medspaCy's JSON schema, each with ``metadata.id``."""
    data = load_rule_json(path, patterns_dir)
    raw_rules = data.get("context_rules") if isinstance(data, dict) else None
    if not isinstance(raw_rules, list):
        raise PatternError(
            Errors.E007.format(rule_id="-", path=path, detail="expected a 'context_rules' list")
        )
    out: list[dict[str, Any]] = []
    for n, raw in enumerate(raw_rules, start=1):
        meta = raw.get("metadata") if isinstance(raw, dict) else None
        rule_id = check_rule_id(
            meta.get("id") if isinstance(meta, dict) else None, path, f"rule {n}", seen
        )
        check_rule_keys(raw, _CONTEXT_RULE_KEYS, rule_id, path)
        category = str(raw.get("category", "")).upper()
        if category not in CONTEXT_CATEGORIES:
            raise PatternError(
                Errors.E005.format(
                    rule_id=rule_id, path=path, label=category, known=sorted(CONTEXT_CATEGORIES)
                )
            )
        if not isinstance(raw.get("literal"), str) or not raw["literal"]:
            raise PatternError(
                Errors.E007.format(rule_id=rule_id, path=path, detail="'literal' is required")
            )
        out.append(raw)
    return tuple(out)


def load_section_rules(
    path: Path, patterns_dir: Path, seen: dict[str, str]
) -> tuple[SectionHeader, ...]:
    """Read and validate section header rules in medspaCy's section-rule JSON schema."""
    data = load_rule_json(path, patterns_dir)
    raw_rules = data.get("section_rules") if isinstance(data, dict) else None
    if not isinstance(raw_rules, list):
        raise PatternError(
            Errors.E007.format(rule_id="-", path=path, detail="expected a 'section_rules' list")
        )
    out: list[SectionHeader] = []
    for n, raw in enumerate(raw_rules, start=1):
        meta = raw.get("metadata") if isinstance(raw, dict) else None
        if not isinstance(meta, dict):
            raise PatternError(Errors.E006.format(path=path, line=f"rule {n}"))
        rule_id = check_rule_id(meta.get("id"), path, f"rule {n}", seen)
        check_rule_keys(raw, _SECTION_RULE_KEYS, rule_id, path)
        kind, part = meta.get("kind"), meta.get("part")
        if kind not in SECTION_KINDS or part not in SECTION_PARTS:
            raise PatternError(
                Errors.E007.format(
                    rule_id=rule_id,
                    path=path,
                    detail=f"metadata.kind must be one of {sorted(SECTION_KINDS)} and "
                    f"metadata.part one of {sorted(SECTION_PARTS)}",
                )
            )
        literal = raw.get("literal")
        category = raw.get("category")
        if not isinstance(literal, str) or not literal or not isinstance(category, str):
            raise PatternError(
                Errors.E007.format(
                    rule_id=rule_id, path=path, detail="'literal' and 'category' are required"
                )
            )
        out.append(
            SectionHeader(
                id=rule_id,
                literal=" ".join(literal.lower().rstrip(":").split()),
                category=category,
                kind=kind,
                part=part,
            )
        )
    return tuple(out)


def load_normalization(path: Path, patterns_dir: Path) -> Mapping[str, Any]:
    """Read ``normalization.json`` and check it against its schema.

    Args:
        path: The file.
        patterns_dir: Directory it belongs to (for messages).

    Returns:
        The tables, as loaded.

    Raises:
        PatternError: E002 on bad JSON; E011 on a missing or unknown table or key, or a value
            of the wrong shape (see ``NORMALIZATION_SCHEMA`` in
            :mod:`calcminer.nlp.rules.normalization_schema`), naming the key path.
    """
    data = load_rule_json(path, patterns_dir)
    problem = first_problem(data, NORMALIZATION_SCHEMA)
    if problem is not None:
        raise PatternError(Errors.E011.format(path=path, detail=problem))
    return data


def load_config(path: Path, patterns_dir: Path) -> Mapping[str, Any]:
    """Read ``config.toml`` and check its sections and keys."""
    text = read_rule_text(path, patterns_dir)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PatternError(Errors.E008.format(path=path, detail=str(e))) from e
    for section, keys in _CONFIG_KEYS.items():
        got = data.get(section)
        if not isinstance(got, dict):
            raise PatternError(Errors.E008.format(path=path, detail=f"missing table [{section}]"))
        missing, unknown = keys - set(got), set(got) - keys
        if missing or unknown:
            raise PatternError(
                Errors.E008.format(
                    path=path,
                    detail=f"[{section}] missing {sorted(missing)}, unknown {sorted(unknown)}",
                )
            )
    unknown_tables = set(data) - set(_CONFIG_KEYS)
    if unknown_tables:
        raise PatternError(
            Errors.E008.format(path=path, detail=f"unknown table(s) {sorted(unknown_tables)}")
        )
    return data


def load_patterns(
    patterns_dir: str | Path | None = None, overrides: Mapping[str, Mapping[str, Any]] | None = None
) -> PatternSet:
    """Load and validate every rule file of a patterns directory.

    Args:
        patterns_dir: Directory holding the files; None for the packaged ``patterns/``.
        overrides: Configuration values to replace, as ``{"triage": {"urgent_size_mm": 25}}``.

    Returns:
        The validated pattern set.

    Raises:
        PatternError: When a file is missing or invalid; the message names the file and rule id.
    """
    directory = Path(patterns_dir) if patterns_dir is not None else default_patterns_dir()
    seen: dict[str, str] = {}
    normalization = load_normalization(directory / NORMALIZATION_FILE, directory)
    lists = load_word_lists(directory, normalization)
    targets = load_span_rules(directory / TARGET_FILE, directory, TARGET_LABELS, seen, lists)
    mentions = load_span_rules(directory / MENTION_FILE, directory, MENTION_LABELS, seen, lists)
    check_required_values(directory, (*targets, *mentions))
    context_rules = load_context_rules(directory / CONTEXT_FILE, directory, seen)
    sections = load_section_rules(directory / SECTION_FILE, directory, seen)
    config = dict(load_config(directory / CONFIG_FILE, directory))
    for section, values in (overrides or {}).items():
        if section not in _CONFIG_KEYS or set(values) - _CONFIG_KEYS[section]:
            raise PatternError(
                Errors.E008.format(
                    path="overrides", detail=f"unknown setting(s) {section}.{sorted(values)}"
                )
            )
        config[section] = {**config[section], **values}
    values_by_id = {r.id: r.value for r in (*targets, *mentions)}
    plain_overrides = {section: dict(values) for section, values in (overrides or {}).items()}
    return PatternSet(
        directory=str(directory),
        targets=targets,
        mentions=mentions,
        context_rules=context_rules,
        sections=sections,
        normalization=normalization,
        config=config,
        values=values_by_id,
        overrides=plain_overrides,
        fingerprint=_fingerprint(directory, plain_overrides),
    )


def _fingerprint(directory: Path, overrides: Mapping[str, Mapping[str, Any]]) -> str:
    """SHA-256 of the rule files (in ``PATTERN_FILES`` order) and the overrides."""
    digest = hashlib.sha256()
    for name in PATTERN_FILES:
        digest.update(name.encode())
        digest.update((directory / name).read_bytes())
    digest.update(json.dumps(overrides, sort_keys=True, default=str).encode())
    return digest.hexdigest()


#: Where :func:`write_pattern_set` puts the configuration overrides beside the rule files.
OVERRIDES_FILE = "overrides.json"


def write_pattern_set(patterns: PatternSet, path: str | Path) -> None:
    """Save a pattern set to a folder that :func:`read_pattern_set` loads again (the rule
    files of its directory, and its overrides). A component's ``to_disk`` uses it."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    source = Path(patterns.directory)
    for name in PATTERN_FILES:
        (folder / name).write_bytes((source / name).read_bytes())
    (folder / OVERRIDES_FILE).write_text(
        json.dumps(patterns.overrides, sort_keys=True), encoding="utf-8"
    )


def read_pattern_set(path: str | Path) -> PatternSet:
    """Load a folder written by :func:`write_pattern_set` (validated like any rule folder)."""
    folder = Path(path)
    overrides_path = folder / OVERRIDES_FILE
    overrides = (
        json.loads(overrides_path.read_text(encoding="utf-8")) if overrides_path.is_file() else {}
    )
    return load_patterns(folder, overrides)


__all__ = [
    "CONFIG_FILE",
    "CONTEXT_CATEGORIES",
    "CONTEXT_FILE",
    "MENTION_FILE",
    "MENTION_LABELS",
    "NORMALIZATION_FILE",
    "OPTIONAL_OPS",
    "OVERRIDES_FILE",
    "PATTERN_FILES",
    "SECTION_FILE",
    "SECTION_KINDS",
    "SECTION_PARTS",
    "TARGET_FILE",
    "TARGET_LABELS",
    "TEXT_KEYS",
    "WORD_LISTS_FILE",
    "PatternSet",
    "SectionHeader",
    "SpanRule",
    "check_required_values",
    "check_rule_id",
    "check_rule_keys",
    "default_patterns_dir",
    "load_config",
    "load_context_rules",
    "load_normalization",
    "load_patterns",
    "load_section_rules",
    "load_span_rules",
    "load_word_lists",
    "matcher_patterns",
    "read_pattern_set",
    "required_words",
    "spacy_patterns",
    "write_pattern_set",
]
