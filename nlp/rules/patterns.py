"""Loading and validation of the rule files in ``patterns/`` (the only files NLP code opens)."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from calcminer.nlp.errors import Errors, PatternError
from calcminer.nlp.rules.labels import MENTION_LABELS, TARGET_LABELS, VALUED_LABELS
from calcminer.nlp.rules.normalization_schema import NORMALIZATION_SCHEMA, first_problem
from calcminer.nlp.rules.rule_values import REQUIRED_VALUES

TARGET_FILE = "targets.jsonl"
MENTION_FILE = "mentions.jsonl"
CONTEXT_FILE = "context_rules.json"
SECTION_FILE = "section_rules.json"
NORMALIZATION_FILE = "normalization.json"
CONFIG_FILE = "config.toml"
WORD_LISTS_FILE = "word_lists.json"
PATTERN_FILES = (
    TARGET_FILE,
    MENTION_FILE,
    CONTEXT_FILE,
    SECTION_FILE,
    NORMALIZATION_FILE,
    CONFIG_FILE,
    WORD_LISTS_FILE,
)

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
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_SPAN_RULE_KEYS = frozenset({"id", "label", "pattern", "value", "description", "requires"})
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
    "triage": frozenset(
        {"urgent_size_mm", "workup_if_multiple", "workup_if_bile_duct", "workup_if_diffuse"}
    ),
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
class SpanRule:
    """One spaCy span pattern from a JSONL file.

    Attributes:
        id: Stable snake_case rule id, recorded on what it matches.
        label: Span label.
        pattern: spaCy token pattern (list of token dicts) or phrase string.
        value: Normalized value (organ name, count, modality ...), when the label has one.
        description: What the rule is for.
        path: File the rule came from.
        requires: Mention labels that must also occur in the target's sentence for the match
            to be a target (e.g. an acoustic ``SHADOW``, an intrahepatic ``DUCT``).
    """

    id: str
    label: str
    pattern: list[dict[str, Any]] | str
    value: str | None
    description: str
    path: str
    requires: tuple[str, ...] = ()


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


def _read_text(path: Path, patterns_dir: Path) -> str:
    if not path.is_file():
        raise PatternError(Errors.E001.format(path=path, patterns_dir=patterns_dir))
    return path.read_text(encoding="utf-8")


def _load_json(path: Path, patterns_dir: Path) -> Any:
    text = _read_text(path, patterns_dir)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise PatternError(Errors.E002.format(path=path, line=e.lineno, detail=e.msg)) from e


def check_rule_id(rule_id: Any, path: Path, where: str, seen: dict[str, str]) -> str:
    """Check a rule id (present, snake_case, unique across ``seen``) and record it."""
    if not isinstance(rule_id, str) or not rule_id:
        raise PatternError(Errors.E006.format(path=path, line=where))
    if not _ID_RE.match(rule_id):
        raise PatternError(
            Errors.E007.format(rule_id=rule_id, path=path, detail="ids must be snake_case")
        )
    if rule_id in seen:
        raise PatternError(Errors.E004.format(rule_id=rule_id, path=path, first_path=seen[rule_id]))
    seen[rule_id] = str(path)
    return rule_id


def check_rule_keys(
    raw: Mapping[str, Any], allowed: frozenset[str], rule_id: str, path: Path
) -> None:
    """Raise E003 when a rule has keys outside ``allowed``."""
    unknown = set(raw) - allowed
    if unknown:
        raise PatternError(
            Errors.E003.format(
                rule_id=rule_id, path=path, keys=sorted(unknown), allowed=sorted(allowed)
            )
        )


#: Where a token pattern may name a shared word list (``{"LOWER": {"IN": "@size_units"}}``).
_LIST_OPERATORS = ("IN", "NOT_IN")


def load_word_lists(
    patterns_dir: Path, normalization: Mapping[str, Any] | None = None
) -> dict[str, tuple[str, ...]]:
    """Read ``word_lists.json``: the word lists token patterns share, by name.

    A list gives its ``words``, or ``keys_of``: a table of ``normalization.json`` whose keys
    are its words (the size units are the keys of ``unit_to_mm``, one list for the patterns,
    the size parser and the table readers).

    Args:
        patterns_dir: The patterns folder.
        normalization: Its ``normalization.json``, when already read (else read here if a
            list needs it).

    Raises:
        PatternError: E001 when a file is missing, E002 on bad JSON, E007 on a list that is
            not a non-empty list of strings or names no table of string keys.
    """
    path = patterns_dir / WORD_LISTS_FILE
    raw = _load_json(path, patterns_dir)
    lists = raw.get("lists") if isinstance(raw, dict) else None
    if not isinstance(lists, dict):
        raise PatternError(
            Errors.E007.format(rule_id="lists", path=path, detail="expected an object 'lists'")
        )
    out: dict[str, tuple[str, ...]] = {}
    for name, entry in lists.items():
        entry = entry if isinstance(entry, dict) else {}
        words = entry.get("words")
        table_name = entry.get("keys_of")
        if isinstance(table_name, str) and words is None:
            if normalization is None:
                normalization = _load_json(patterns_dir / NORMALIZATION_FILE, patterns_dir)
            table = normalization.get(table_name) if isinstance(normalization, dict) else None
            words = list(table) if isinstance(table, dict) else None
        if not _ID_RE.match(name) or not (
            isinstance(words, list) and words and all(isinstance(w, str) and w for w in words)
        ):
            raise PatternError(
                Errors.E007.format(
                    rule_id=name,
                    path=path,
                    detail="a word list needs a snake_case name and either 'words', a non-empty "
                    f"list of non-empty strings, or 'keys_of', a table of {NORMALIZATION_FILE} "
                    "with string keys",
                )
            )
        out[name] = tuple(words)
    return out


def _expand_word_lists(
    pattern: list[dict[str, Any]],
    word_lists: Mapping[str, tuple[str, ...]],
    rule_id: str,
    path: Path,
) -> list[dict[str, Any]]:
    """The token pattern with every ``"@name"`` list reference replaced by that list."""
    expanded = []
    for token in pattern:
        new_token = dict(token)
        for attr, test in token.items():
            if not isinstance(test, dict):
                continue
            for op in _LIST_OPERATORS:
                ref = test.get(op)
                if not (isinstance(ref, str) and ref.startswith("@")):
                    continue
                words = word_lists.get(ref[1:])
                if words is None:
                    raise PatternError(
                        Errors.E007.format(
                            rule_id=rule_id,
                            path=path,
                            detail=f"unknown word list {ref!r}; the lists of "
                            f"{WORD_LISTS_FILE} are {sorted(word_lists)}",
                        )
                    )
                new_token[attr] = {**new_token[attr], op: list(words)}
        expanded.append(new_token)
    return expanded


def load_span_rules(
    path: Path,
    patterns_dir: Path,
    labels: frozenset[str],
    seen: dict[str, str],
    word_lists: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[SpanRule, ...]:
    """Read and validate a spaCy pattern JSONL file (``{"id", "label", "pattern"}`` per line).

    Args:
        path: The JSONL file.
        patterns_dir: Directory it belongs to (for messages).
        labels: Labels allowed in this file.
        seen: Ids seen so far across files, updated in place.
        word_lists: The shared word lists (``word_lists.json``); None reads them from
            ``patterns_dir``. A token's ``"IN": "@name"`` becomes the list ``name``.

    Returns:
        The rules in file order, word lists expanded.

    Raises:
        PatternError: On bad JSON, unknown keys, labels or word lists, missing or duplicate ids.
    """
    if word_lists is None:
        word_lists = load_word_lists(patterns_dir)
    rules: list[SpanRule] = []
    for lineno, line in enumerate(_read_text(path, patterns_dir).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as e:
            raise PatternError(Errors.E002.format(path=path, line=lineno, detail=e.msg)) from e
        if not isinstance(raw, dict):
            raise PatternError(Errors.E006.format(path=path, line=lineno))
        rule_id = check_rule_id(raw.get("id"), path, str(lineno), seen)
        check_rule_keys(raw, _SPAN_RULE_KEYS, rule_id, path)
        label = raw.get("label")
        if label not in labels:
            raise PatternError(
                Errors.E005.format(rule_id=rule_id, path=path, label=label, known=sorted(labels))
            )
        pattern = raw.get("pattern")
        if not (isinstance(pattern, str) and pattern) and not (
            isinstance(pattern, list) and pattern and all(isinstance(t, dict) for t in pattern)
        ):
            raise PatternError(
                Errors.E007.format(
                    rule_id=rule_id,
                    path=path,
                    detail="'pattern' must be a phrase or a non-empty list of token dicts",
                )
            )
        if isinstance(pattern, list):
            pattern = _expand_word_lists(pattern, word_lists, rule_id, path)
        requires = raw.get("requires", [])
        if not isinstance(requires, list) or not set(requires) <= MENTION_LABELS:
            raise PatternError(
                Errors.E007.format(
                    rule_id=rule_id,
                    path=path,
                    detail=f"'requires' must list mention labels of {sorted(MENTION_LABELS)}",
                )
            )
        value = raw.get("value")
        if label in VALUED_LABELS and not isinstance(value, str):
            raise PatternError(
                Errors.E007.format(
                    rule_id=rule_id, path=path, detail=f"label {label} needs a string 'value'"
                )
            )
        rules.append(
            SpanRule(
                id=rule_id,
                label=label,
                pattern=pattern,
                value=value if isinstance(value, str) else None,
                description=str(raw.get("description", "")),
                path=str(path),
                requires=tuple(requires),
            )
        )
    return tuple(rules)


def load_context_rules(
    path: Path, patterns_dir: Path, seen: dict[str, str]
) -> tuple[dict[str, Any], ...]:
    """Read and validate ConText rules in medspaCy's JSON schema, each with ``metadata.id``."""
    data = _load_json(path, patterns_dir)
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
    data = _load_json(path, patterns_dir)
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


def check_required_values(patterns_dir: Path, rules: Iterable[SpanRule]) -> None:
    """Check that every value the code branches on is the value of a rule of its label.

    Args:
        patterns_dir: The directory the rules came from (for messages).
        rules: The loaded target and mention rules.

    Raises:
        PatternError: E013, naming the label, the value and the file, for the first value of
            :data:`calcminer.nlp.rules.rule_values.REQUIRED_VALUES` that no rule has.
    """
    present = {(r.label, r.value) for r in rules}
    for label, values in sorted(REQUIRED_VALUES.items()):
        for value in sorted(values):
            if (label, value) not in present:
                name = TARGET_FILE if label in TARGET_LABELS else MENTION_FILE
                raise PatternError(
                    Errors.E013.format(
                        path=patterns_dir / name, label=label, value=value, name=name
                    )
                )


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
    data = _load_json(path, patterns_dir)
    problem = first_problem(data, NORMALIZATION_SCHEMA)
    if problem is not None:
        raise PatternError(Errors.E011.format(path=path, detail=problem))
    return data


def load_config(path: Path, patterns_dir: Path) -> Mapping[str, Any]:
    """Read ``config.toml`` and check its sections and keys."""
    text = _read_text(path, patterns_dir)
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


def spacy_patterns(rules: Sequence[SpanRule]) -> list[dict[str, Any]]:
    """Return rules in the form ``SpanRuler.add_patterns`` takes (see :func:`matcher_patterns`)."""
    return [
        {"label": r.label, "pattern": pattern, "id": r.id}
        for r in rules
        for pattern in matcher_patterns(r.pattern)
    ]


#: Token attributes whose ``IN`` list on a pattern's first token is split into one pattern
#: per value.
_SPLIT_FIRST_KEYS = ("LOWER", "ORTH", "TEXT", "NORM")


#: Operators under which a pattern token may be absent from a match.
OPTIONAL_OPS = frozenset({"?", "*", "!"})
#: Pattern keys whose value is the token's text (read lower-cased by :func:`required_words`).
TEXT_KEYS = ("LOWER", "ORTH", "TEXT")


def required_words(pattern: list[dict[str, Any]]) -> list[frozenset[str]]:
    """For each required token of a token pattern that names its words, those words.

    A token without ``OP`` ``?``, ``*`` or ``!`` must be in every match; when it gives its
    text (``LOWER``, ``ORTH`` or ``TEXT``, as a string or an ``IN`` list), a match needs a
    token whose lower-cased text is one of them. Tokens given otherwise (``REGEX``, ``NORM``,
    flags, an empty ``IN``) are left out, so the list is a necessary condition, never too
    strict. The prefilter, the ConText gate and the mention matcher's groups all read it.
    """
    required = []
    for token in pattern:
        if token.get("OP") in OPTIONAL_OPS:
            continue
        for key in TEXT_KEYS:
            value = token.get(key)
            if isinstance(value, str):
                required.append(frozenset({value.lower()}))
                break
            if isinstance(value, dict) and isinstance(value.get("IN"), list):
                if value["IN"]:
                    required.append(frozenset(str(v).lower() for v in value["IN"]))
                break
    return required


def matcher_patterns(pattern: list[dict[str, Any]] | str) -> list[list[dict[str, Any]] | str]:
    """The spaCy patterns of one rule, with a first-token ``IN`` list split into equalities.

    spaCy's Matcher tests an ``IN`` list through a Python predicate at every token for every
    pattern; a plain ``{"LOWER": "word"}`` is a fast attribute comparison. A rule whose first
    token is ``{"LOWER": {"IN": [a, b]}}`` (and nothing else) therefore becomes the patterns
    ``[{"LOWER": a}, ...]`` and ``[{"LOWER": b}, ...]``: the same matches under the same id.
    Phrase patterns and other first tokens are returned unchanged.
    """
    if isinstance(pattern, str) or not pattern:
        return [pattern]
    first, rest = pattern[0], pattern[1:]
    if len(first) != 1:
        return [pattern]
    key, value = next(iter(first.items()))
    if key not in _SPLIT_FIRST_KEYS or not isinstance(value, dict) or set(value) != {"IN"}:
        return [pattern]
    values = value["IN"]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return [pattern]
    return [[{key: v}, *rest] for v in dict.fromkeys(values)]
