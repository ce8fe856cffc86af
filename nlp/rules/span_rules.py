"""The span rules (``targets.jsonl``, ``mentions.jsonl``): loading them, and their spaCy patterns.

:func:`load_span_rules` reads and validates one JSONL file into :class:`SpanRule` objects,
expanding the shared word lists of ``word_lists.json`` (:func:`load_word_lists`);
:func:`check_required_values` checks that the rules give every value the code branches on.
:func:`spacy_patterns`, :func:`matcher_patterns` and :func:`required_words` derive from a
rule what spaCy's matchers, the prefilter and the ConText gate use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calcminer.nlp.errors import Errors, PatternError
from calcminer.nlp.rules.labels import MENTION_LABELS, TARGET_LABELS, VALUED_LABELS
from calcminer.nlp.rules.rule_files import (
    MENTION_FILE,
    NORMALIZATION_FILE,
    RULE_ID_RE,
    TARGET_FILE,
    WORD_LISTS_FILE,
    jsonl_rules,
    load_rule_json,
)
from calcminer.nlp.rules.rule_values import REQUIRED_VALUES

_SPAN_RULE_KEYS = frozenset({"id", "label", "pattern", "value", "description", "requires"})


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
    raw = load_rule_json(path, patterns_dir)
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
                normalization = load_rule_json(patterns_dir / NORMALIZATION_FILE, patterns_dir)
            table = normalization.get(table_name) if isinstance(normalization, dict) else None
            words = list(table) if isinstance(table, dict) else None
        if not RULE_ID_RE.match(name) or not (
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
    for rule_id, raw in jsonl_rules(path, patterns_dir, _SPAN_RULE_KEYS, seen):
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
