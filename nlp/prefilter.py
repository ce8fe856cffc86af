"""Candidate prefilter: which reports can skip the spaCy pipeline, derived from the patterns.

For every rule of interest, one token that the rule cannot match without is taken from the
rule itself (a required token's ``LOWER``/``ORTH``/``TEXT`` value or ``IN`` list, or a word of
a phrase pattern). A report whose text contains none of those words cannot match the rule, so
the pipeline would find nothing there: the prefilter is a superset test, never a guess. No
word list is kept by hand; edit the pattern files and the prefilter follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .patterns import PatternSet, SpanRule

#: Mention labels that decide ``followup_recommended`` without any target.
FOLLOWUP_TRIGGER_LABELS = frozenset({"FOLLOWUP_CUE", "FOLLOWUP_SCHEDULE"})
#: Token-pattern keys whose value is the token's text (case folded by the prefilter).
_TEXT_KEYS = ("LOWER", "ORTH", "TEXT", "NORM")
#: Operators under which a token may be absent from a match.
_OPTIONAL_OPS = frozenset({"?", "*", "!"})


@dataclass(frozen=True)
class Prefilter:
    """Word tests derived from the loaded rules.

    Attributes:
        target_words: Anchor words of the calcification target rules.
        followup_words: Anchor words of the follow-up rules (cues and schedules).
    """

    target_words: frozenset[str]
    followup_words: frozenset[str]

    @classmethod
    def from_patterns(cls, patterns: PatternSet) -> Prefilter:
        """Derive the anchor words from a pattern set."""
        followup_rules = [r for r in patterns.mentions if r.label in FOLLOWUP_TRIGGER_LABELS]
        return cls(
            target_words=frozenset(anchor_words(patterns.targets)),
            followup_words=frozenset(anchor_words(followup_rules)),
        )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_target_re", _word_regex(self.target_words))
        object.__setattr__(self, "_followup_re", _word_regex(self.followup_words))

    def may_have_target(self, text: str) -> bool:
        """Whether a target rule could match the text."""
        return self._search("_target_re", text)

    def may_have_followup(self, text: str) -> bool:
        """Whether a follow-up cue or schedule rule could match the text."""
        return self._search("_followup_re", text)

    def _search(self, name: str, text: str) -> bool:
        pattern: re.Pattern[str] | None = getattr(self, name)
        return pattern is not None and pattern.search(text) is not None


def anchor_words(rules: Iterable[SpanRule]) -> set[str]:
    """Return, for each rule, the words of one required token (lower case), all together.

    Args:
        rules: spaCy span rules (token patterns or phrase patterns).

    Returns:
        The anchor words.

    Raises:
        ValueError: When a rule has no required token with literal text values (e.g. only
            regular expressions): the prefilter could then not be a superset test.
    """
    words: set[str] = set()
    for rule in rules:
        words.update(_rule_anchor(rule))
    return words


def _rule_anchor(rule: SpanRule) -> Sequence[str]:
    if isinstance(rule.pattern, str):
        tokens = rule.pattern.lower().split()
        return [max(tokens, key=len)] if tokens else []
    options: list[list[str]] = []
    for token in rule.pattern:
        if token.get("OP") in _OPTIONAL_OPS:
            continue
        values = _token_texts(token)
        if values:
            options.append(values)
    if not options:
        raise ValueError(
            f"rule {rule.id!r} in {rule.path} has no required token with literal text: "
            "the prefilter cannot be derived from it"
        )
    # Any required token would do; the one whose words are longest is the rarest in text.
    return min(options, key=lambda values: (-min(map(len, values)), len(values)))


def _token_texts(token: dict[str, Any]) -> list[str]:
    for key in _TEXT_KEYS:
        value = token.get(key)
        if isinstance(value, str):
            return [value.lower()]
        if isinstance(value, dict) and isinstance(value.get("IN"), list):
            return [str(v).lower() for v in value["IN"]]
    return []


def _word_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive regex matching any of the words between non-letters."""
    alternatives = sorted({w for w in words if w}, key=len, reverse=True)
    if not alternatives:
        return None
    body = "|".join(re.escape(w) for w in alternatives)
    return re.compile(rf"(?<![^\W\d_])(?:{body})(?![^\W\d_])", re.IGNORECASE)
