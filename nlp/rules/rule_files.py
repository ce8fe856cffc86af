"""The files of a ``patterns/`` folder: their names, reading one, and the checks every rule passes.

:data:`PATTERN_FILES` names the rule files in their fixed order; :func:`read_rule_text` and
:func:`load_rule_json` read one (E001 when it is missing, E002 on bad JSON);
:func:`check_rule_id` and :func:`check_rule_keys` are the checks every rule of every file
passes (a unique snake_case id, no unknown keys). The loaders of
:mod:`calcminer.nlp.rules.span_rules` and :mod:`calcminer.nlp.rules.patterns` build on them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from calcminer.nlp.errors import Errors, PatternError

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

#: What a rule id and a word list's name look like: snake_case.
RULE_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def read_rule_text(path: Path, patterns_dir: Path) -> str:
    """The text of a rule file (E001 when it is missing)."""
    if not path.is_file():
        raise PatternError(Errors.E001.format(path=path, patterns_dir=patterns_dir))
    return path.read_text(encoding="utf-8")


def load_rule_json(path: Path, patterns_dir: Path) -> Any:
    """The loaded JSON of a rule file (E001 when it is missing, E002 on bad JSON)."""
    text = read_rule_text(path, patterns_dir)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise PatternError(Errors.E002.format(path=path, line=e.lineno, detail=e.msg)) from e


def check_rule_id(rule_id: Any, path: Path, where: str, seen: dict[str, str]) -> str:
    """Check a rule id (present, snake_case, unique across ``seen``) and record it."""
    if not isinstance(rule_id, str) or not rule_id:
        raise PatternError(Errors.E006.format(path=path, line=where))
    if not RULE_ID_RE.match(rule_id):
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


def jsonl_rules(
    path: Path,
    patterns_dir: Path,
    allowed_keys: frozenset[str],
    seen: dict[str, str],
    *,
    not_an_object: str = "E006",
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The rules of a JSON Lines rule file, one ``(rule id, rule)`` per non-blank line.

    Every file of that shape reads through here (the span rules, ``modalities.jsonl``): E001
    when the file is missing, E002 on bad JSON, E003 on an unknown key, E004 on a repeated id
    (``seen``: ids so far across files, updated in place) and E006 on a missing id. A line
    that holds JSON but not an object is E006 (``not_an_object="E002"``: E002, "not an
    object").
    """
    text = read_rule_text(path, patterns_dir)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as e:
            raise PatternError(Errors.E002.format(path=path, line=lineno, detail=e.msg)) from e
        if not isinstance(raw, dict):
            if not_an_object == "E002":
                message = Errors.E002.format(path=path, line=lineno, detail="not an object")
            else:
                message = Errors.E006.format(path=path, line=lineno)
            raise PatternError(message)
        rule_id = check_rule_id(raw.get("id"), path, str(lineno), seen)
        check_rule_keys(raw, allowed_keys, rule_id, path)
        yield rule_id, raw
