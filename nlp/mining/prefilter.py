"""Candidate prefilter: which reports can skip the spaCy pipeline, derived from the patterns.

A rule can only match where each of its required tokens occurs (a token without ``"OP"`` of
``?``, ``*`` or ``!``: its ``LOWER``/``ORTH``/``TEXT`` value or ``IN`` list, or each word of a
phrase pattern). The pipeline never joins a sentence across a line break or ``;``, so all of a
match's tokens lie in one line, and so do the mentions a target rule ``requires`` (an acoustic
shadow, an intrahepatic duct): in its sentence, or for an echogenic focus in the next sentence
of the same line. The prefilter checks exactly that, so it is a superset test: a report it
rejects is one where the pipeline would find nothing. No word list
is kept by hand; edit the pattern files and the prefilter follows.

Two stages keep it fast: the report's words (runs of letters) are looked up in a set of each
rule's rarest required word (an *anchor*: found as a whole word when it is alphabetic, else as
a substring); only the lines that hold an anchor are checked rule by rule. A set lookup costs
the same however many rules there are, where one regular expression of all anchors had to try
every anchor at every character.

:class:`Prefilter` (derived from a pattern set) and its result :class:`CandidateUnits` live
here; the first stage's words, lines and anchor index are in
:mod:`calcminer.nlp.mining.prefilter_lines`, what it knows of the pipeline's sentences in
:mod:`calcminer.nlp.mining.prefilter_sentences`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING

from calcminer.nlp.mining.prefilter_lines import (
    RuleGroup,
    anchor_lines,
    lendable_group,
    lower_and_words,
    same_length_lower,
    start_of_line,
    table_row_pieces,
    text_words,
)
from calcminer.nlp.mining.prefilter_sentences import (
    SENTENCE_CUT,
    PeriodSplit,
    inside_phrase,
    pair_starts,
    phrase_start,
)
from calcminer.nlp.rules.labels import CUE_NEEDS, FOLLOWUP_TRIGGER_LABELS
from calcminer.nlp.rules.line_tests import RuleTest, anchor_words, rule_test
from calcminer.nlp.rules.patterns import PatternSet
from calcminer.nlp.rules.rule_values import LOBED_ORGANS

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: The first stage's line finder under its former name (tests read it from here).
_anchor_lines = anchor_lines
#: The group of no rules (the default of the optional groups).
_NO_RULES = RuleGroup(())

_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class CandidateUnits:
    """Pieces of a text (``(start, end)``, in order) where rules could match.

    Attributes:
        targets: Pieces where a target rule could match (with what it requires).
        followups: Pieces where a follow-up cue or schedule rule could match.
    """

    targets: tuple[tuple[int, int], ...]
    followups: tuple[tuple[int, int], ...]
    #: Whether every follow-up piece has all the pieces before it that a recommendation
    #: naming no organ may read (``Prefilter.followup_context_pieces``).
    look_back_kept: bool = True


@dataclass(frozen=True)
class Prefilter:
    """Line tests derived from the loaded rules.

    Attributes:
        targets: The calcification target rules.
        followups: The follow-up cue and schedule rules.
        by_label: Mention rules by label, for what target rules ``require``.
    """

    targets: RuleGroup
    followups: RuleGroup
    by_label: Mapping[str, tuple[RuleTest, ...]]
    lobed: RuleGroup = _NO_RULES
    #: What a continuing sentence must hold for the linker to take anything from it.
    lendable: RuleGroup = _NO_RULES
    abbreviations: frozenset[str] = frozenset()
    period_split: PeriodSplit | None = None
    #: What starts a sentence about the same foci ("They cast acoustic shadows"): only such
    #: a sentence may hand what a rule requires to the sentence before it.
    same_foci_start: re.Pattern[str] | None = None
    #: An inside phrase anywhere in a sentence ("A 5 mm signal void within it ...").
    inside_previous: re.Pattern[str] | None = None
    #: How many pieces holding a letter are kept before a follow-up piece when a
    #: recommendation that names no organ looks back past the clause before it: as many as
    #: it looks back over clauses (``max_look_back_clauses``). Otherwise one piece is kept,
    #: which holds that clause (see :meth:`candidate_units`).
    followup_context_pieces: int = 1
    #: Characters that separate the cells of a table row ("|"): the rows above a target's
    #: row, up to the table's header, are kept with it (the linker reads the header).
    table_marks: tuple[str, ...] = ()
    #: Most rows below the first row of a table that are its members (``max_list_items``).
    max_title_rows: int = 0
    #: The words that name an organ for a recommendation (``followup.organ_words``): a
    #: follow-up piece or the piece before it that holds one most likely places the
    #: recommendation itself, so only that piece is kept before it at first.
    organ_words: frozenset[str] = frozenset()

    @classmethod
    def from_patterns(
        cls, patterns: PatternSet, tokenizer: Callable[[str], Doc] | None = None
    ) -> Prefilter:
        """Derive the tests from a pattern set.

        Args:
            patterns: The loaded rules.
            tokenizer: The pipeline's tokenizer; with it, :meth:`candidate_units` also cuts
                long lines into sentences (it tells which words keep their period).
        """
        needed = {label for r in patterns.targets for label in r.requires}
        needed |= set(CUE_NEEDS.values())
        by_label: dict[str, list[RuleTest]] = {label: [] for label in needed}
        for rule in patterns.mentions:
            if rule.label in needed:
                by_label[rule.label].append(rule_test(rule))
        followups = []
        for rule in patterns.mentions:
            if rule.label in FOLLOWUP_TRIGGER_LABELS:
                test = rule_test(rule)
                if rule.label in CUE_NEEDS:
                    # As in the linker: a cue recommends only with a follow-up object.
                    test = RuleTest(test.required, (*test.requires, CUE_NEEDS[rule.label]))
                followups.append(test)
        return cls(
            targets=RuleGroup(tuple(rule_test(r) for r in patterns.targets)),
            followups=RuleGroup(tuple(followups)),
            by_label={label: tuple(tests) for label, tests in by_label.items()},
            lobed=RuleGroup(
                tuple(
                    rule_test(r)
                    for r in patterns.mentions
                    if r.label == "ORGAN" and r.value in LOBED_ORGANS
                )
            ),
            lendable=lendable_group(patterns),
            abbreviations=frozenset(
                a.lower() for a in patterns.normalization["sentence_abbreviations"]
            ),
            period_split=PeriodSplit(tokenizer) if tokenizer is not None else None,
            same_foci_start=phrase_start(pair_starts(patterns.normalization)),
            inside_previous=inside_phrase(patterns.normalization),
            followup_context_pieces=int(
                patterns.config["recommendations"]["max_look_back_clauses"]
            ),
            table_marks=tuple(patterns.normalization["table_cell_marks"]["marks"]),
            max_title_rows=int(patterns.config["linking"]["max_list_items"]),
            organ_words=frozenset(
                word
                for key in patterns.normalization["followup"]["organ_words"]
                for word in text_words(str(key).lower())
            ),
        )

    @cached_property
    def _anchor_words(self) -> frozenset[str]:
        """The alphabetic anchors of the target and follow-up groups."""
        return self.targets.whole | self.followups.whole

    @property
    def target_words(self) -> frozenset[str]:
        """The words the first stage looks for (targets)."""
        return frozenset(w for t in self.targets.tests for w in t.anchor())

    def may_have_target(self, text: str) -> bool:
        """Whether a target rule could match the text (with what it requires)."""
        return self._may_match(self.targets, text)

    def may_have_followup(self, text: str) -> bool:
        """Whether a follow-up cue or schedule rule could match the text."""
        return self._may_match(self.followups, text)

    def target_lines(self, text: str) -> list[tuple[int, int]]:
        """``(start, end)`` of every line where a target rule could match, in text order."""
        return self._passing_lines(self.targets, text, first_only=False)

    def followup_lines(self, text: str) -> list[tuple[int, int]]:
        """``(start, end)`` of every line where a follow-up cue or schedule rule could match."""
        return self._passing_lines(self.followups, text, first_only=False)

    def candidate_units(self, text: str, *, look_back: bool = False) -> CandidateUnits:
        """The sentence-sized pieces of the text where a target or follow-up rule could match.

        Lines that pass the line test are cut where a sentence surely starts
        (:meth:`sentence_cuts`), and each piece is tested again, so a paragraph-long line
        keeps only the sentences that matter. Before each follow-up piece, the piece before
        it is kept (it holds the clause before a recommendation, which places one naming no
        organ), or with ``look_back`` the ``followup_context_pieces`` pieces before it (for a
        recommendation that reads the clauses before that one: the miner asks again when the
        pipeline says so).
        """
        lower = same_length_lower(text)
        # Only which anchors occur matters here (``RuleGroup.anchors_in``), so the text's
        # words are looked up in the anchors of both groups instead of all kept in a set.
        lowered = (lower, set(self._anchor_words.intersection(text_words(lower))))
        target_lines = self._passing_lines(self.targets, text, first_only=False, lowered=lowered)
        followup_lines = self._passing_lines(
            self.followups, text, first_only=False, lowered=lowered
        )
        targets = self._units(self.targets, text, target_lines, pairs=True)
        if targets and self.table_marks:
            targets = sorted(
                {*targets, *table_row_pieces(text, targets, self.table_marks, self.max_title_rows)}
            )
        followups = self._units(self.followups, text, followup_lines)
        kept = True
        if followups:
            context, kept = self._followup_context(text, followups, look_back)
            followups = sorted({*followups, *context})
        return CandidateUnits(tuple(targets), tuple(followups), kept)

    def _followup_context(
        self, text: str, units: list[tuple[int, int]], look_back: bool
    ) -> tuple[list[tuple[int, int]], bool]:
        """The pieces before each follow-up piece, back to the ``followup_context_pieces``-th
        one that holds a letter, and whether every follow-up piece got them all.

        Without ``look_back``, a follow-up piece that names an organ, or whose piece before
        it does, gets only that piece: its recommendations most likely read no further (the
        pipeline says when one does, and the miner asks again with ``look_back``).

        A recommendation that names no organ is placed by the clauses before it
        (``calcminer.nlp.pipeline.recommendations``, at most ``max_look_back_clauses``): a
        piece holds one clause or more, so these pieces, and everything between, are mined
        verbatim.
        Pieces are cut as in :meth:`_units` (whole lines, or the sentences of a cut line), so
        they coincide with the other units or do not overlap them.
        """
        context = []
        kept = True
        for start, end in units:
            position = start
            lettered = 0
            pieces = self.followup_context_pieces
            named = not look_back and self._names_organ(text[start:end])
            while position > 0:
                line_start = start_of_line(text, position)
                if position > line_start:  # a piece inside its line: the piece before it
                    piece_end = position
                else:  # a line start: the line before (position - 1 is its separator)
                    piece_end = position - 1
                    line_start = start_of_line(text, piece_end)
                cuts = [c for c in self.sentence_cuts(text, line_start, piece_end)]
                piece = (cuts[-1] if cuts else line_start, piece_end)
                if piece[1] > piece[0]:
                    context.append(piece)
                if any(ch.isalpha() for ch in text[piece[0] : piece[1]]):
                    lettered += 1
                    if (
                        lettered == 1
                        and pieces > 1
                        and not look_back
                        and (named or self._names_organ(text[piece[0] : piece[1]]))
                    ):
                        pieces = 1
                        kept = False
                    if lettered >= pieces:
                        break
                position = piece[0]
        return context, kept

    def _names_organ(self, piece: str) -> bool:
        """Whether a piece holds a word that names an organ for a recommendation."""
        return not self.organ_words.isdisjoint(text_words(same_length_lower(piece)))

    def _units(
        self,
        group: RuleGroup,
        text: str,
        lines: list[tuple[int, int]],
        *,
        pairs: bool = False,
    ) -> list[tuple[int, int]]:
        """The pieces of the lines that pass the group's test.

        With ``pairs``, two neighbouring pieces that pass together are both kept: a target
        may take what its rule requires from the next sentence of its line ("Two echogenic
        foci in segment V. They cast acoustic shadows.", ``calcminer.nlp.pipeline.linking``), or
        from the sentence before it ("The lesion is T2 bright ... A 4 mm signal void within it
        corresponds to the phlebolith"), also when that sentence passes on its own.
        """
        units = []
        for start, end in lines:
            cuts = self.sentence_cuts(text, start, end)
            if not cuts:
                units.append((start, end))
                continue
            pieces = list(pairwise([start, *cuts, end]))
            passed = [self._passes(group, text[a:b].lower()) for a, b in pieces]
            kept = {k for k, ok in enumerate(passed) if ok}
            if pairs and self.same_foci_start is not None:
                for k in range(len(pieces) - 1):
                    if (
                        not (passed[k] and passed[k + 1])
                        and (
                            self.same_foci_start.match(text, pieces[k + 1][0])
                            or (
                                self.inside_previous is not None
                                and self.inside_previous.search(text, *pieces[k + 1])
                            )
                        )
                        and self._passes(group, text[pieces[k][0] : pieces[k + 1][1]].lower())
                    ):
                        kept.update((k, k + 1))
            units += [pieces[k] for k in sorted(kept)]
        return units

    def sentence_cuts(self, text: str, start: int, end: int) -> list[int]:
        """Offsets in ``text[start:end]`` where the pipeline surely starts a sentence.

        That is a capital after a word (not an abbreviation), a period and one space
        (``calcminer.nlp.pipeline.sections.SectionSplitter``), where the tokenizer makes the
        period a token of its own (it keeps "Dr." or "V." whole). Not after two spaces: the second
        becomes a space token, and the splitter then sees no period before the capital.
        Without a tokenizer (see :meth:`from_patterns`) there are no cuts.
        """
        if self.period_split is None:
            return []
        cuts = []
        for m in SENTENCE_CUT.finditer(text, start, end):
            if m.end() < end and text[m.end()].isupper():
                last = self.period_split(m.group(1))
                if last is not None and last.lower() not in self.abbreviations:
                    cuts.append(m.end())
        return cuts

    def _passes(self, group: RuleGroup, lower: str) -> bool:
        words = set(text_words(lower))
        return self._line_passes_group(group, group.anchors_in(words, lower), lower, words)

    def _line_passes_group(
        self, group: RuleGroup, anchors: set[str], line: str, words: set[str]
    ) -> bool:
        """Whether a (lower-cased) line passes a test of the group whose anchor it holds.

        Args:
            group: The rule group.
            anchors: The group's anchors in the line.
            line: The line, lower-cased.
            words: The words of the line.
        """
        if not anchors:
            return False
        memo: dict[str, bool] = {}
        met = self._met_sets(words)
        for anchor in anchors:
            for test in group.by_anchor.get(anchor, ()):
                # Most tests fail on their whole words: that check is made here, inline.
                if test.alpha <= met and self._line_passes(test, words, met, line, memo):
                    return True
        return False

    @cached_property
    def _label_groups(self) -> dict[str, RuleGroup]:
        """The tests of ``by_label``, indexed by their anchors as a group is."""
        return {label: RuleGroup(tests) for label, tests in self.by_label.items()}

    @cached_property
    def _sets_of_word(self) -> dict[str, tuple[frozenset[str], ...]]:
        """For each alphabetic word of a rule test, the whole-word sets (``RuleTest.split``)
        that hold it, over every test of the prefilter."""
        tests = [
            *self.targets.tests,
            *self.followups.tests,
            *self.lobed.tests,
            *self.lendable.tests,
            *(t for tests in self.by_label.values() for t in tests),
        ]
        index: dict[str, set[frozenset[str]]] = {}
        for test in tests:
            for whole, _parts in test.split:
                for word in whole:
                    index.setdefault(word, set()).add(whole)
        return {word: tuple(sets) for word, sets in index.items()}

    def _met_sets(self, words: Iterable[str]) -> set[frozenset[str]]:
        """The whole-word sets of the rule tests that share a word with ``words``."""
        met: set[frozenset[str]] = set()
        return met.union(*filter(None, map(self._sets_of_word.get, words)))

    def may_lend(self, text: str) -> bool:
        """Whether a size, segment, lobe, liver or diffuse rule could match (a continuing
        sentence without one gives the linker nothing). Rules whose only required token is
        a regular expression with a digit class ("S6", "seg7") are met by any digit."""
        return bool(_DIGIT.search(text)) or self._may_match(self.lendable, text)

    def may_have_lobed_organ(self, text: str) -> bool:
        """Whether a lung or thyroid organ rule could match (the linker reads them report-wide)."""
        return self._may_match(self.lobed, text)

    def _may_match(self, group: RuleGroup, text: str) -> bool:
        return bool(self._passing_lines(group, text, first_only=True))

    def _passing_lines(
        self,
        group: RuleGroup,
        text: str,
        *,
        first_only: bool,
        lowered: tuple[str, set[str]] | None = None,
    ) -> list[tuple[int, int]]:
        """The lines that pass the group's test (``lowered``: the lower-cased text and its
        words, when the caller has them; of its words, those that are none of the group's
        anchors may be left out)."""
        lower, words_all = lowered or lower_and_words(text)
        present = group.anchors_in(words_all, lower)
        if not present:
            return []  # most reports: no anchor anywhere
        passing = []
        for start, end in anchor_lines(lower, present):
            line = lower[start:end]
            words = set(text_words(line))
            anchors = group.anchors_in(words, line)
            if anchors and self._line_passes_group(group, anchors, line, words):
                passing.append((start, end))
                if first_only:
                    break
        return passing

    def _line_passes(
        self,
        test: RuleTest,
        words: set[str],
        met: set[frozenset[str]],
        line: str,
        memo: dict[str, bool],
    ) -> bool:
        """Whether a line passes a test (``words``: the line's words; ``met``: see
        :meth:`_met_sets`), with what it requires (``memo``: the labels decided so far for
        the line). A required label's tests are tried only where their anchor occurs."""
        if not test.line_holds(met, line):
            return False
        for label in test.requires:
            if label not in memo:
                group = self._label_groups.get(label)
                memo[label] = group is not None and any(
                    t.alpha <= met and self._line_passes(t, words, met, line, memo)
                    for anchor in group.anchors_in(words, line)
                    for t in group.by_anchor.get(anchor, ())
                )
            if not memo[label]:
                return False
        return True


__all__ = [
    "FOLLOWUP_TRIGGER_LABELS",
    "LOBED_ORGANS",
    "CandidateUnits",
    "PeriodSplit",
    "Prefilter",
    "RuleTest",
    "anchor_words",
    "rule_test",
    "same_length_lower",
]
