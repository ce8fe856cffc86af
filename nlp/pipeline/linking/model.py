"""What the linking steps share: the working records and the per-sentence indexes.

A :class:`Mention` is a span of interest (a target such as "calcified granuloma" or an
attribute such as "5 mm" or "segment VI"); an :class:`Attachment` is a mention attached to a
head, with its tier (``TIER_RANK``); a :class:`TargetState` gathers everything about one
target while its sentence is linked. :class:`HeadIndex` and :class:`SpanIndex` keep each
lookup logarithmic, so a report written as one long sentence stays near-linear.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from spacy.tokens import Doc

from calcminer.nlp.rules.labels import (
    LOCATION_LABELS,
)
from calcminer.nlp.rules.rule_values import (
    COUNT_AND_ONE,
    COUNT_ANOTHER,
    COUNT_ENUMERATED,
    COUNT_MULTIPLIER,
    ORGAN_LIVER,
    ORGAN_VESSEL,
)
from calcminer.nlp.schema import Assertion

#: How many tokens open a "further ..." sentence whose negation says there are none more.
NEGATED_OPENER_TOKENS = 3
#: Count values that speak of foci after the head ("..., and another in S7", ": one in V").
POST_COUNT_VALUES = frozenset({COUNT_ANOTHER, COUNT_AND_ONE, COUNT_ENUMERATED, COUNT_MULTIPLIER})
#: Assertions of a calcification that is not there now (a line's topic does not place it).
NOT_PRESENT = frozenset({"negated", "hypothetical", "historical"})
LIVER = ORGAN_LIVER
#: Vessel words ("hepatic arterial calcification") name the vessel, not the liver.
VESSEL = ORGAN_VESSEL
#: How strongly an attachment's tier places a finding (0 strongest), for the organ decision.
TIER_RANK = {
    "internal": 0,
    "premod": 0,
    # Ducts that contain a stone ("ducts of segment VI containing calculi") say where it is.
    "duct": 0,
    "post": 1,
    "container": 1,
    "fronted": 2,
    "context": 3,
    "table": 1,
}
#: The rule id of a size read from a table cell that holds only a number, its unit in the
#: column header ("Current (mm)" over "41"); its value is the size in mm.
TABLE_CELL_SIZE_RULE = "table_cell_size_header_unit"
#: Marks between a target and its translation right after it ("kystes calcifiés / calcified
#: cysts", "cisto calcificado (calcified cyst)").
GLOSS_MARKS = frozenset({"/", "("})
#: The rule id of a Couinaud segment read from a bare numeral under a segment header.
TABLE_CELL_SEGMENT_RULE = "table_cell_segment_header"
#: The tier of what a table row hands to the target in one of its cells.
TABLE_TIER = "table"  # ranked in TIER_RANK
#: Mentions named with the ducts that contain a stone ("the left lateral segment ducts").
DUCT_PHRASE_LABELS = frozenset({"SEGMENT", "LOBE", "ORGAN"})

#: The ConText categories that assert a target, and their assertion, in precedence order
#: (``ASSERTION_PRECEDENCE``): the first one present wins.
ASSERTION_CATEGORIES: dict[str, Assertion] = {
    "NEGATED_EXISTENCE": "negated",
    "HYPOTHETICAL": "hypothetical",
    "HISTORICAL": "historical",
    "POSSIBLE_EXISTENCE": "uncertain",
}
ASSERTION_PRECEDENCE: tuple[str, ...] = tuple(ASSERTION_CATEGORIES)
#: ConText categories that say a finding is of this exam; ``CORRESPONDING`` is a ``CURRENT`` cue
#: that matches it to a prior exam's finding ("corresponding to ... on the prior CT").
CURRENT_CATEGORIES = frozenset({"CURRENT", "CORRESPONDING"})


def before_parenthesis(doc: Doc, end: int, max_tokens: int = 20) -> int:
    """Where a parenthesis closed right before ``end`` opens, else ``end``."""
    if end <= 0 or doc[end - 1].text != ")":
        return end
    for k in range(end - 2, max(-1, end - 2 - max_tokens), -1):
        if doc[k].text == ")":
            return end
        if doc[k].text == "(":
            return k
    return end


@dataclass
class Mention:
    """A span of interest with its label, rule id and sentence (internal working record)."""

    start: int
    end: int
    label: str
    rule_id: str
    value: str | None
    sent: int
    start_char: int
    end_char: int
    is_target: bool = False
    is_head: bool = False
    #: Introduced by a proximity word ("adjacent to the portal vein"): a neighbour, not a place.
    proximal: bool = False
    #: An organ coordinated with the liver ("the liver and spleen both contain ..."): the
    #: finding is counted for the liver too.
    with_liver: bool = False

    def overlaps(self, other: Mention) -> bool:
        """Whether the two token ranges overlap."""
        return self.start < other.end and other.start < self.end


@dataclass
class Attachment:
    """An attribute mention attached to a head, with how it was attached."""

    mention: Mention
    tier: str
    distance: int


@dataclass
class TargetState:
    """Everything gathered about one target while linking."""

    mention: Mention
    words: tuple[str, ...]
    attachments: list[Attachment] = field(default_factory=list)
    #: Inside a plural container ("further metastases contain calcification").
    plural_container: bool = False
    #: One focus in each of several lesions ("... several lesions. Each has a bright focus").
    per_lesion: bool = False
    #: A following sentence adds similar foci ("Similar lesions are present in ...").
    more_foci: bool = False
    #: A predicate whose subject is an inner part of a lesion ("The central scar is
    #: calcified"): the lesion's size is not the calcification's.
    inner_part: bool = False
    #: The sentence refers back and the target has no location of its own: its result may
    #: depend on the previous sentence (the miner then mines the whole report).
    context_sensitive: bool = False
    #: Inside a lesion that is not itself the calcified thing ("metastases contain punctate
    #: calcifications"): a following sentence's size of the lesion is not the target's.
    in_lesion: bool = False
    #: The number of lesions a partitive names ("three of them show coarse calcification").
    partitive_count: int | None = None
    #: How many list items after its sentence lent it their sizes and places ("Calcified
    #: foci:" then "- segment 3, 4 mm;" per line); each names one focus.
    listed_items: int = 0


class HeadIndex:
    """The heads of one sentence that a mention may attach to, indexed for its lookups.

    Each lookup takes O(log n) time (a token lookup for :meth:`target_over`), so a report
    written as one sentence with thousands of list items stays near-linear.

    Args:
        heads: All heads of the sentence in document order (sorted by start, then end); the
            lookups return indexes into it.
        usable: The heads a mention may attach to, a subsequence of ``heads``.
    """

    def __init__(self, heads: Sequence[Mention], usable: Sequence[Mention]) -> None:
        self.heads = heads
        if usable is heads:
            indexes = list(range(len(heads)))
        else:
            position = {id(h): k for k, h in enumerate(heads)}
            indexes = [position[id(h)] for h in usable]
        self._ks = indexes
        self._starts = [heads[k].start for k in indexes]
        self._named_ks = [k for k in indexes if heads[k].label != "ORGAN"]
        self._named_starts = [heads[k].start for k in self._named_ks]
        by_end = sorted(indexes, key=lambda k: heads[k].end)
        self._ends = [heads[k].end for k in by_end]
        # The last head in document order among the j + 1 that end first.
        self._last_by_end = list(accumulate(by_end, max))
        self._end_set = frozenset(self._ends)
        self._target_at: dict[int, int] = {}
        for k in indexes:
            if heads[k].is_target:
                for i in range(heads[k].start, heads[k].end):
                    self._target_at.setdefault(i, k)

    def target_over(self, m: Mention) -> int | None:
        """The first target that overlaps the attribute mention ``m``."""
        found = [k for i in range(m.start, m.end) if (k := self._target_at.get(i)) is not None]
        return min(found) if found else None

    def first_starting_at(self, token: int, *, organs: bool = True) -> int | None:
        """The first head that starts at or after ``token`` (``organs=False``: no organ)."""
        ks, starts = (self._ks, self._starts) if organs else (self._named_ks, self._named_starts)
        j = bisect.bisect_left(starts, token)
        return ks[j] if j < len(ks) else None

    def last_ending_by(self, token: int) -> int | None:
        """The last head in document order among those that end at or before ``token``."""
        j = bisect.bisect_right(self._ends, token)
        return self._last_by_end[j - 1] if j else None

    def any_ending_by(self, token: int) -> bool:
        """Whether a head ends at or before ``token``."""
        return bool(self._ends) and self._ends[0] <= token

    def ends_at(self, token: int) -> bool:
        """Whether a head ends exactly at ``token``."""
        return token in self._end_set


class SpanIndex:
    """Mentions of one sentence sorted by start, for the few near a token range.

    Args:
        spans: The mentions, in document order.
    """

    def __init__(self, spans: Sequence[Mention]) -> None:
        self.spans = sorted(spans, key=lambda m: m.start)
        self._starts = [m.start for m in self.spans]
        self._longest = 0
        self._min_end_from: list[int] = []
        if not self.spans:
            return  # most sentences have no mimic or co-reference cue
        self._longest = max(m.end - m.start for m in self.spans)
        # The smallest end among the mentions from the j-th on.
        self._min_end_from = list(accumulate(reversed([m.end for m in self.spans]), min))[::-1]

    def near(self, m: Mention, distance: int) -> list[Mention]:
        """The mentions that may overlap ``m`` or lie within ``distance`` tokens of it (some
        farther ones too), in document order."""
        first = bisect.bisect_left(self._starts, m.start - distance - self._longest)
        last = bisect.bisect_right(self._starts, m.end + distance, lo=first)
        return self.spans[first:last]

    def first_starting_at(self, token: int) -> Mention | None:
        """The first mention that starts at or after ``token``."""
        j = bisect.bisect_left(self._starts, token)
        return self.spans[j] if j < len(self.spans) else None

    def starting_between(self, start: int, end: int) -> Iterator[Mention]:
        """The mentions that start in tokens ``[start, end)``, in document order."""
        j = bisect.bisect_left(self._starts, start)
        while j < len(self.spans) and self._starts[j] < end:
            yield self.spans[j]
            j += 1

    def any_within(self, start: int, end: int) -> bool:
        """Whether a mention lies inside tokens ``[start, end)``."""
        j = bisect.bisect_left(self._starts, start)
        return j < len(self.spans) and self._min_end_from[j] <= end


def any_in(sorted_values: Sequence[int], low: int, high: int) -> bool:
    """Whether a value of the ascending ``sorted_values`` lies in ``[low, high)``."""
    j = bisect.bisect_left(sorted_values, low)
    return j < len(sorted_values) and sorted_values[j] < high


def is_place(m: Mention) -> bool:
    """Whether a mention places a finding (a location, not a neighbour: "adjacent to ...")."""
    return m.label in LOCATION_LABELS and not m.proximal


def placing_mentions(attachments: Sequence[Attachment]) -> list[Mention]:
    """The mentions of ``attachments`` that place a finding (:func:`_is_place`)."""
    return [a.mention for a in attachments if is_place(a.mention)]


def numeral_kind(text: str) -> str:
    """ "arabic" or "roman" for a segment numeral ("6", "4a"; "VI", "IVb"), else ""."""
    core = text.rstrip("abAB.") or text
    if core.isdigit():
        return "arabic"
    if core and all(c in "IVX" for c in core):
        return "roman"
    return ""


def labels_by_sentence(mentions: Sequence[Mention]) -> dict[int, set[str]]:
    """The labels of the mentions of each sentence."""
    labels: dict[int, set[str]] = {}
    for m in mentions:
        labels.setdefault(m.sent, set()).add(m.label)
    return labels


def mentions_by_sentence(items: Sequence[Mention]) -> dict[int, list[Mention]]:
    """Group mentions by sentence index, keeping their order."""
    grouped: dict[int, list[Mention]] = {}
    for item in items:
        grouped.setdefault(item.sent, []).append(item)
    return grouped
