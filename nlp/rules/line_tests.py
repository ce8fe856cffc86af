"""What a line of text must hold for a rule to match there: each rule's line test.

A token pattern's required tokens name their words
(:func:`calcminer.nlp.rules.patterns.required_words`); a line that lacks a word of any of them
cannot hold a match. The prefilter (which reports and lines reach the pipeline) and the
mention matcher (which sentences need the follow-up rules) read these tests; they are facts
about the rules, so they live beside them.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from calcminer.nlp.errors import Errors, PatternError
from calcminer.nlp.rules.patterns import SpanRule, required_words


class RuleTestError(PatternError):
    """E015: a rule has no required token with literal words, so it has no line test.

    ``calcminer.nlp.mining.prefilter_lines.lendable_group`` catches it: a lendable rule whose
    regular expressions need a digit is tested otherwise.
    """


@dataclass(frozen=True)
class RuleTest:
    """What a line must contain for one rule to match there.

    Attributes:
        required: One set per required token; the line needs a word of every set (an
            alphabetic word as a whole word, any other as a substring).
        requires: Mention labels that must also match in the same line.
    """

    required: tuple[frozenset[str], ...]
    requires: tuple[str, ...] = ()
    #: Each required set split into whole words and substrings (for fast line checks).
    split: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = field(
        init=False, repr=False, compare=False
    )

    #: The whole-word parts of the required sets that have no substrings (a line must hold a
    #: word of each), and the required sets that have some.
    alpha: frozenset[frozenset[str]] = field(init=False, repr=False, compare=False)
    mixed: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        split = tuple(
            (frozenset(w for w in s if w.isalpha()), tuple(w for w in s if not w.isalpha()))
            for s in self.required
        )
        object.__setattr__(self, "split", split)
        object.__setattr__(self, "alpha", frozenset(w for w, parts in split if not parts))
        object.__setattr__(self, "mixed", tuple((w, parts) for w, parts in split if parts))

    def line_holds(self, met: AbstractSet[frozenset[str]], line: str) -> bool:
        """Whether a line holds a word of every required set (see ``required``).

        Args:
            met: The whole-word sets of ``split`` that share a word with the line (see
                ``Prefilter._met_sets``); a set with substrings may also be met by one.
            line: The line, lower-cased.
        """
        if not self.alpha <= met:
            return False
        return all(whole in met or any(p in line for p in parts) for whole, parts in self.mixed)

    def anchor(self) -> frozenset[str]:
        """The most selective required set: the one with the fewest words of one or two
        letters ("ct", "us", "mo": whole words in most reports), then the one whose shortest
        word is longest. Any required set would do (a line that passes holds a word of each);
        the choice only decides how many lines are tested."""
        sets = [s for s in self.required if s]
        if not sets:
            return frozenset()
        return min(
            sets,
            key=lambda s: (sum(len(w) <= 2 for w in s), -min(map(len, s)), len(s)),
        )


def rule_test(rule: SpanRule) -> RuleTest:
    """The line test of one rule.

    Raises:
        RuleTestError: E015 when the rule has no required token with literal words (e.g.
            only regular expressions): the prefilter could then not be a superset test.
    """
    if isinstance(rule.pattern, str):
        sets = [frozenset({w}) for w in rule.pattern.lower().split()]
    else:
        sets = required_words(rule.pattern)
    test = RuleTest(tuple(sets), tuple(rule.requires))
    if not test.anchor():
        raise RuleTestError(Errors.E015.format(rule_id=rule.id, path=rule.path))
    return test


def anchor_words(rules: Iterable[SpanRule]) -> set[str]:
    """The words of each rule's most selective required token, all together.

    Raises:
        RuleTestError: E015 as :func:`rule_test`.
    """
    return {w for rule in rules for w in rule_test(rule).anchor()}


__all__ = ["RuleTest", "RuleTestError", "anchor_words", "rule_test"]
