"""Pipeline step 4: link attribute mentions to targets, resolve organ scope, assertion and groups.

Each sentence has *heads*: calcification targets, other structures (``BLOCKER`` mentions such
as a hemangioma or the liver span) and organs other than the liver. Every attribute mention is
attached to exactly one head:

1. *internal*: it overlaps a target ("rim-calcified", "calcified hepatic lesion");
2. *premod*: it stands before a head inside the same noun phrase ("a 3 mm calcified focus");
3. *post*: otherwise to the nearest head before it ("calcification ..., the largest 8 mm");
4. *fronted*: with no head before it, locations go to the next head ("In segment VIII there
   is ..."). Sizes are never fronted, so a liver span before a target is not attributed.

A structure that contains the calcifications ("a 4 cm mass containing calcifications") lends
them its location but not its size. Results are written to ``Doc._.calcminer_findings`` as
dicts of primitives (their keys: ``calcminer.nlp.pipeline.records.FindingRecord``) and
``Doc._.calcminer_followup``.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate

from spacy.language import Language
from spacy.tokens import Doc, Span

from calcminer.nlp.pipeline.component import RuleComponent
from calcminer.nlp.pipeline.extensions import (
    FINDINGS,
    FOLLOWUP,
    MENTION_SPAN_KEY,
    RECOMMENDATIONS,
    SENTENCE_INFO,
    TARGET_SPAN_KEY,
    context_edges,
    register_extensions,
)
from calcminer.nlp.pipeline.mentions import neighbour_cues
from calcminer.nlp.pipeline.neighbours import CONTINUATION_WORDS, first_words
from calcminer.nlp.pipeline.normalize import (
    ExamTitle,
    Normalizer,
    parse_count_value,
    parse_digit_count,
    sort_lobes,
    sort_segments,
)
from calcminer.nlp.pipeline.recommendations import (
    RecommendationFinder,
    RecommendationSettings,
    RecommendationTuple,
    followup_summary,
)
from calcminer.nlp.pipeline.records import ContextEdge, FindingRecord, Sentence
from calcminer.nlp.pipeline.sections import LINE_BREAKS, PLACEHOLDER
from calcminer.nlp.pipeline.text_tables import (
    BARE_NUMBER,
    LinesOfLast,
    TextTable,
    header_unit_factor,
    is_table_row,
    rows_below,
    table_at,
    table_rows_above,
    title_words,
)
from calcminer.nlp.pipeline.token_view import doc_text, token_view
from calcminer.nlp.rules.labels import (
    ATTACHED_LABELS,
    ATTRIBUTE_LABELS,
    ECHO_LABELS,
    FOLLOWUP_LABELS,
    FRONTED_LABELS,
    IDENTITY_BEFORE_CUE_LABELS,
    IDENTITY_POST_LABELS,
    LEFTMOST_FIRST_LABELS,
    LENT_LABELS,
    LOCATION_LABELS,
    NOT_INSIDE_TARGETS,
    POST_LABELS,
    PREMOD_LABELS,
    SHADOW_OWNER_LABELS,
    STONE_LABELS,
    SUPPRESSED_BY,
    SUPPRESSOR_LABELS,
)
from calcminer.nlp.rules.patterns import PatternSet
from calcminer.nlp.rules.rule_values import (
    BLOCKER_STRUCTURE,
    COUNT_AND_ONE,
    COUNT_ANOTHER,
    COUNT_DIGIT,
    COUNT_ENUMERATED,
    COUNT_MULTIPLIER,
    DIFFUSE_THROUGHOUT,
    DUCT_AMBIGUOUS,
    DUCT_INTRAHEPATIC,
    LESION_VALUES,
    LOBE_CAUDATE,
    LOBED_ORGANS,
    ORGAN_CAPSULE,
    ORGAN_LIVER,
    ORGAN_VESSEL,
)
from calcminer.nlp.schema import Assertion, ModifierSpan

#: Count values that speak of foci after the head ("..., and another in S7", ": one in V").
#: How many tokens open a "further ..." sentence whose negation says there are none more.
NEGATED_OPENER_TOKENS = 3
POST_COUNT_VALUES = frozenset({COUNT_ANOTHER, COUNT_AND_ONE, COUNT_ENUMERATED, COUNT_MULTIPLIER})
#: Assertions of a calcification that is not there now (a line's topic does not place it).
NOT_PRESENT = frozenset({"negated", "hypothetical", "historical"})
LIVER = ORGAN_LIVER
#: Vessel words ("hepatic arterial calcification") name the vessel, not the liver.
VESSEL = ORGAN_VESSEL
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
#: The tier of what a table row hands to the target in one of its cells.
#: The rule id of a Couinaud segment read from a bare numeral under a segment header.
TABLE_CELL_SEGMENT_RULE = "table_cell_segment_header"
TABLE_TIER = "table"  # ranked in TIER_RANK
#: Mentions named with the ducts that contain a stone ("the left lateral segment ducts").
DUCT_PHRASE_LABELS = frozenset({"SEGMENT", "LOBE", "ORGAN"})

ASSERTION_CATEGORIES: dict[str, Assertion] = {
    "NEGATED_EXISTENCE": "negated",
    "HYPOTHETICAL": "hypothetical",
    "HISTORICAL": "historical",
    "POSSIBLE_EXISTENCE": "uncertain",
}
#: ConText categories that say a finding is of this exam; ``CORRESPONDING`` is a ``CURRENT`` cue
#: that matches it to a prior exam's finding ("corresponding to ... on the prior CT").
CURRENT_CATEGORIES = frozenset({"CURRENT", "CORRESPONDING"})


def _before_parenthesis(doc: Doc, end: int, max_tokens: int = 20) -> int:
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


class _HeadIndex:
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


class _SpanIndex:
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


def _any_in(sorted_values: Sequence[int], low: int, high: int) -> bool:
    """Whether a value of the ascending ``sorted_values`` lies in ``[low, high)``."""
    j = bisect.bisect_left(sorted_values, low)
    return j < len(sorted_values) and sorted_values[j] < high


class Linker(RuleComponent):
    """Links attributes to targets and writes finding records (see module docstring)."""

    def _setup(self, nlp: Language, patterns: PatternSet) -> None:
        self.patterns = patterns
        self.requires = {r.id: r.requires for r in patterns.targets if r.requires}
        self.normalizer = Normalizer(patterns.normalization)
        self.exam_title = ExamTitle(patterns.normalization)
        linking = patterns.config["linking"]
        sizes = patterns.config["sizes"]
        self.max_premod_gap = int(linking["max_premodifier_gap_tokens"])
        self.max_post_distance = int(linking["max_postmodifier_distance_tokens"])
        self.max_prior_gap = int(linking["max_prior_cue_gap_tokens"])
        self.max_continued_sentences = int(linking["max_continued_sentences"])
        self.max_list_items = int(linking["max_list_items"])
        self.min_calcific_density_hu = float(patterns.config["density"]["min_calcific_density_hu"])
        self.max_mimic_distance = int(linking["max_mimic_distance_tokens"])
        self.min_run_on_spaces = int(linking["min_run_on_double_spaces"])
        self.min_size_mm = float(sizes["min_plausible_size_mm"])
        self.max_size_mm = float(sizes["max_plausible_size_mm"])
        table = patterns.normalization
        self.break_words = frozenset(table["premodifier_break_words"])
        self.break_punct = frozenset(table["premodifier_break_punct"])
        self.definite = frozenset(table["definite_determiners"])
        self.excluded_reasons: Mapping[str, str] = table["excluded_part_reasons"]
        self.location_prepositions = frozenset(table["location_prepositions"])
        self.determiners = frozenset(table["determiners"])
        self.proximity_words = frozenset(table["proximity_words"])
        self.proximity_words_needing_to = frozenset(table["proximity_words_needing_to"]["words"])
        self.side_words = frozenset(table["side_words"])
        self.anaphoric_determiners = frozenset(table["anaphoric_lesion_determiners"])
        self.irregular_singulars: Mapping[str, str] = table["irregular_singulars"]
        self.shared_organs: Mapping[str, str] = table["shared_organ_rules"]["rules"]
        self.neighbours = neighbour_cues(patterns)
        duct = table["duct_context"]
        self.duct_prepositions = frozenset(duct["prepositions"])
        self.duct_containers = frozenset(duct["container_words"])
        self.duct_gap_stops = frozenset(duct["gap_stop_words"])
        self.duct_max_gap = int(duct["max_gap_tokens"])
        self.duct_locative = frozenset(duct["locative_words"])
        self.duct_bridge = frozenset(duct["bridge_words"])
        self.duct_bridge_states = frozenset(duct["bridge_states"])
        self.duct_max_bridge = int(duct["max_bridge_tokens"])
        self.duct_state_before = int(duct["max_state_before_tokens"])
        self.negation_words = frozenset(table["negation_words"]["words"])
        organ_measure = table["organ_measurement"]
        self.organ_measure_words = frozenset(organ_measure["words"])
        self.organ_measure_max_gap = int(organ_measure["max_gap_tokens"])
        self.organ_min_size_mm: Mapping[str, float] = {
            organ: float(mm) for organ, mm in organ_measure["min_size_mm_by_organ"].items()
        }
        self.whole_organ_size_mm: Mapping[str, float] = {
            organ: float(mm) for organ, mm in organ_measure["whole_organ_size_mm_by_organ"].items()
        }
        guards = table["segment_code_guards"]
        self.segment_guard_rules = frozenset(guards["rule_ids"])
        self.segment_guard_window = int(guards["window_tokens"])
        self.segment_guard_words = frozenset(guards["words"])
        self.anaphoric_starts = frozenset(table["anaphoric_sentence_starts"])
        self.identity_containers = frozenset(table["identity_container_values"])
        self.partitive_pronouns = frozenset(table["partitive_pronouns"]["words"])
        superlatives = table["superlative_sizes"]
        self.superlatives = frozenset(superlatives["words"])
        self.superlative_links = frozenset(superlatives["member_links"])
        self.placing_verbs = frozenset(table["placing_blocker_verbs"]["words"])
        self.organ_effect_words = frozenset(table["organ_effect_words"]["words"])
        holding = table["fronted_pronoun_subjects"]
        self.holding_verbs = frozenset(holding["verbs"])
        self.max_fronted_words = int(holding["max_tokens_before"])
        #: Opinion phrases by first word ("i" -> ("i", "think"), ...).
        self.anaphoric_openers: dict[str, list[tuple[str, ...]]] = {}
        for phrase in table["anaphoric_openers"]["phrases"]:
            words = tuple(phrase.split())
            if words:
                self.anaphoric_openers.setdefault(words[0], []).append(words)
        measured = table["measured_size_verbs"]
        self.measured_verbs = frozenset(measured["words"])
        self.measured_hedges = frozenset(measured["hedges"])
        self.size_list_joiners = frozenset(table["size_list_joiners"]["words"])
        self.max_joiner_words = int(table["size_list_joiners"]["max_words_between"])
        self.current_size_words = frozenset(table["size_list_joiners"]["current_words"])
        self.max_superlative_gap = int(superlatives["max_gap_tokens"])
        self.max_identity_gap = int(linking["max_identity_gap_tokens"])
        self.table_cell_marks = frozenset(table["table_cell_marks"]["marks"])
        self.table_prior_headers = frozenset(table["table_cell_marks"]["prior_headers"])
        self.table_current_headers = frozenset(table["table_cell_marks"]["current_headers"])
        self.unit_to_mm = dict(table["unit_to_mm"])
        self.max_apposition_tokens = int(linking["max_apposition_tokens"])
        self.max_gloss_tokens = int(linking["max_gloss_tokens"])
        self.alternative_words = frozenset(table["alternative_words"]["words"])
        self.max_duct_calibre_mm = float(sizes["max_duct_calibre_mm"])
        self.max_table_row_chars = int(table["table_cell_marks"]["max_row_chars"])
        #: The lines of the document being linked (table rows).
        self._lines = LinesOfLast(self.max_table_row_chars, doc_text)
        self.duct_calibre_rules = frozenset(table["duct_calibre_rules"]["rule_ids"])
        self.segment_header_words = frozenset(table["table_cell_marks"]["segment_headers"])
        self._cell_split = re.compile(
            "|".join(re.escape(mark) for mark in sorted(self.table_cell_marks))
        )
        self.listed_size_rules = frozenset(table["listed_size_rules"]["rule_ids"])
        self.size_bound_words = frozenset(table["size_bound_words"]["words"])
        copula = table["copula_identity_cues"]
        self.copula_cue_rules = frozenset(copula["rule_ids"])
        self.copula_cue_blockers = frozenset(copula["not_after"])
        self.identity_container_nouns = frozenset(table["identity_container_nouns"]["words"])
        self.echo_only_mimics = frozenset(table["echo_only_mimic_values"]["values"])
        adjacent = table["adjacent_mimic_values"]
        self.adjacent_mimics = frozenset(adjacent["values"])
        self.max_adjacent_mimic_gap = int(adjacent["max_gap_tokens"])
        self.identity_morphology = frozenset(table["identity_morphology"])
        predicate = table["predicate_targets"]
        self.predicate_rules = frozenset(predicate["rule_ids"])
        self.calcified_lesion_rules = frozenset(table["calcified_lesion_rules"]["rule_ids"])
        topics = table["topic_sentences"]
        self.topic_determiners = frozenset(topics["determiners"])
        self.topic_nouns: Mapping[str, str] = dict(topics["nouns"])
        self.topic_modifiers = frozenset(topics["modifiers"])
        self.max_topic_modifiers = int(topics["max_modifiers"])
        self.topic_verbs = frozenset(topics["verbs"])
        self.predicate_subject_labels = frozenset(predicate["subject_labels"])
        self.predicate_verbs = frozenset(predicate["verbs"])
        self.predicate_adverbs = frozenset(predicate["adverbs"])
        self.predicate_comparatives = frozenset(predicate["comparatives"])
        self.predicate_pronouns = frozenset(predicate["pronouns"])
        self.max_subject_modifiers = int(predicate["max_subject_modifiers"])
        self.lesion_parts = frozenset(table["lesion_part_nouns"]["words"])
        self.placing_parts = self.lesion_parts | frozenset(table["placing_part_nouns"]["words"])
        inner = table["indefinite_inner_parts"]
        self.inner_part_articles = frozenset(inner["articles"])
        self.inner_parts = frozenset(inner["parts"])
        contents = table["identity_of_contents"]
        self.contents_joiners = frozenset(contents["joiners"])
        self.content_nouns = frozenset(contents["content_nouns"]) | self.lesion_parts
        host = table["calcified_host_contents"]
        self.host_rules = frozenset(host["host_rules"])
        self.host_content_rules = frozenset(host["content_rules"])
        self.host_joiners = frozenset(host["joiners"])
        self.max_host_words = int(host["max_words_between"])
        self.showing_verbs = frozenset(table["same_foci_showing_words"]["words"])
        self.enumeration_closers = frozenset(table["enumeration_closers"]["words"])
        #: Phrases that open a sentence on a lesion, longest first ("at the site of").
        self.fronted_openers = sorted(
            (tuple(p.split()) for p in table["fronted_container_openers"]["phrases"]),
            key=len,
            reverse=True,
        )
        #: The first words of ``fronted_openers``: a sentence whose first word is none of
        #: them opens on no such phrase (None when an opener is empty and would always match).
        self.fronted_opener_firsts: frozenset[str] | None = (
            frozenset(p[0] for p in self.fronted_openers) if all(self.fronted_openers) else None
        )
        self.outline_parts = frozenset(table["lesion_outline_parts"]["words"])
        self.partial_outline_words = frozenset(table["lesion_outline_parts"]["partial_words"])
        self.recommendations = RecommendationFinder(
            RecommendationSettings.from_patterns(patterns.config, table)
        )
        register_extensions()

    # -- pipeline entry ---------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        self._require_rules()
        sentences = self._sentence_table(doc)
        targets, mentions = self.find_mentions(doc, sentences)
        edges = self._edges_by_span(doc)
        # "CT LIVER TRIPHASIC": a calcification or recommendation that names no organ is the
        # liver's.
        liver_exam = self.exam_title.title_span(self._title_text(doc)) is not None
        records = self.link_targets(doc, sentences, targets, mentions, edges, liver_exam=liver_exam)
        recommendations = self.find_followup(
            doc, sentences, mentions, records, liver_exam=liver_exam
        )
        self.set_annotations(doc, records, recommendations)
        return doc

    @staticmethod
    def _title_text(doc: Doc) -> str:
        """The text of ``doc`` up to the line break after its first non-blank line: all that
        ``ExamTitle.title_span`` reads (``Doc.text`` joins every token). Only space tokens hold
        white space (the tokenizer cuts there)."""
        view = token_view(doc)
        end = len(doc)
        seen_word = False
        for i, is_space in enumerate(view.space):
            if not is_space:
                seen_word = True
            elif seen_word and "\n" in view.text[i]:
                end = i + 1
                break
        return view.text_of(0, end) + (view.ws[end - 1] if end else "")

    # -- collection -------------------------------------------------------------------------
    @staticmethod
    def _sentence_table(doc: Doc) -> list[Sentence]:
        info = doc._.get(SENTENCE_INFO)
        if not info:
            return [Sentence(0, len(doc), "body", "findings", "")]
        rows = []
        for k, (start, part, top, organs) in enumerate(info):
            end = info[k + 1][0] if k + 1 < len(info) else len(doc)
            rows.append(Sentence(start, end, part, top, organs))
        return rows

    def find_mentions(
        self, doc: Doc, sentences: Sequence[Sentence]
    ) -> tuple[list[Mention], list[Mention]]:
        """Return targets and cleaned attribute mentions, in document order."""
        lw = token_view(doc).lower
        starts = [row.start for row in sentences]

        def sent_of(token: int) -> int:
            """The index of the sentence that holds ``token``."""
            return max(bisect.bisect_right(starts, token) - 1, 0)

        def make(span: Span, is_target: bool) -> Mention:
            return Mention(
                start=span.start,
                end=span.end,
                label=span.label_,
                rule_id=span.id_,
                value=self.patterns.rule_value(span.id_),
                sent=sent_of(span.start),
                start_char=span.start_char,
                end_char=span.end_char,
                is_target=is_target,
            )

        targets = [make(s, True) for s in doc.spans.get(TARGET_SPAN_KEY, [])]
        # A bare "calcified" is a predicate only after a verb ("... is densely calcified").
        targets = [
            t
            for t in targets
            if t.rule_id not in self.predicate_rules
            or self._predicate_start(doc, t) is not None
            or self._whole_cell(doc, t)
        ]
        # A target never crosses a sentence boundary.
        targets = [t for t in targets if sent_of(t.end - 1) == t.sent]
        raw = [make(s, False) for s in doc.spans.get(MENTION_SPAN_KEY, [])]
        # "CT value about 280 HU": an attenuation is calcific only from the configured value.
        raw = [m for m in raw if m.label != "DENSITY" or self._calcific_density(doc, m)]
        # "a large stone in the left lateral segment duct measuring 3.2 cm": no duct is that wide.
        raw = self._without_implausible_calibres(doc, raw)
        # "There is a 1.1 cm focus": an existential copula names nothing again.
        raw = [
            m
            for m in raw
            if m.label != "COREF"
            or m.rule_id not in self.copula_cue_rules
            or m.start == 0
            or lw[m.start - 1] not in self.copula_cue_blockers
        ]
        # "...; none larger than 5 mm": a comparative after a bound word is the foci's own size.
        raw = [
            m
            for m in raw
            if m.label != "PRIOR_CUE"
            or m.start == 0
            or lw[m.start - 1] not in self.size_bound_words
        ]
        no_shadow = [m for m in raw if m.label == "NO_SHADOW"]
        targets = [
            t
            for t in targets
            if t.label not in ECHO_LABELS or not any(t.overlaps(n) for n in no_shadow)
        ]
        mentions = self._clean_mentions(doc, raw, targets)
        labels = _labels_by_sentence(mentions)
        shadows: dict[int, _SpanIndex] = {}
        by_start = _SpanIndex([])
        if any(t.label in ECHO_LABELS for t in targets):
            by_sentence = _by_sentence([m for m in mentions if m.label == "SHADOW"])
            shadows = {k: _SpanIndex(items) for k, items in by_sentence.items()}
            by_start = _SpanIndex(targets)
        # An echogenic focus whose shadow is in the next sentence of its line ("Two echogenic
        # foci in segments V and VI. They cast posterior acoustic shadows.").
        shadowed = frozenset(
            t.start
            for t in targets
            if t.label in ECHO_LABELS
            and self._shadow_in_next_sentence(t, shadows, by_start, doc, sentences)
        )
        referring = self._referring_back_in_line(doc, targets, sentences)
        kept = [
            t
            for t in targets
            if (
                t.label != "ECHO_CANDIDATE"
                or t.start in shadowed
                or self._shadowed(t, shadows, by_start, doc)
            )
            and self._requirements_met(t, labels, shadowed, referring)
        ]
        if len(kept) < len(targets):
            # A dropped candidate ("a hyperechoic mass" without a shadow) no longer hides the
            # structure words inside it: "mass" is a head again and keeps its own size.
            targets = kept
            mentions = self._clean_mentions(doc, raw, targets)
            labels = _labels_by_sentence(mentions)
            targets = [t for t in targets if self._requirements_met(t, labels, shadowed, referring)]
        mentions = self._drop_foreign_lobes(doc, mentions)
        location_organs = self._location_organs(doc, mentions)
        self._mark_proximal(doc, mentions)
        target_starts = frozenset(t.start for t in targets)
        for m in mentions:
            if m.label == "BLOCKER" and m.value == BLOCKER_STRUCTURE and m.end in target_starts:
                continue  # "high-attenuation calculi", "low signal calculi": a modifier
            if m.label == "BLOCKER" or (
                m.label == "ORGAN" and m.value != LIVER and id(m) not in location_organs
            ):
                m.is_head = True
        for t in targets:
            t.is_head = True
        return targets, mentions

    def _described_by_same_foci(
        self,
        doc: Doc,
        sentence: Sentence,
        target: Mention,
    ) -> bool:
        """Whether a target describes what a sentence opening on the same foci shows ("The
        largest, in S6, measures 3.1 x 2.6 cm and shows dense amorphous calcification"): a
        showing or containing verb stands between the opening and the target."""
        lw = token_view(doc).lower
        start, end = sentence.start, sentence.end
        words = self._first_words(doc, start, end, CONTINUATION_WORDS)
        if self.neighbours.continuation_kind(words) != "same_foci":
            return False
        return any(lw[i] in self.showing_verbs for i in range(start, target.start))

    def _is_part(self, doc: Doc, target: Mention) -> bool:
        """Whether a target names a part of a lesion ("calcification of its wall", "rim")."""
        lw = token_view(doc).lower
        words = {lw[i] for i in range(target.start, min(target.end + 3, len(doc)))}
        return not words.isdisjoint(self.lesion_parts)

    def _drop_foreign_lobes(self, doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """Drop a lobe that belongs to another organ ("the right lobe of the thyroid")."""
        lw = token_view(doc).lower
        organ_starts = {m.start: m for m in mentions if m.label == "ORGAN"}
        out = []
        for m in mentions:
            if m.label == "LOBE":
                i = m.end
                if i < len(doc) and lw[i] == "of":
                    i += 1
                    while i < len(doc) and lw[i] in self.determiners:
                        i += 1
                    organ = organ_starts.get(i)
                    if organ is not None and organ.value != LIVER:
                        continue
            out.append(m)
        return out

    def _shadow_in_next_sentence(
        self,
        candidate: Mention,
        shadows: Mapping[int, _SpanIndex],
        targets: _SpanIndex,
        doc: Doc,
        sentences: Sequence[Sentence],
    ) -> bool:
        """Whether an echogenic focus, the last target of its sentence, has its shadow in the
        next sentence of the same line when that one speaks of the same foci."""
        lw = token_view(doc).lower
        k = candidate.sent + 1
        index = shadows.get(k)
        if index is None or k >= len(sentences):
            return False
        later = targets.first_starting_at(candidate.end)
        if later is not None and later.sent == candidate.sent:
            return False  # a later target of the sentence is nearer the next sentence
        start, end = sentences[k].start, sentences[k].end
        if "\n" in doc[candidate.end - 1 : start].text_with_ws:
            return False  # the prefilter reads a rule and what it requires in one line
        words = self._first_words(doc, start, end, CONTINUATION_WORDS)
        if self.neighbours.continuation_kind(words) != "same_foci":
            return False
        m = index.first_starting_at(start)
        if m is None:
            return False
        # "It contains scattered calcifications casting acoustic shadows": theirs (a stone
        # candidate such as the verb "cast" is no calcification of its own).
        if any(t.label in SHADOW_OWNER_LABELS for t in targets.starting_between(start, m.start)):
            return False
        return (
            m.start - start <= self.max_post_distance
            # "They do not cast acoustic shadows."
            and not any(lw[i] in self.negation_words for i in range(start, m.start))
        )

    def _calcific_density(self, doc: Doc, m: Mention) -> bool:
        """Whether a CT attenuation ("280 HU", "320HU", "~900 HU", "300-400 HU": its lower
        end) reaches ``density.min_calcific_density_hu``."""
        # "(~900 HU)": an approximate value.
        digits = "".join(itertools.takewhile(str.isdigit, doc[m.start].text.lstrip("~")))
        return bool(digits) and int(digits) >= self.min_calcific_density_hu

    def _requirements_met(
        self,
        target: Mention,
        labels: Mapping[int, set[str]],
        shadowed: frozenset[int] = frozenset(),
        referring: frozenset[int] = frozenset(),
    ) -> bool:
        """Whether the sentence has every mention label the target's rule ``requires``.

        Args:
            target: The target.
            labels: The labels of the mentions of each sentence.
            shadowed: Starts of echogenic foci whose shadow is in the next sentence.
            referring: Starts of targets whose sentence refers back to the one before it.
        """
        required = self.requires.get(target.rule_id, ())
        if not required:
            return True
        present = labels.get(target.sent, set())
        if target.start in shadowed:
            present = present | {"SHADOW"}
        if target.start in referring:
            # "... typical of a haemangioma. It contains a 4 mm phlebolith": the lesion the
            # sentence refers back to is in the sentence before, on the same line.
            present = present | labels.get(target.sent - 1, set())
        return all(label in present for label in required)

    def _referring_back_in_line(
        self,
        doc: Doc,
        targets: Sequence[Mention],
        sentences: Sequence[Sentence],
    ) -> frozenset[int]:
        """Starts of targets with a requirement whose sentence refers back to the sentence
        before it on its line: it opens on a refer-back word ("It contains ...") or holds an
        inside phrase before the target ("A 5 mm signal void within it ...")."""
        lw = token_view(doc).lower
        found = set()
        for t in targets:
            if not self.requires.get(t.rule_id) or t.sent == 0:
                continue
            start = sentences[t.sent].start
            previous_end = sentences[t.sent - 1].end
            between = doc[max(previous_end - 1, 0) : start].text_with_ws
            if any(c in between for c in LINE_BREAKS):
                continue  # the prefilter reads a rule and what it requires in one line
            if self._opens_on_refer_back(doc, sentences[t.sent]) or any(
                lw[i] in self.neighbours.inside_prepositions
                and lw[i + 1] in self.neighbours.inside_pronouns
                for i in range(start, t.start - 1)
            ):
                found.add(t.start)
        return frozenset(found)

    def _shadowed(
        self,
        candidate: Mention,
        shadows: Mapping[int, _SpanIndex],
        targets: _SpanIndex,
        doc: Doc,
        appositive: bool = False,
    ) -> bool:
        """Whether an echogenic focus is followed by its own acoustic shadow in the sentence.

        Args:
            candidate: The echogenic focus.
            shadows: The shadow mentions of each sentence.
            targets: All targets.
            doc: The document.
            appositive: Whether ``candidate`` is a further description of an earlier focus.
        """
        index = shadows.get(candidate.sent)
        m = index.first_starting_at(candidate.end) if index is not None else None
        # A shadow after (or inside) another target ("a lesion containing a calcification with
        # shadowing") is that target's.
        if (
            m is not None
            and m.start - candidate.end <= self.max_post_distance
            and not any(
                t is not candidate for t in targets.starting_between(candidate.end, m.start + 1)
            )
            # "a hyperechoic lesion containing a punctate shadowing phlebolith": the shadow
            # describes the target it stands before.
            and not any(t is not candidate for t in targets.starting_between(m.end, m.end + 1))
        ):
            return True
        if appositive:
            return False
        # "a strong echo mass about 4.0 x 3.2 cm is seen, arc-shaped strong echo at the front
        # edge, with wide acoustic shadow behind": a further description of the same mass
        # after a comma, with no determiner of its own, shares its shadow.
        b = targets.first_starting_at(candidate.end)
        if b is None or b.sent != candidate.sent or b.label not in ECHO_LABELS:
            return False
        if b.start - candidate.end > self.max_post_distance:
            return False
        between = [doc[i] for i in range(candidate.end, b.start)]
        commas = [k for k, t in enumerate(between) if t.text == ","]
        # Its own phrase, after the last comma, has no determiner ("..., with arc-shaped
        # strong echo at its edge"); a location before that comma may ("in the left lobe").
        if (
            commas
            and not any(t.lower_ in self.determiners for t in between[commas[-1] :])
            and not any(t.is_punct and t.text not in {",", "-"} for t in between)
        ):
            return self._shadowed(b, shadows, targets, doc, appositive=True)
        return False

    def _mark_proximal(self, doc: Doc, mentions: Sequence[Mention]) -> None:
        """Flag organ/location mentions introduced by a proximity word ("adjacent to the")."""
        lw = token_view(doc).lower
        for m in mentions:
            if m.label not in {"ORGAN", "LOBE", "SEGMENT", "BLOCKER", "MIMIC"}:
                continue
            i = m.start - 1
            while i >= 0 and (lw[i] in self.determiners or lw[i] in self.side_words):
                i -= 1
            after_to = i >= 0 and lw[i] == "to"
            if after_to:
                i -= 1
            word = lw[i] if i >= 0 else ""
            # "posterior to the right lobe" is beside it; "the posterior right lobe" is in it.
            m.proximal = word in self.proximity_words and (
                after_to or word not in self.proximity_words_needing_to
            )

    def _location_organs(self, doc: Doc, mentions: Sequence[Mention]) -> set[int]:
        """Ids of organ mentions that are a location ("in the liver and spleen"), not a head."""
        lw = token_view(doc).lower
        organ_ends = {m.end: m for m in mentions if m.label == "ORGAN"}
        place_ends = {m.end: m for m in mentions if m.label in {"LOBE", "SEGMENT"}}
        located: set[int] = set()
        for m in mentions:
            if m.label != "ORGAN":
                continue
            i = self._word_before_determiners(doc, m.start)
            if i < 0:
                continue
            word = lw[i]
            if word in self.location_prepositions:
                located.add(id(m))
            elif word in {"and", "or", ",", "&"}:
                j = i
                while j > 0 and lw[j - 1] in self.determiners:
                    j -= 1
                # "of the liver (segment VI, 5.5 cm) and spleen": skip the liver's parenthesis.
                j = _before_parenthesis(doc, j)
                before = organ_ends.get(j)
                if before is None and m.value != LIVER and j in place_ends:
                    # "in the caudate lobe and spleen": a place in the liver and another
                    # organ share what is found there.
                    m.with_liver = True
                    located.add(id(m))
                    continue
                if before is not None and id(before) in located:
                    located.add(id(m))
                if before is not None and LIVER in {before.value, m.value}:
                    # "the liver and spleen (both) contain ...": one subject that includes the
                    # liver, not a second organ that owns the finding.
                    for organ in (before, m):
                        organ.with_liver = True
                        if organ.value != LIVER:
                            located.add(id(organ))
        return located

    @staticmethod
    def _segments_before_sizes(doc: Doc, raw: list[Mention]) -> list[Mention]:
        """Shorten a segment list whose last number starts a size: "5 mm in segment 7 and 3 mm
        in the caudate lobe" names segment 7 and a 3 mm focus, not segments 7 and 3."""
        size_starts = {m.start for m in raw if m.label == "SIZE" and m.end - m.start >= 2}
        out = []
        for m in raw:
            if m.label == "SEGMENT" and m.end - m.start >= 4 and m.end - 1 in size_starts:
                end = m.end - 2  # drop the conjunction and the number
                # "segment VI, 2 and 3 mm": an arabic number after a roman one starts the
                # sizes too.
                kinds = [_numeral_kind(doc[i].text) for i in range(m.start, end)]
                first = next((k for k in kinds if k), "")
                while end - m.start >= 3 and kinds[end - m.start - 1] not in {"", first}:
                    end -= 2
                m = replace(m, end=end, end_char=doc[end - 1].idx + len(doc[end - 1].text))
            out.append(m)
        return out

    def _clean_mentions(
        self, doc: Doc, raw: list[Mention], targets: list[Mention]
    ) -> list[Mention]:
        # Overlap tests go through token indexes, so a report with thousands of mentions
        # stays linear.
        lw = token_view(doc).lower
        raw = self._segments_before_sizes(doc, raw)
        segment_tokens = {i for m in raw if m.label == "SEGMENT" for i in range(m.start, m.end)}
        target_tokens = {i for t in targets for i in range(t.start, t.end)}
        by_label: dict[str, list[Mention]] = {}
        for m in raw:
            if m.label == "SIZE" and m.start in segment_tokens:
                continue  # "segment 7 and 1.1 cm": the 7 is a segment, not a size
            if m.label in NOT_INSIDE_TARGETS and not target_tokens.isdisjoint(
                range(m.start, m.end)
            ):
                continue  # before choosing the longest: "with peripheral" loses to "with"
            by_label.setdefault(m.label, []).append(m)
        kept: list[Mention] = []
        for label, items in by_label.items():
            if label not in ATTRIBUTE_LABELS and label not in SUPPRESSOR_LABELS:
                continue
            if label in LEFTMOST_FIRST_LABELS:
                items.sort(key=lambda m: (m.start, -(m.end - m.start)))
            else:
                items.sort(key=lambda m: (-(m.end - m.start), m.start))
            taken: set[int] = set()
            for m in items:
                if taken.isdisjoint(range(m.start, m.end)):
                    kept.append(m)
                    taken.update(range(m.start, m.end))
        kept_at: dict[int, list[Mention]] = {}
        for m in kept:
            for i in range(m.start, m.end):
                kept_at.setdefault(i, []).append(m)

        def suppressed(m: Mention) -> bool:
            rule = SUPPRESSED_BY.get(m.label)
            if rule is None:
                return False
            labels, longer_only = rule
            return any(
                o is not m
                and o.label in labels
                and (not longer_only or (o.end - o.start) > (m.end - m.start))
                for i in range(m.start, m.end)
                for o in kept_at.get(i, ())
            )

        places = frozenset(
            i for m in kept if m.label in {"SEGMENT", "LOBE"} for i in range(m.start, m.end)
        )
        place_starts = frozenset(m.start for m in kept if m.label in {"SEGMENT", "LOBE"})
        out: list[Mention] = []
        for m in kept:
            if m.label in SUPPRESSOR_LABELS or suppressed(m):
                continue
            if (
                m.label == "BLOCKER"
                and m.end in place_starts
                and doc[m.start : m.end].text.lower() in self.placing_verbs
            ):
                continue  # "... deposit spans segments V/VIII": a place, not an organ's size
            if m.label == "DUCT" and not self._duct_is_location(doc, m, places):
                continue
            if m.label == "SEGMENT" and self._guarded_segment_code(doc, m):
                continue
            if m.label == "ORGAN" and m.value != LIVER and self._denied_organ(doc, m):
                continue  # "... calcification of 11 mm without perifocal enhancing soft tissue"
            if (
                m.label == "ORGAN"
                and m.value == ORGAN_CAPSULE
                and self._lesion_capsule(doc, m, [*kept, *targets])
            ):
                continue  # "a calcified capsule of the old haematoma": the lesion's, not Glisson's
            if m.label == "ORGAN" and m.end < len(doc) and lw[m.end] in self.organ_effect_words:
                continue  # "... coarse calcification with capsular retraction"
            if m.label == "COUNT" and m.value == COUNT_DIGIT:
                count = parse_digit_count(doc[m.start : m.end].text)
                m.value = str(count) if count is not None else None
            out.append(m)
        out.sort(key=lambda m: (m.start, m.end))
        return out

    @staticmethod
    def _lesion_capsule(doc: Doc, m: Mention, mentions: Sequence[Mention]) -> bool:
        """Whether a capsule word is a lesion's ("haematoma capsule", "a calcified haematoma
        capsule", "the capsule of the old haematoma"): a lesion word or a target right before
        it, or "of" after it and one within three more words."""
        lw = token_view(doc).lower
        lesions = [
            x
            for x in mentions
            if (x.label == "BLOCKER" and x.value in LESION_VALUES) or x.is_target
        ]
        if any(x.end == m.start for x in lesions):
            return True
        if m.end >= len(doc) or lw[m.end] != "of":
            return False
        return any(m.end < x.start <= m.end + 4 for x in lesions)

    def _denied_organ(self, doc: Doc, m: Mention) -> bool:
        """Whether a negation word stands at most five tokens before an organ word ("with no
        enhancing soft tissue component", "without splenic involvement"): what is denied
        places nothing."""
        i = m.start - 1
        while i >= 0 and m.start - i <= 5:
            token = doc[i]
            if token.lower_ in self.negation_words:
                return True
            if not (token.is_alpha or token.text == "-"):
                return False
            i -= 1
        return False

    def _guarded_segment_code(self, doc: Doc, m: Mention) -> bool:
        """Whether an S-code is a heart sound or a vertebra ("S1 and S2 heard", "L5-S1 disc"),
        not a Couinaud segment: a guard word stands within a few tokens of it."""
        lw = token_view(doc).lower
        if m.rule_id not in self.segment_guard_rules:
            return False
        low = max(0, m.start - self.segment_guard_window)
        high = min(len(doc), m.end + self.segment_guard_window)
        return any(lw[i] in self.segment_guard_words for i in range(low, high))

    def _duct_is_location(
        self, doc: Doc, m: Mention, places: Collection[int] = frozenset()
    ) -> bool:
        """A duct is where the target lies: "within dilated ducts", "ducts containing ...".

        Not so in "intrahepatic ducts not dilated" next to a calcification.

        Args:
            doc: The document.
            m: The duct mention.
            places: Tokens of segment and lobe mentions, which may stand between the ducts
                and what they contain ("ducts in segments 6 and 7 containing calculi").
        """

        lw = token_view(doc).lower

        def fill(i: int) -> bool:
            if i in places:
                return True
            return (not doc[i].is_punct or doc[i].text == "-") and (
                lw[i] not in self.duct_gap_stops
            )

        if lw[m.start] in self.duct_locative:
            return True  # "intraductal calculi": the word itself says where
        k = m.start - 1
        while k >= 0 and m.start - k <= 4 and not doc[k].is_punct:
            if lw[k] in self.negation_words:
                return False  # "not associated with a duct", "no dilated ducts"
            k -= 1
        i = m.start - 1
        while (
            i >= 0
            and m.start - 1 - i < self.duct_max_gap
            and fill(i)
            and lw[i] not in self.duct_prepositions
        ):
            i -= 1
        if i >= 0 and lw[i] in self.duct_prepositions:
            # "not distributed along the course of the bile ducts": a negated place.
            k = i - 1
            while k >= 0 and i - k <= self.duct_max_gap and not doc[k].is_punct:
                if lw[k] in self.negation_words:
                    return False
                k -= 1
            return True
        j = m.end
        while (
            j < len(doc)
            and j - m.end < self.duct_max_gap
            and fill(j)
            and lw[j] not in self.duct_containers
        ):
            j += 1
        if j < len(doc) and lw[j] in self.duct_containers:
            # "ducts with no filling defect": nothing in them.
            return not (j + 1 < len(doc) and lw[j + 1] in self.negation_words)
        # "The intrahepatic bile ducts of the left lobe are dilated and contain many stones",
        # "dilated bile ducts of the right posterior section (segments VI and VII) containing
        # calculi": only the words of such a clause may stand between the ducts and what they
        # contain, and the ducts are said to be dilated (before them or in the clause).
        j = m.end
        while (
            j < len(doc)
            and j - m.end < self.duct_max_bridge
            and (lw[j] in self.duct_bridge or j in places)
        ):
            j += 1
        return (
            j < len(doc)
            and lw[j] in self.duct_containers
            and any(
                lw[k] in self.duct_bridge_states
                for k in range(max(0, m.start - self.duct_state_before), j)
            )
        )

    @staticmethod
    def _edges_by_span(doc: Doc) -> dict[tuple[int, int], list[ContextEdge]]:
        """ConText's edges by their target's character offsets."""
        edges: dict[tuple[int, int], list[ContextEdge]] = {}
        for edge in context_edges(doc):
            edges.setdefault((edge.target_start_char, edge.target_end_char), []).append(edge)
        return edges

    # -- attachment ---------------------------------------------------------------------------
    def _is_np_gap(
        self,
        doc: Doc,
        start: int,
        end: int,
        organ_tokens: set[int],
        breaks: Collection[int] = frozenset(),
    ) -> bool:
        """Whether tokens [start, end) can sit inside one noun phrase (no break word or head;
        no clause break of run-on dictation, see :meth:`_run_on_breaks`)."""
        lw = token_view(doc).lower
        if end - start > self.max_premod_gap:
            return False
        for i in range(start, end):
            tok = doc[i]
            if i in organ_tokens:
                continue
            if i in breaks:
                return False
            if tok.text in self.break_punct or tok.lower_ in self.break_words:
                # "hepatic and splenic calcifications": a conjunction between organ words.
                if tok.lower_ in {"and", ","} and i - 1 in organ_tokens and i + 1 in organ_tokens:
                    continue
                # "a 30 mm densely and homogeneously calcified nodule": two adverbs.
                if (
                    tok.lower_ in {"and", "or"}
                    and start < i
                    and i + 1 < len(doc)
                    and lw[i - 1].endswith("ly")
                    and lw[i + 1].endswith("ly")
                    and doc[i - 1].is_alpha
                    and doc[i + 1].is_alpha
                ):
                    continue
                # "a 4.5 cm collapsed, flattened cyst": a comma between two adjectives.
                if (
                    tok.text == ","
                    and start < i < end - 1
                    and doc[i - 1].is_alpha
                    and doc[i + 1].is_alpha
                    and lw[i + 1] not in self.break_words
                ):
                    continue
                return False
        return True

    def attach(
        self, doc: Doc, heads: Sequence[Mention], mentions: Sequence[Mention]
    ) -> dict[int, list[Attachment]]:
        """Attach each mention of one sentence to one head; returns head index -> attachments.

        Args:
            doc: The processed document.
            heads: The sentence's heads in document order (sorted by start, then end).
            mentions: The sentence's attribute mentions.
        """
        organ_tokens = {i for m in mentions if m.label == "ORGAN" for i in range(m.start, m.end)}
        # Organs named as the subject of a measurement, not as a place ("in the liver
        # measuring 6 mm", "seg 6 liver approx 4 cm" are a lesion's sizes).
        placed = {i for m in mentions if m.label in {"SEGMENT", "LOBE"} for i in (m.end - 1,)}
        placed |= {h.end - 1 for h in heads if h.is_target}
        organ_ends = {
            m.end: m.value or ""
            for m in mentions
            if m.label == "ORGAN" and not self._placed(doc, m, placed)
        }
        identity_cues = sorted(m.start for m in mentions if m.label == "COREF")
        # A neighbour ("adjacent to the portal vein (9 mm)") owns its size, nothing else.
        every_head = _HeadIndex(heads, heads)
        not_proximal = [h for h in heads if not h.proximal]
        plain_heads = (
            every_head if len(not_proximal) == len(heads) else _HeadIndex(heads, not_proximal)
        )
        breaks = self._run_on_breaks(doc, heads, mentions)
        out: dict[int, list[Attachment]] = {}
        for m in mentions:
            if m.label not in ATTACHED_LABELS:
                continue
            usable = every_head if m.label == "SIZE" else plain_heads
            if m.label == "SIZE" and self._measures_organ(doc, m, organ_ends, usable):
                continue  # "spleen 12 cm ... hepatolithiasis": the spleen's length
            choice = self._choose_head(doc, m, usable, organ_tokens, identity_cues, breaks)
            if choice is not None:
                k, tier, distance = choice
                out.setdefault(k, []).append(Attachment(m, tier, distance))
        return out

    def _run_on_breaks(
        self, doc: Doc, heads: Sequence[Mention], mentions: Sequence[Mention]
    ) -> frozenset[int]:
        """The double spaces (space tokens) that end clauses of run-on dictation in the
        sentence of the heads and mentions: none when it has fewer than
        ``min_run_on_double_spaces`` (a lone one is noise, such as a NUL turned into a space)."""
        spans = [*heads, *mentions]
        if not spans:
            return frozenset()
        sentence = doc[min(m.start for m in spans)].sent
        space = token_view(doc).space
        found = frozenset(i for i in range(sentence.start, sentence.end) if space[i])
        return found if len(found) >= self.min_run_on_spaces else frozenset()

    def _word_before_determiners(self, doc: Doc, start: int) -> int:
        """The index of the token before ``start`` and the determiners right before it ("in
        the liver": the "in"); -1 when none."""
        lw = token_view(doc).lower
        i = start - 1
        while i >= 0 and lw[i] in self.determiners:
            i -= 1
        return i

    def _placed(self, doc: Doc, organ: Mention, placed: Collection[int]) -> bool:
        """Whether an organ word names where something is: after a location preposition ("in
        the liver", "lobe of liver"), a segment, a lobe or a target ("seg 6 liver")."""
        lw = token_view(doc).lower
        i = self._word_before_determiners(doc, organ.start)
        return i >= 0 and (lw[i] in self.location_prepositions or i in placed)

    def _measures_organ(
        self, doc: Doc, size: Mention, organ_ends: Mapping[int, str], usable: _HeadIndex
    ) -> bool:
        """Whether a size measures the organ named just before it ("spleen 12 cm", "liver
        normal 15 cm", "liver measures 15.1 cm"), so that it is no lesion's size.

        Only the words of ``organ_measurement`` may stand between them. A size inside a
        target, or right before one ("liver 5 mm calcified focus"), is the target's.
        """
        lw = token_view(doc).lower
        if usable.target_over(size) is not None:
            return False
        i = size.start
        gap = 0
        while i not in organ_ends:
            i -= 1
            gap += 1
            if gap > self.organ_measure_max_gap or i < 0:
                return False
            if lw[i] not in self.organ_measure_words:
                return False
        organ = organ_ends[i]
        value = self.normalizer.parse_size_mm(doc[size.start : size.end].text)
        k = usable.first_starting_at(size.end)
        if k is not None and usable.heads[k].start == size.end:
            # Right before a target: the target's, unless only a whole organ is that large.
            whole = self.whole_organ_size_mm.get(organ)
            return whole is not None and value is not None and value >= whole
        least = self.organ_min_size_mm.get(organ)
        return least is None or value is None or value >= least

    def _choose_head(
        self,
        doc: Doc,
        m: Mention,
        usable: _HeadIndex,
        organ_tokens: set[int],
        identity_cues: Sequence[int] = (),
        breaks: Collection[int] = frozenset(),
    ) -> tuple[int, str, int] | None:
        heads = usable.heads
        k = usable.target_over(m)
        if k is not None:
            return k, "internal", 0
        if m.label == "SIZE" and m.start > 0 and doc[m.start - 1].text in self.table_cell_marks:
            # "| 2 | Segment VII | Calcification within lesion 1 (...) | 6 mm |": a size in a
            # cell of its own is the row's finding's.
            k = next((j for j, h in enumerate(heads) if h.is_target and h.end <= m.start), None)
            if k is not None:
                return k, "post", m.start - heads[k].end
        if m.label in {"SEGMENT", "LOBE"} and (
            usable.ends_at(m.start)
            # Not across a clause break ("no ascites  right lobe 6 mm calcified granuloma").
            or (usable.ends_at(m.start - 1) and m.start - 1 not in breaks)
        ):
            pass  # "... hypoechoic lesion seg 4 separate calcific focus": the lesion's segment
        elif m.label in PREMOD_LABELS and not (m.label == "SIZE" and self._measured(doc, m)):
            # Organ words are adjectives here ("hepatic and splenic granulomas"), not heads.
            k = usable.first_starting_at(m.end, organs=False)
            if (
                k is not None
                and self._is_np_gap(doc, m.end, heads[k].start, organ_tokens, breaks)
                # "a stone in the segment III duct, densely calcified": an appositive
                # predicate heads no noun phrase, so nothing before its comma modifies it.
                and not (
                    heads[k].rule_id in self.predicate_rules
                    and any(doc[i].text == "," for i in range(m.end, heads[k].start))
                )
            ):
                return k, "premod", heads[k].start - m.end
        if m.label in POST_LABELS:
            k = usable.last_ending_by(m.start)
            if k is not None:
                h = heads[k]
                if (
                    m.start - h.end <= self.max_post_distance
                    and not (m.label == "COUNT" and m.value not in POST_COUNT_VALUES)
                    # Run-on dictation: two spaces end a clause ("... calculi largest 9mm
                    # left lobe normal  gb contracted").
                    and not any(i in breaks for i in range(h.end, m.start))
                ):
                    if (
                        m.label in IDENTITY_POST_LABELS
                        and h.label == "BLOCKER"
                        and (h.value == BLOCKER_STRUCTURE)
                    ):
                        choice = self._identity_after(m, usable, identity_cues)
                        if choice is not None:
                            return choice
                    if m.label == "SIZE" and not h.is_target:
                        plural = self._superlative_plural(doc, m, usable, k, organ_tokens)
                        if plural is not None:
                            return plural, "post", m.start - heads[plural].end
                        placed = self._placed_by_part_of(doc, m, usable, k)
                        if placed is None:
                            placed = self._inside_named_host(doc, m, usable, k)
                        if placed is not None:
                            return placed, "post", m.start - heads[placed].end
                    if m.label in {"SEGMENT", "LOBE"} and not h.is_target:
                        # "Calcifications at the sites of treated metastases in segments II,
                        # IV and VI": where the lesions are, the calcifications are.
                        placed = self._placed_by_part_of(doc, m, usable, k)
                        if placed is not None:
                            return placed, "post", m.start - heads[placed].end
                    return k, "post", m.start - h.end
                if m.label == "COUNT":
                    return None
        if m.label in IDENTITY_BEFORE_CUE_LABELS:
            # "A 6 mm focus of signal void in segment VII, dark on all sequences, without
            # enhancement, consistent with calcification": the size and place of what an
            # identity cue then names a calcification are the calcification's.
            choice = self._identity_target(doc, m, usable, identity_cues)
            if choice is not None:
                return choice
        # Only "throughout the liver" may stand before the calcifications it describes; a fronted
        # "diffusely echogenic liver" is about the parenchyma.
        if m.label in FRONTED_LABELS and not (
            m.label == "DIFFUSE" and m.value != DIFFUSE_THROUGHOUT
        ):
            k = usable.first_starting_at(m.end)
            if k is not None and not usable.any_ending_by(m.start):
                return k, "fronted", heads[k].start - m.end
        return None

    def _measured(self, doc: Doc, m: Mention) -> bool:
        """Whether a measuring verb stands right before a size (past at most two hedges:
        "measuring approximately 3 cm"): it measures what stands before it."""
        lw = token_view(doc).lower
        i = m.start - 1
        while i >= 0 and m.start - i <= 2 and lw[i] in self.measured_hedges:
            i -= 1
        return i >= 0 and lw[i] in self.measured_verbs

    def _placed_by_part_of(self, doc: Doc, m: Mention, usable: _HeadIndex, k: int) -> int | None:
        """The target a size after a lesion speaks of when that lesion only places it ("a
        single calcification at the margin of the ablation zone measuring 5 mm"): a part
        noun and "of" (and determiners) stand between the target and the lesion."""
        lw = token_view(doc).lower
        heads = usable.heads
        i = self._word_before_determiners(doc, heads[k].start)
        # "at the sites of treated metastases": an adjective or two before the lesion.
        skipped = 0
        while (
            i >= 1
            and skipped < 2
            and lw[i] != "of"
            and doc[i].is_alpha
            and lw[i] not in self.break_words
        ):
            i -= 1
            skipped += 1
        if i < 1 or lw[i] != "of" or lw[i - 1] not in self.placing_parts:
            return None
        j = usable.last_ending_by(i - 1)
        if j is None or not heads[j].is_target or m.start - heads[j].end > self.max_post_distance:
            return None
        return j

    def _inside_named_host(self, doc: Doc, m: Mention, usable: _HeadIndex, k: int) -> int | None:
        """The target a measured size after a lesion speaks of when the target lies inside
        that lesion, named again with a definite determiner ("a coarse calcification within
        the treated tumour measuring 3.2 x 2.5 cm"): the lesion was described before, so the
        size is what lies in it. An indefinite lesion ("within a mass measuring 4 cm") is new
        and keeps its size."""
        lw = token_view(doc).lower
        heads = usable.heads
        h = heads[k]
        if h.label != "BLOCKER" or h.value not in LESION_VALUES or not self._measured(doc, m):
            return None
        between = range(h.end, m.start)
        if not all(
            lw[i] in self.measured_verbs or lw[i] in self.measured_hedges or lw[i] == ","
            for i in between
        ):
            return None
        i = h.start - 1
        skipped = 0
        while (
            i >= 1
            and skipped < 2
            and doc[i].is_alpha
            and lw[i] not in self.determiners
            and lw[i] not in self.break_words
        ):
            i -= 1
            skipped += 1
        if i < 2 or lw[i] not in self.definite:
            return None
        if lw[i - 1] not in self.neighbours.inside_prepositions:
            return None
        j = usable.last_ending_by(i - 1)
        if j is None or not heads[j].is_target or heads[j].end != i - 1:
            return None
        return j

    def _superlative_plural(
        self, doc: Doc, m: Mention, usable: _HeadIndex, k: int, organ_tokens: Collection[int]
    ) -> int | None:
        """The plural target a superlative size speaks of past a singular head ("Several
        hyperechoic foci ... at the site of the previous abscess, the largest 1.2 cm"): the
        largest of the foci, not of the one abscess. None when no superlative stands between
        that head and the size ("the largest lesion 2.8 cm" is the lesion's), an organ word
        stands after it ("largest splenic one 6 mm") or the nearest head is plural itself."""
        lw = token_view(doc).lower
        heads = usable.heads
        start = max(m.start - self.max_superlative_gap, heads[k].end)
        superlative = next((i for i in range(start, m.start) if lw[i] in self.superlatives), None)
        if superlative is None or any(i in organ_tokens for i in range(superlative, m.start)):
            return None
        if self.normalizer.is_plural_head([lw[heads[k].end - 1]]):
            return None
        j = usable.last_ending_by(heads[k].start)
        while j is not None and m.start - heads[j].end <= self.max_post_distance:
            h = heads[j]
            if h.is_target:
                words = lw[h.start : h.end]
                return j if self.normalizer.is_plural_head(words) else None
            j = usable.last_ending_by(h.start)
        return None

    def _identity_after(
        self, m: Mention, usable: _HeadIndex, identity_cues: Sequence[int]
    ) -> tuple[int, str, int] | None:
        """The target an identity cue after ``m`` names, when no head stands between them.

        "dilatation of the ducts, with low signal filling defects within the left lateral
        segment ducts, the largest 14 mm, in keeping with intraductal calculi": the place and
        size after a structure (the dilatation) describe what the cue then names.
        """
        j = bisect.bisect_left(identity_cues, m.end)
        if j >= len(identity_cues) or identity_cues[j] - m.end > self.max_post_distance:
            return None
        cue = identity_cues[j]
        k = usable.first_starting_at(m.end)
        if k is None:
            return None
        h = usable.heads[k]
        if h.start < cue or not h.is_target or h.start - m.end > self.max_post_distance:
            return None
        return k, "post", h.start - m.end

    def _identity_target(
        self, doc: Doc, m: Mention, usable: _HeadIndex, identity_cues: Sequence[int]
    ) -> tuple[int, str, int] | None:
        """The target an identity cue after ``m`` names, when ``m`` opens the description.

        No head may stand before ``m``; between ``m`` and the cue only structure words
        ("without enhancement") may; the target is the first one after the cue.
        """
        if usable.any_ending_by(m.start):
            return None
        j = bisect.bisect_left(identity_cues, m.end)
        if j >= len(identity_cues):
            return None
        cue = identity_cues[j]
        heads = usable.heads
        k = usable.first_starting_at(m.end)
        while k is not None and heads[k].start - m.end <= self.max_post_distance:
            h = heads[k]
            if h.start >= cue:
                return (k, "fronted", h.start - m.end) if h.is_target else None
            if h.is_target or not (
                h.label == "BLOCKER"
                and (h.value == BLOCKER_STRUCTURE or self._inside_object(doc, h))
            ):
                return None
            k = usable.first_starting_at(h.start + 1)
        return None

    # -- linking ------------------------------------------------------------------------------
    def link_targets(
        self,
        doc: Doc,
        sentences: Sequence[Sentence],
        targets: Sequence[Mention],
        mentions: Sequence[Mention],
        edges: Mapping[tuple[int, int], list[ContextEdge]],
        *,
        liver_exam: bool = False,
    ) -> list[FindingRecord]:
        """Return one record of primitive values per target, in document order.

        ``liver_exam``: the report's title names an exam of the liver only (``ExamTitle``),
        so a calcification that names no organ is the liver's."""
        # A bare "right lobe" is the liver's unless the report is about lungs or thyroid only
        # (an exam it recommends does not count: "Staging CT of the chest is recommended").
        lw = token_view(doc).lower
        advice = {m.sent for m in mentions if m.label in FOLLOWUP_LABELS}
        other_lobed = any(
            m.label == "ORGAN" and m.value in LOBED_ORGANS and m.sent not in advice
            for m in mentions
        )
        mentions_liver = any(m.label == "ORGAN" and m.value == LIVER for m in mentions)
        ambiguous_lobes = other_lobed and not mentions_liver
        records: list[FindingRecord] = []
        group_counter = 0
        targets_of = _by_sentence(targets)
        mentions_of = _by_sentence(mentions)
        # The places each sentence's targets took from the sentence before theirs.
        lent_places: dict[int, list[Mention]] = {}
        # Each sentence's line topic ("The liver is normal in size."), once a target needs it.
        topics: list[tuple[str, bool]] | None = None
        for k, (s_start, s_end, part, top, organ_sections) in enumerate(sentences):
            s_targets = targets_of.get(k, [])
            if not s_targets:
                continue
            s_mentions = mentions_of.get(k, [])
            # A prior cue speaks of sizes in its own sentence only ("previously 8 mm").
            prior_cue_ends = frozenset(m.end for m in s_mentions if m.label == "PRIOR_CUE")
            heads = sorted(
                [*s_targets, *(m for m in s_mentions if m.is_head)], key=lambda h: (h.start, h.end)
            )
            heads = self._without_appositive_heads(doc, heads)
            attached = self.attach(doc, heads, s_mentions)
            states: list[TargetState] = []
            for hk, h in enumerate(heads):
                if not h.is_target:
                    continue
                state = TargetState(h, tuple(lw[h.start : h.end]))
                state.attachments.extend(attached.get(hk, []))
                states.append(state)
            self._drop_other_organ_sizes(doc, states, s_mentions)
            self._propagate_containers(doc, heads, attached, states, s_mentions)
            self._lent_by_host(doc, heads, attached, states)
            self._fronted_container(doc, s_start, heads, attached, states)
            self._colon_lead_in(doc, heads, attached, states)
            self._identified_lesion(doc, heads, attached, states, s_mentions)
            self._take_duct_contents(doc, states, s_mentions)
            self._merge_anaphoric_lesions(doc, heads, attached, states)
            subjectless = self._predicate_subjects(doc, heads, attached, states, s_mentions)
            self._colon_enumeration(doc, heads, attached, states)
            self._share_coreferent_location(doc, states, s_mentions)
            self._superlative_member(doc, states)
            self._listed_stones(doc, states, s_mentions)
            if (
                k > 0
                and any(not self._has_location(st) for st in states)
                and (self._refers_back(doc, s_start, s_end, heads) or subjectless)
            ):
                first = self._first_words(doc, s_start, s_end, 1)
                distributive = bool(first) and first[0] in self.neighbours.distributive
                # "...; they correspond to the calcified granulomas on the prior CT": the
                # pronoun names the previous sentence's foci as the calcifications.
                named = (
                    bool(first)
                    and first[0] in self.predicate_pronouns | self.neighbours.refer_back
                    and any(
                        m.label == "COREF" and m.end <= min(st.mention.start for st in states)
                        for m in s_mentions
                    )
                )
                self._lend_previous_context(
                    doc,
                    k - 1,
                    states,
                    targets_of,
                    mentions_of,
                    distributive=distributive,
                    # "...; this corresponds to a calcified hydatid cyst": the lesion named is
                    # the calcified one, with its size.
                    sized=[
                        *subjectless,
                        *self._named_by_pronoun(
                            doc, s_start, s_end, states, s_mentions, subjectless
                        ),
                    ],
                    named=named,
                    chained=lent_places.get(k - 1, ()),
                    described_before=(
                        k - 2
                        if k >= 2
                        and (
                            self._opens_on_refer_back(doc, sentences[k - 1])
                            # "... a 9.2 cm mass in segment IV. The central scar is T2
                            # hypointense. ... the central scar is densely calcified": the
                            # sentence between speaks of a part of the same lesion.
                            or (
                                bool(subjectless)
                                and self._opens_on_definite_part(doc, sentences[k - 1])
                                and "\n" not in doc[sentences[k - 2].start : s_start].text
                            )
                            or (
                                self._names_lesion_definitely(doc, heads)
                                and not targets_of.get(k - 1)
                                and not any(m.is_head for m in mentions_of.get(k - 1, []))
                                # on one line, in one organ section: not across a
                                # paragraph or a header ("... pericolic nodes. Liver: ...")
                                and "\n" not in doc[sentences[k - 2].start : s_start].text
                                and sentences[k - 2].organ_sections == organ_sections
                            )
                        )
                        else None
                    ),
                )
                lent_places[k] = [
                    a.mention
                    for st in states
                    for a in st.attachments
                    if a.tier == "context" and a.mention.label in LOCATION_LABELS
                ]
            # "...; the largest one, in segment VI, measures 6.5 x 5.3 cm and shows thick
            # eggshell calcification of its wall": a part of the lesions does not stop it. A
            # sentence that continues in turn follows ("... scattered through the right lobe.
            # The largest lies in segment VII. It measures 9 mm.").
            j = k + 1
            while (
                j < len(sentences)
                and (
                    j - k <= self.max_continued_sentences
                    or j - k <= self._continuation_limit(doc, sentences[j])
                )
                and mentions_of.get(j)
                and all(
                    self._is_part(doc, t) or self._described_by_same_foci(doc, sentences[j], t)
                    for t in targets_of.get(j, [])
                )
                and self._take_continuation(doc, sentences[j], mentions_of.get(j, []), states)
            ):
                j += 1
            # "Calcified foci with shadowing:" then "- segment 3, 4 mm;" on each line.
            if j == k + 1 and self.neighbours.opens_list(self._texts(doc, s_end - 3, s_end)):
                self._take_list_items(doc, k, sentences, targets_of, mentions_of, states)
            sentence_mimics = _SpanIndex([m for m in s_mentions if m.label == "MIMIC"])
            if topics is None:
                topics = self._line_topics(doc, sentences, mentions_of)
            topic = topics[k]
            same_foci_showing = self._same_foci_showing(doc, s_start, s_end)
            cue_tokens = frozenset(
                i for m in s_mentions if m.label == "COREF" for i in range(m.start, m.end)
            )
            self._heading_place(doc, s_start, states, s_mentions)
            self._table_rows(doc, states, s_mentions, mentions)
            sent_records = [
                self._record(
                    doc,
                    st,
                    sentence_start=s_start,
                    part=part,
                    top=top,
                    organ_sections=organ_sections,
                    mimics=sentence_mimics.near(st.mention, self.max_mimic_distance),
                    edges=edges.get((st.mention.start_char, st.mention.end_char), []),
                    ambiguous_lobes=ambiguous_lobes,
                    prior_cue_ends=prior_cue_ends,
                    liver_exam=liver_exam,
                    topic=topic,
                    same_foci_showing=same_foci_showing,
                    cue_tokens=cue_tokens,
                )
                for st in states
            ]
            self._echoes_named_elsewhere(sent_records, states, s_mentions)
            self._host_contents(doc, sent_records, states)
            group_counter = self._group(doc, sent_records, states, s_mentions, group_counter)
            records.extend(sent_records)
        return records

    # -- neighbouring sentences ---------------------------------------------------------------
    @staticmethod
    def _first_words(doc: Doc, start: int, end: int, n: int) -> tuple[str, ...]:
        """The first ``n`` words of the sentence ``doc[start:end]`` (lower case)."""
        lw = token_view(doc).lower
        lowers = lw[start : min(end, start + 3 * n + 3)]
        return first_words(lowers, 0, len(lowers), n)

    @staticmethod
    def _has_location(st: TargetState) -> bool:
        return any(a.mention.label in LOCATION_LABELS for a in st.attachments)

    def _names_lesion_definitely(self, doc: Doc, heads: Sequence[Mention]) -> bool:
        """Whether a sentence names a lesion with a definite determiner ("Inside the lesion
        ...", "The calcified cyst measures ..."): one named before."""
        return any(
            ((h.label == "BLOCKER" and h.value in LESION_VALUES) or h.is_target)
            and self._definite_before_head(doc, h.start)
            for h in heads
        )

    def _listed_stones(
        self, doc: Doc, states: Sequence[TargetState], s_mentions: Sequence[Mention]
    ) -> None:
        """Give stone candidates that a colon lists after intrahepatic stones the ducts of
        the sentence ("Intrahepatic stones in the posterior bile ducts of the right lobe: a
        large stone cast of 3,6 cm and multiple smaller stones")."""
        ducts = [m for m in s_mentions if m.label == "DUCT"]
        for n, st in enumerate(states):
            if st.mention.label != "DUCT_STONE_CANDIDATE" or self._has_location(st):
                continue
            lead = next(
                (
                    p
                    for p in reversed(states[:n])
                    if p.mention.label == "DUCT_STONE"
                    and any(doc[i].text == ":" for i in range(p.mention.end, st.mention.start))
                ),
                None,
            )
            if lead is None:
                continue
            st.attachments.extend(Attachment(m, "context", 0) for m in _places(lead.attachments))
            st.attachments.extend(
                Attachment(m, "context", 0) for m in ducts if m.end <= st.mention.start
            )

    def _heading_place(
        self,
        doc: Doc,
        s_start: int,
        states: Sequence[TargetState],
        s_mentions: Sequence[Mention],
    ) -> None:
        """Give the targets without a place of a sentence that opens on a lobe or segment and a
        colon ("Right lobe: a 9 cm heterogeneous mass with ... a 4 cm calcified component")
        that heading as their place."""
        first = s_start
        while first < len(doc) and (
            doc[first].is_space or doc[first].text in self.neighbours.list_bullets
        ):
            first += 1
        heading = next(
            (
                m
                for m in s_mentions
                if m.start == first
                and m.label in {"LOBE", "SEGMENT"}
                and m.end < len(doc)
                and doc[m.end].text == ":"
            ),
            None,
        )
        if heading is None:
            return
        for st in states:
            # "... calcified cyst with thick calcified wall": an outline is placed with its lesion.
            part = bool(st.words) and st.words[-1] in self.outline_parts
            if st.mention.start > heading.end and not part and not self._has_location(st):
                gap = st.mention.start - heading.end
                st.attachments.append(Attachment(heading, "context", gap))

    def _table_rows(
        self,
        doc: Doc,
        states: Sequence[TargetState],
        s_mentions: Sequence[Mention],
        mentions: Sequence[Mention] = (),
    ) -> None:
        """Give a target in a row of a table typed as text what its row says
        (:mod:`calcminer.nlp.pipeline.text_tables`): the row's place when it has none, and the row's
        current size when it has no size in its own cell.

        The current size is the one in a column whose header names the current exam ("Size
        now", "Current (mm)"), else any but those a header names a prior exam's ("Prior");
        a cell with only a number is a size when its header names a unit ("38 | 41" under
        "Prior (mm) | Current (mm)").
        """
        marks = self.table_cell_marks
        for st in states:
            t = st.mention
            lines = self._lines(doc)
            if not lines.may_be_row(t.start_char):
                continue
            table = table_at(lines.text, t.start_char, marks)
            if table is not None and not table.header and table.cell_at(t.start_char) == 0:
                self._title_row_members(doc, st, mentions)
                continue
            if table is None or not table.header:
                continue
            own = table.cell_at(t.start_char)
            if own is None:
                continue
            row_start, row_end = table.row[0].start, table.row[-1].end
            in_row = [m for m in s_mentions if row_start <= m.start_char < row_end]
            if not self._has_location(st):
                places = [m for m in in_row if _is_place(m)] or list(
                    self._segment_column_cells(doc, table, t.sent)
                )
                st.attachments.extend(Attachment(m, TABLE_TIER, 0) for m in places)
            own_sizes = [
                m for m in in_row if m.label == "SIZE" and table.cell_at(m.start_char) == own
            ]
            if own_sizes:
                # "... | now densely calcified lesion of 12 mm |", "1.4 cm, densely calcified":
                # the size in its own cell; the row's other cells are other exams'.
                attached = {id(a.mention) for a in st.attachments}
                st.attachments[:] = [
                    a
                    for a in st.attachments
                    if not (
                        a.mention.label == "SIZE"
                        and row_start <= a.mention.start_char < row_end
                        and table.cell_at(a.mention.start_char) != own
                    )
                ]
                st.attachments.extend(
                    Attachment(m, TABLE_TIER, 0) for m in own_sizes if id(m) not in attached
                )
                continue
            sizes = [
                (k, m)
                for m in in_row
                if m.label == "SIZE" and (k := table.cell_at(m.start_char)) is not None and k != own
            ]
            if not sizes:
                sizes = list(self._header_unit_sizes(doc, table, t.sent))
            current = self._current_cells(table, [k for k, _ in sizes])
            if not current:
                continue
            st.attachments[:] = [
                a
                for a in st.attachments
                if not (a.mention.label == "SIZE" and row_start <= a.mention.start_char < row_end)
            ]
            chosen = [(k, m) for k, m in sizes if k in current]
            st.attachments.extend(
                Attachment(m, TABLE_TIER, 0) for m in self._without_bracketed_prior(table, chosen)
            )

    def _without_appositive_heads(self, doc: Doc, heads: list[Mention]) -> list[Mention]:
        """Drop the lesion heads of a parenthesis right after a target ("densely calcified
        lesion (likely old hematoma) segment VII, 4 cm"): the parenthesis names the target
        again, so what follows it is the target's."""
        if len(heads) < 2:
            return heads
        dropped: set[int] = set()
        for t in heads:
            if not t.is_target or t.end >= len(doc) or doc[t.end].text != "(":
                continue
            for close in range(t.end + 1, min(t.end + 1 + self.max_apposition_tokens, len(doc))):
                if doc[close].text == ")":
                    dropped.update(
                        id(h)
                        for h in heads
                        if not h.is_target and t.end < h.start and h.end <= close
                    )
                    break
                if "\n" in doc[close].text or doc[close].text == "(":
                    break
        return [h for h in heads if id(h) not in dropped] if dropped else heads

    def _whole_cell(self, doc: Doc, t: Mention) -> bool:
        """Whether a bare "calcified" fills a cell of a table row, adverbs and parentheses
        aside ("| T1 | Liver S4 | calcified | 38 | 41 |", "Seg II   18 mm   11 mm
        (densely calcified)"): the row's lesion is calcified."""
        lw = token_view(doc).lower
        lines = self._lines(doc)
        if not lines.may_be_row(t.start_char):
            return False
        table = table_at(lines.text, t.start_char, self.table_cell_marks)
        if table is None:
            return False
        k = table.cell_at(t.start_char)
        if k is None:
            return False
        # The cell's first clause ("densely calcified, no enhancement").
        first = re.split(r"[,;]", table.row[k].text, maxsplit=1)[0]
        return title_words(first) <= self.predicate_adverbs | {lw[t.start]}

    def _title_row_members(self, doc: Doc, st: TargetState, mentions: Sequence[Mention]) -> None:
        """Let the table rows below a target that opens the title row of a table ("Calcified
        liver lesions    Size" over "Lesion A (segment VII)    32 mm") lend it their places
        and sizes, one member per row that has any, as list items do."""
        t = st.mention
        rows = rows_below(
            self._lines(doc).text, t.start_char, self.table_cell_marks, self.max_list_items
        )
        if not rows:
            return
        starts = [m.start_char for m in mentions]
        members = 0
        for cells in rows:
            lo = bisect.bisect_left(starts, cells[0].start)
            hi = bisect.bisect_left(starts, cells[-1].end)
            lent = [
                m
                for m in mentions[lo:hi]
                if m.label in LENT_LABELS and not m.is_target and not m.proximal
            ]
            if any(m.label == "ORGAN" and m.value != LIVER for m in lent):
                break  # "Spleen | 12 mm": the table has left the liver's foci
            if not lent:
                continue
            members += 1
            st.attachments.extend(Attachment(m, TABLE_TIER, 0) for m in lent)
        st.listed_items = max(st.listed_items, members)

    def _segment_column_cells(self, doc: Doc, table: TextTable, sent: int) -> Iterator[Mention]:
        """Couinaud segments written as a bare numeral in a column whose header is a segment
        word ("Obs | Seg | Size" over "1 | VII | 3.8 cm"): synthetic SEGMENT mentions."""
        for k, cell in enumerate(table.row):
            if not self.segment_header_words.intersection(title_words(table.title_of(k))):
                continue
            if not self.normalizer.parse_segments(f"segment {cell.text}"):
                continue
            span = doc.char_span(cell.start, cell.end, alignment_mode="expand")
            if span is not None:
                yield Mention(
                    start=span.start,
                    end=span.end,
                    label="SEGMENT",
                    rule_id=TABLE_CELL_SEGMENT_RULE,
                    value=None,
                    sent=sent,
                    start_char=cell.start,
                    end_char=cell.end,
                )

    def _header_unit_sizes(
        self, doc: Doc, table: TextTable, sent: int
    ) -> Iterator[tuple[int, Mention]]:
        """Sizes of the row's cells that hold only a number, in columns whose header names a
        unit ("Current (mm)" over "41"): synthetic SIZE mentions whose value is the size in mm."""
        for k, cell in enumerate(table.row):
            if not BARE_NUMBER.match(cell.text):
                continue
            factor = header_unit_factor(table.title_of(k), self.unit_to_mm)
            span = doc.char_span(cell.start, cell.end, alignment_mode="expand")
            if factor is None or span is None:
                continue
            value = float(cell.text.lstrip("~").replace(",", ".")) * factor
            yield (
                k,
                Mention(
                    start=span.start,
                    end=span.end,
                    label="SIZE",
                    rule_id=TABLE_CELL_SIZE_RULE,
                    value=repr(round(value, 1)),
                    sent=sent,
                    start_char=cell.start,
                    end_char=cell.end,
                ),
            )

    def _without_bracketed_prior(
        self, table: TextTable, sizes: Sequence[tuple[int, Mention]]
    ) -> list[Mention]:
        """The sizes, less one in parentheses in a cell that also holds one outside them, when
        the cell's header names a prior exam ("Size now (prior)" over "42 mm (43 mm)")."""
        kept: list[Mention] = []
        for k, m in sizes:
            cell = table.row[k]
            before = cell.text[: m.start_char - cell.start]
            bracketed = before.count("(") > before.count(")")
            if (
                bracketed
                and not self.table_prior_headers.isdisjoint(title_words(table.title_of(k)))
                and any(j == k and n is not m for j, n in sizes)
            ):
                continue
            kept.append(m)
        return kept

    def _current_cells(self, table: TextTable, cells: Sequence[int]) -> set[int]:
        """Of the row's cells that hold a size, those of the current exam: the cells under a
        header that names it ("Size now", "Current"), else all but those under a prior
        exam's header ("Prior", "Baseline"); empty when none is left."""
        titles = {k: title_words(table.title_of(k)) for k in cells}
        current = {k for k in cells if not self.table_current_headers.isdisjoint(titles[k])}
        if current:
            return current
        return {k for k in cells if self.table_prior_headers.isdisjoint(titles[k])}

    def _current_columns(
        self, doc: Doc, t: Mention, attachments: Sequence[Attachment]
    ) -> list[Attachment]:
        """In a table row, drop the sizes in columns that the table's header names a prior
        exam's ("Lesion | Location | Current | Prior" over "L1 | Liver seg VII, calcified
        metastasis | 38 mm | 41 mm"), when a size in another column remains."""
        marks = self.table_cell_marks
        if len(attachments) < 2 or not any(
            a.mention.label == "SIZE"
            and a.mention.start > 0
            and doc[a.mention.start - 1].text in marks
            for a in attachments
        ):
            return list(attachments)
        text = self._lines(doc).text  # the Doc's text, joined once per document
        line_start = text.rfind("\n", 0, t.start_char) + 1
        line_end = text.find("\n", t.start_char)
        line_end = len(text) if line_end < 0 else line_end
        if not is_table_row(text[line_start:line_end], marks):
            return list(attachments)
        # The header: the first row holding a letter of the block of rows above the target's.
        lettered = [
            text[start:end]
            for start, end in table_rows_above(text, line_start, marks)
            if any(c.isalpha() for c in text[start:end])
        ]
        header = lettered[-1] if lettered else ""
        if not header:
            return list(attachments)
        titles = [cell.lower() for cell in self._cell_split.split(header)]

        def prior_column(a: Attachment) -> bool:
            m = a.mention
            if not (line_start <= m.start_char < line_end):
                return False
            column = sum(text.count(mark, line_start, m.start_char) for mark in marks)
            return column < len(titles) and not self.table_prior_headers.isdisjoint(
                re.findall(r"[a-z]+", titles[column])
            )

        kept = [a for a in attachments if not (a.mention.label == "SIZE" and prior_column(a))]
        if any(a.mention.label == "SIZE" for a in kept):
            return kept
        return list(attachments)

    def _nearest_size_cell(
        self, doc: Doc, t: Mention, attachments: Sequence[Attachment]
    ) -> list[Attachment]:
        """In a table row, of the cells that hold only a size before the target, the one
        nearest to it ("| L1 | VII | 41 mm | 34 mm | now densely calcified lesion |": the
        column next to the comment is the current size, the one before it a prior's)."""
        cells = [
            a
            for a in attachments
            if a.mention.end <= t.start
            and a.mention.start > 0
            and doc[a.mention.start - 1].text in self.table_cell_marks
            and a.mention.end < len(doc)
            and doc[a.mention.end].text in self.table_cell_marks
            and "\n" not in doc[a.mention.start : t.start].text
        ]
        if len(cells) < 2:
            return list(attachments)
        nearest = max(cells, key=lambda a: a.mention.start)
        return [a for a in attachments if a not in cells or a is nearest]

    def _superlative_member(self, doc: Doc, states: Sequence[TargetState]) -> None:
        """Give a target named as the largest of a plural target before it in the sentence
        that plural's places ("Calcified hepatic metastases in the left lobe, the largest
        calcified metastasis measuring 3.1 cm")."""
        for n, st in enumerate(states):
            start = st.mention.start
            if (
                n == 0
                or self._has_location(st)
                or not (
                    self._definite_superlative_before(doc, start)
                    or self._superlative_linked_before(doc, st)
                )
            ):
                continue
            plural = next(
                (
                    p
                    for p in reversed(states[:n])
                    if self.normalizer.is_plural_head(list(p.words)) and self._has_location(p)
                ),
                None,
            )
            if plural is not None:
                st.attachments.extend(
                    Attachment(m, "context", 0) for m in _places(plural.attachments)
                )

    def _superlative_linked_before(self, doc: Doc, st: TargetState) -> bool:
        """Whether "the largest" stands before a target past a link word, an article and the
        target's own fronted size ("calculi, the largest forming a 3.4 cm cast")."""
        lw = token_view(doc).lower
        own = {
            i
            for a in st.attachments
            if a.tier == "premod" and a.mention.end <= st.mention.start
            for i in range(a.mention.start, a.mention.end)
        }
        i = st.mention.start - 1
        links = 0
        while i > 1 and (i in own or lw[i] in self.determiners or lw[i] in self.superlative_links):
            if lw[i] in self.superlative_links:
                links += 1
                if links > 1:
                    return False
            elif i not in own and lw[i] in self.definite:
                return False  # "the largest of the casts": a definite noun phrase of its own
            i -= 1
        return links == 1 and lw[i] in self.superlatives and lw[i - 1] in self.definite

    def _definite_before_head(self, doc: Doc, start: int) -> bool:
        """Whether a head starting at ``start`` has a definite determiner before it, maybe
        past a superlative ("the lesion", "The largest calcified deposit")."""
        lw = token_view(doc).lower
        if start > 0 and lw[start - 1] in self.definite:
            return True
        return self._definite_superlative_before(doc, start)

    def _definite_superlative_before(self, doc: Doc, start: int) -> bool:
        """Whether a definite determiner and a superlative stand right before ``start``
        ("the largest calcified metastasis")."""
        lw = token_view(doc).lower
        return start > 1 and lw[start - 1] in self.superlatives and lw[start - 2] in self.definite

    def _refers_back(self, doc: Doc, s_start: int, s_end: int, heads: Sequence[Mention]) -> bool:
        """Whether a sentence speaks of a lesion of the previous one ("It contains ...",
        "... is present within the hemangioma")."""
        lw = token_view(doc).lower
        first = self._first_words(doc, s_start, len(doc), 2)
        if first and (
            first[0] in self.neighbours.refer_back or first[0] in self.neighbours.inside_adverbs
        ):
            return True  # "It contains ...", "Centrally there is an 8 mm calcification"
        if not self.neighbours.inside_adjectives.isdisjoint(
            self._first_words(doc, s_start, s_end, self.neighbours.adjective_first_words)
        ):
            return True  # "Coarse internal calcifications."
        if (
            len(first) == 2
            and first[0] in self.neighbours.inside_prepositions
            and first[1] in self.definite
            and self._opens_on_part(doc, s_start, s_end, heads)
        ):
            return True  # "Within the scar there is a densely calcified component"
        if first and (first[0] in self.definite or first[0] in self.inner_part_articles):
            # "The scar corresponds to a 4.2 cm densely calcified central scar", "A central
            # stellate scar contains a coarse calcification": a part of the previous
            # sentence's lesion.
            parts = self.lesion_parts if first[0] in self.definite else self.inner_parts
            opening = next(i for i in range(s_start, s_end) if doc[i].text[:1].isalnum())
            for token in doc[opening + 1 : min(s_end, opening + 2 + self.max_subject_modifiers)]:
                if not token.is_alpha:
                    break
                if token.lower_ in parts:
                    return True
        inside = self.neighbours.inside_prepositions
        if any(
            lw[i] in self.neighbours.inside_pronouns and lw[i - 1] in inside
            for i in range(s_start + 1, s_end)
        ):
            return True  # "A coarse calcification ... is present centrally within it."
        if any(
            lw[i] in self.neighbours.refer_back and lw[i + 1] in self.holding_verbs
            for i in range(s_start + 1, min(s_end - 1, s_start + self.max_fronted_words))
        ):
            return True  # "On noncontrast images it contains coarse central calcifications."
        return any(
            ((h.label == "BLOCKER" and h.value in LESION_VALUES) or h.is_target)
            and (
                self._definite_before_head(doc, h.start)
                # "A single calcified focus lies within the involuted lesion."
                or (h.label == "BLOCKER" and self._inside_definite(doc, h.start))
            )
            for h in heads
        )  # "... a cystic lesion in segment VII. The calcified cyst measures 52 x 47 mm."

    def _named_by_pronoun(
        self,
        doc: Doc,
        s_start: int,
        s_end: int,
        states: Sequence[TargetState],
        s_mentions: Sequence[Mention],
        subjectless: Sequence[TargetState],
    ) -> list[TargetState]:
        """The targets a sentence says its opening pronoun is: the pronoun, an identity cue
        right after it, then the target past at most the premodifier gap ("This corresponds
        to a calcified hydatid cyst", "It represents a densely calcified metastasis")."""
        lw = token_view(doc).lower
        first = next((i for i in range(s_start, s_end) if doc[i].text[:1].isalnum()), s_end)
        if first >= s_end or lw[first] not in self.predicate_pronouns:
            return []
        cue = next((m for m in s_mentions if m.label == "COREF" and m.start == first + 1), None)
        if cue is None:
            return []
        return [
            st
            for st in states
            if st not in subjectless and 0 <= st.mention.start - cue.end <= self.max_premod_gap
        ]

    def _inside_definite(self, doc: Doc, start: int) -> bool:
        """Whether an inside preposition, a definite determiner and one modifier word stand
        right before ``start`` ("within the involuted lesion")."""
        lw = token_view(doc).lower
        return (
            start > 2
            and doc[start - 1].is_alpha
            and lw[start - 2] in self.definite
            and lw[start - 3] in self.neighbours.inside_prepositions
        )

    def _opens_on_part(self, doc: Doc, s_start: int, s_end: int, heads: Sequence[Mention]) -> bool:
        """Whether the definite phrase after a sentence's opening preposition names a lesion or
        a part of one ("Within the scar", "Inside the cyst", "In the centre of the lesion")."""
        lw = token_view(doc).lower
        opening = next((i for i in range(s_start, s_end) if doc[i].text[:1].isalnum()), s_end)
        stop = min(s_end, opening + 3 + self.max_subject_modifiers)
        for i in range(opening + 2, stop):
            if not doc[i].is_alpha:
                break
            if lw[i] in self.placing_parts:
                return True
        return any(
            h.label == "BLOCKER" and h.value in LESION_VALUES and opening + 2 <= h.start < stop
            for h in heads
        )

    def _opens_on_definite_part(self, doc: Doc, sentence: Sentence) -> bool:
        """Whether a sentence opens on a definite part of a lesion ("The central scar is T2
        hypointense")."""
        words = self._first_words(doc, sentence.start, sentence.end, 2 + self.max_subject_modifiers)
        return (
            len(words) >= 2
            and words[0] in self.definite
            and any(w in self.lesion_parts for w in words[1:])
        )

    def _opens_on_refer_back(self, doc: Doc, sentence: Sentence) -> bool:
        """Whether a sentence opens on a word that refers to the one before it ("It is ...")."""
        first = self._first_words(doc, sentence.start, sentence.end, 1)
        return bool(first) and first[0] in self.neighbours.refer_back

    def _lend_previous_context(
        self,
        doc: Doc,
        k_prev: int,
        states: Sequence[TargetState],
        targets_of: Mapping[int, list[Mention]],
        mentions_of: Mapping[int, list[Mention]],
        *,
        distributive: bool = False,
        sized: Sequence[TargetState] = (),
        named: bool = False,
        chained: Sequence[Mention] = (),
        described_before: int | None = None,
    ) -> None:
        """Give targets without a location of their own the location of the lesion that the
        previous sentence described ("... a mass centred on segments II and III. It contains a
        densely calcified central scar").

        When the previous sentence names no lesion but describes one further ("It is markedly
        T2 hyperintense ..."), the sentence before it (``described_before``) is read instead.

        When that lesion has no place of its own but took one from the sentence before it
        (``chained``), that place is lent on ("... a lesion in segments VII and VIII. The
        scar is coarsely calcified; the calcification measures 3.6 cm").

        A target in ``sized`` says the previous sentence's lesion is itself calcified ("... a
        45 mm mass in segment 6. The lesion is coarsely calcified"): it takes the size too."""
        lw = token_view(doc).lower
        lacking = [st for st in states if not self._has_location(st)]
        if not lacking:
            return
        for st in lacking:
            st.context_sensitive = True
        p_mentions = mentions_of.get(k_prev, [])
        p_heads = sorted(
            [*targets_of.get(k_prev, []), *(m for m in p_mentions if m.is_head)],
            key=lambda h: (h.start, h.end),
        )
        lesions = [
            hk
            for hk, h in enumerate(p_heads)
            if h.is_target or (h.label == "BLOCKER" and h.value in LESION_VALUES)
        ]
        if not lesions:
            if (
                described_before is not None
                and not named
                and all(h.label == "BLOCKER" and h.value == BLOCKER_STRUCTURE for h in p_heads)
            ):
                self._lend_previous_context(
                    doc,
                    described_before,
                    states,
                    targets_of,
                    mentions_of,
                    distributive=distributive,
                    sized=sized,
                    chained=chained,
                )
                return
            if named and all(
                h.label == "BLOCKER" and h.value == BLOCKER_STRUCTURE for h in p_heads
            ):
                # The previous sentence describes foci without a lesion word ("Three foci of
                # signal void in segments 5/6, up to 6 mm"): its places and sizes are theirs.
                lent_all = [
                    m
                    for m in p_mentions
                    if (m.label in LOCATION_LABELS or m.label == "SIZE") and not m.proximal
                ]
                for st in lacking:
                    st.attachments.extend(Attachment(m, "context", 0) for m in lent_all)
            return
        attached = self.attach(doc, p_heads, p_mentions)
        lent: list[Mention] = []
        if distributive:
            # "The segment III ablation zone measures 2.2 cm and the segment VI ablation zone
            # 2.6 cm. Each ablation zone contains a small calcification": one in each lesion.
            placed = [_places(attached.get(hk, [])) for hk in lesions]
            singular = all(
                not self.normalizer.is_plural_head([lw[p_heads[hk].end - 1]]) for hk in lesions
            )
            placed = [p for p in placed if p]
            if len(placed) >= 2:
                for st in lacking:
                    st.per_lesion = True
                    if singular and len(placed) == len(lesions):
                        st.partitive_count = len(placed)  # one in each of two lesions
                    st.attachments.extend(Attachment(m, "context", 0) for p in placed for m in p)
                return
        for hk in reversed(lesions):
            lent = _places(attached.get(hk, []))
            if lent and all(m.label == "ORGAN" and m.value == VESSEL for m in lent):
                # "... with tumour thrombus in the right portal vein. Coarse internal
                # calcifications.": a thrombus in a vessel is not the lesion they lie in.
                lent = []
                continue
            if lent:
                if distributive and self.normalizer.is_plural_head([lw[p_heads[hk].end - 1]]):
                    # "... several lesions in both lobes. Each has a bright central echogenic
                    # focus ...": one focus per lesion, so more than one.
                    for st in lacking:
                        st.per_lesion = True
                break
        if not lent:
            lent = list(chained)
        for st in lacking:
            st.attachments.extend(Attachment(m, "context", 0) for m in lent)
        if lent and sized:
            # "... has decreased from 9.8 cm to 5.5 cm": a prior exam's size is not lent.
            prior_ends = [m.end for m in p_mentions if m.label == "PRIOR_CUE"]
            sizes = [
                a.mention
                for a in attached.get(hk, [])
                if a.mention.label == "SIZE"
                and not any(
                    a.mention.start - self.max_prior_gap <= end <= a.mention.start
                    for end in prior_ends
                )
            ]
            for st in sized:
                if not st.inner_part and not any(a.mention.label == "SIZE" for a in st.attachments):
                    st.attachments.extend(Attachment(m, "context", 0) for m in sizes)

    @staticmethod
    def _texts(doc: Doc, start: int, end: int) -> list[str]:
        return token_view(doc).text[max(start, 0) : end]

    @staticmethod
    def _item_start(doc: Doc, sentence: Sentence) -> list[str]:
        """The first token texts of a sentence, enough for a list marker."""
        return token_view(doc).text[sentence.start : min(sentence.end, sentence.start + 8)]

    def _take_list_items(
        self,
        doc: Doc,
        k: int,
        sentences: Sequence[Sentence],
        targets_of: Mapping[int, list[Mention]],
        mentions_of: Mapping[int, list[Mention]],
        states: Sequence[TargetState],
    ) -> None:
        """Let the list items after a sentence that opens a list ("Calcified foci with
        shadowing:" then "- segment 3, 4 mm;" on each line) lend their sizes and places to
        its last target, and count them as its foci."""
        if not states or states[-1].more_foci:
            return
        items = 0
        j = k + 1
        while (
            j < len(sentences)
            and j - k <= self.max_list_items
            and not targets_of.get(j)
            and self.neighbours.starts_item(self._item_start(doc, sentences[j]))
        ):
            # "1." alone, then "Segment II: 4 mm.": the marker's sentence and the next one.
            parts = [j]
            if (
                self.neighbours.marker_only(self._texts(doc, sentences[j].start, sentences[j].end))
                and j + 1 < len(sentences)
                and not targets_of.get(j + 1)
            ):
                parts.append(j + 1)
            f_mentions = [m for p in parts for m in mentions_of.get(p, [])]
            if any(m.label == "ORGAN" and m.value != LIVER for m in f_mentions):
                break  # "- spleen: 4 mm": the list has left the liver's foci
            lent = [m for m in f_mentions if m.label in LENT_LABELS and not m.proximal]
            if not lent:
                break
            states[-1].attachments.extend(
                Attachment(m, "post", m.start - states[-1].mention.end) for m in lent
            )
            items += 1
            j = parts[-1] + 1
        states[-1].listed_items = items

    def _take_continuation(
        self,
        doc: Doc,
        following: Sentence,
        f_mentions: Sequence[Mention],
        states: Sequence[TargetState],
    ) -> bool:
        """Let a following sentence without targets that continues this one ("; these lie in
        hepatic segments II and V", ". The larger one is 3.6 cm", ". Similar lesions are
        present in the left lobe") add its sizes and locations to the last target.

        Returns:
            Whether it lent anything (then the sentence after it may continue in turn).
        """
        # "Size: 4.1 x 3.5 cm (previously 5.2 x 4.4 cm)": a prior exam's size is not lent.
        lw = token_view(doc).lower
        prior_ends = [m.end for m in f_mentions if m.label == "PRIOR_CUE"]
        lent = [
            m
            for m in f_mentions
            if m.label in LENT_LABELS
            and not m.proximal
            and not (
                m.label == "SIZE"
                and any(m.start - self.max_prior_gap <= end <= m.start for end in prior_ends)
            )
        ]
        if not states or not lent:
            return False
        # "Both kidneys are normal.", "Similar lesions in the spleen." (not the words that
        # describe a prior state: "(previously a 25 mm soft tissue lesion)").
        first_prior = min(prior_ends, default=len(doc))
        if any(
            m.label == "ORGAN" and m.value != LIVER and m.start < first_prior for m in f_mentions
        ):
            return False
        kind = self.neighbours.continuation_kind(
            self._first_words(doc, following.start, following.end, CONTINUATION_WORDS)
        )
        if kind is None:
            return False
        if kind == "member_place" and not self._member_place(doc, following, f_mentions, states):
            return False
        if kind == "more_foci":
            # "Further no focal liver lesions.", "Further, no ..." (a literal "Im Übrigen keine
            # ..."): none more.
            opening = lw[
                following.start : min(following.end, following.start + NEGATED_OPENER_TOKENS)
            ]
            if not self.negation_words.isdisjoint(opening):
                return False
            tokens = lw[following.start : following.end]
            if not self.normalizer.is_plural_head(tokens) and not any(
                m.label == "BLOCKER" and m.value in LESION_VALUES for m in f_mentions
            ):
                return False
            states[-1].more_foci = True
        last = states[-1]
        lesion_subject = any(
            m.label == "BLOCKER"
            and m.value in LESION_VALUES
            and m.start - following.start <= CONTINUATION_WORDS
            for m in f_mentions
        )
        if (
            self._inside_lesion(last)
            and any(m.label == "BLOCKER" and m.value in LESION_VALUES for m in f_mentions)
        ) or (
            # "... contain small stippled calcifications; these lesions are seen in segments
            # II and V, the largest measuring 3.2 cm": the lesions' size, not the foci's.
            lesion_subject
            and last.mention.rule_id not in self.calcified_lesion_rules
            and last.mention.rule_id not in self.predicate_rules
        ):
            # "... metastases contain punctate calcifications; the largest metastasis measures
            # 2.8 cm": the size is the lesion's, not its calcifications'.
            lent = [m for m in lent if m.label != "SIZE"]
        last.attachments.extend(Attachment(m, "post", m.start - last.mention.end) for m in lent)
        return True

    def _continuation_limit(self, doc: Doc, sentence: Sentence) -> int:
        """How far after a target's sentence this one may continue it: as far as list items
        for one that describes a member by its segment ("Segment II: 0.6 cm."), else
        ``max_continued_sentences``."""
        words = self._first_words(doc, sentence.start, sentence.end, CONTINUATION_WORDS)
        if self.neighbours.continuation_kind(words) == "member_place":
            return self.max_list_items
        return self.max_continued_sentences

    def _member_place(
        self,
        doc: Doc,
        following: Sentence,
        f_mentions: Sequence[Mention],
        states: Sequence[TargetState],
    ) -> bool:
        """Whether a sentence that opens on a Couinaud segment describes one member of the
        plural target before it: a colon or a lesion word follows the segment ("Three
        calcified metastases. Segment VII: 2.2 x 1.9 cm.", "... have become calcified. The
        segment VI lesion measures 2.1 cm")."""
        lw = token_view(doc).lower
        last = states[-1]
        plural = (
            self.normalizer.is_plural_head(list(last.words))
            or last.plural_container
            or any(
                a.mention.label == "COUNT" and (parse_count_value(a.mention.value) or 0) >= 2
                for a in last.attachments
            )
        )
        place = next((m for m in f_mentions if m.label == "SEGMENT"), None)
        if place is None or place.start - following.start > 2:
            return False
        if not plural:
            # "Calcified lesion: yes" then "Segment: V/VI": a key line of a template.
            return place.start + 1 < len(doc) and doc[place.start + 1].text == ":"
        # It measures the member ("Segment V: 1.1 cm"), and denies nothing ("; the segment VI
        # lesion does not").
        if not any(m.label == "SIZE" for m in f_mentions) or any(
            lw[i] in self.negation_words for i in range(following.start, following.end)
        ):
            return False
        after = place.end
        while after < following.end and doc[after].is_space:
            after += 1
        if after >= following.end:
            return False
        if doc[after].text in {":", "-"}:
            return True
        if doc[after].text == ",":
            # "...: segment II, previously 1.6 cm, now 2.0 cm; segment VII, previously 2.7 cm,
            # now 3.1 cm": a member after a semicolon, as the one before it.
            before = following.start - 1
            while before >= 0 and doc[before].is_space:
                before -= 1
            return before >= 0 and doc[before].text == ";"
        # "The segment VI lesion measures 2.1 cm" (not "Segment VI hemangioma, 1.5 cm": a
        # lesion named for the first time).
        first = self._first_words(doc, following.start, following.end, 1)
        return (
            bool(first)
            and first[0] in self.definite
            and any(
                m.label == "BLOCKER" and m.value in LESION_VALUES and m.start == after
                for m in f_mentions
            )
        )

    def _drop_other_organ_sizes(
        self, doc: Doc, states: Sequence[TargetState], s_mentions: Sequence[Mention]
    ) -> None:
        """Drop sizes that another organ qualifies ("up to 4 mm in the liver and up to 7 mm
        in the spleen": 7 mm is the spleen's; "... of the liver (up to 3.5 cm) and spleen
        (5.2 cm)")."""
        lw = token_view(doc).lower
        organs = {m.start: m.value for m in s_mentions if m.label == "ORGAN"}
        if not organs:
            return
        # "... of the liver (two, up to 3.5 cm) and spleen (5.2 cm)": the organ before brackets.
        organ_ends = {m.end: m.value for m in s_mentions if m.label == "ORGAN"}
        foreign: set[int] = set()
        for m in s_mentions:
            if m.label != "SIZE":
                continue
            if m.start >= 2 and doc[m.start - 1].text == "(":
                value = organ_ends.get(m.start - 1)
                if value is not None and value != LIVER:
                    foreign.add(m.start)
            if m.end >= len(doc):
                continue
            i = m.end
            if lw[i] not in self.neighbours.inside_prepositions:
                continue
            i += 1
            while i < len(doc) and lw[i] in self.determiners:
                i += 1
            value = organs.get(i)
            if value is not None and value != LIVER:
                foreign.add(m.start)
        if foreign:
            for st in states:
                st.attachments[:] = [
                    a
                    for a in st.attachments
                    if not (a.mention.label == "SIZE" and a.mention.start in foreign)
                ]

    def _inside_lesion(self, st: TargetState) -> bool:
        """Whether a target lies inside a lesion that is not itself the calcified thing
        ("a mass containing calcifications"; a calcified wall takes the lesion's size; "the
        two metastases have become calcified": the lesions are the calcified things)."""
        if st.mention.rule_id in self.predicate_rules and not st.inner_part:
            return False
        if st.in_lesion:
            return True
        container = [a for a in st.attachments if a.tier == "container"]
        return bool(container) and not any(a.mention.label == "SIZE" for a in container)

    def _share_coreferent_location(
        self, doc: Doc, states: Sequence[TargetState], s_mentions: Sequence[Mention]
    ) -> None:
        """Give a target that re-describes the previous one the previous one's location (and
        an echo's size to the calcification it is named).

        "Multiple small hepatosplenic calcifications ..., appearing as bright echogenic foci
        with acoustic shadowing, up to 5 mm": the foci are the calcifications, in the liver.
        """
        containers = _SpanIndex([m for m in s_mentions if m.label == "CONTAINER"])
        for previous, st in itertools.pairwise(states):
            # "A 4.0 x 3.4 cm calcified hydatid cyst with thick peripheral wall calcification
            # is seen in segment III": the place after the wall's calcification is the cyst's.
            if (
                self.outline_parts.intersection(st.words)
                and containers.any_within(previous.mention.end, st.mention.start)
                and not self._has_location(previous)
                and self._has_location(st)
            ):
                previous.attachments.extend(
                    Attachment(a.mention, "context", a.distance)
                    for a in st.attachments
                    if _is_place(a.mention)
                )
        # "Probable 4 cm calcified granuloma or calcified hydatid cyst in segment VIII": two
        # names for one focus share its size and place.
        for previous, st in itertools.pairwise(states):
            if not self._alternatives(doc, previous.mention, st.mention):
                continue
            for giver, taker in ((st, previous), (previous, st)):
                if not self._has_location(taker):
                    taker.attachments.extend(
                        Attachment(a.mention, "context", a.distance)
                        for a in giver.attachments
                        if _is_place(a.mention)
                    )
                if not any(a.mention.label == "SIZE" for a in taker.attachments):
                    taker.attachments.extend(
                        Attachment(a.mention, "context", a.distance)
                        for a in giver.attachments
                        if a.mention.label == "SIZE"
                    )
        corefs = _SpanIndex([m for m in s_mentions if m.label == "COREF"])
        if not corefs.spans:
            return
        blockers = _SpanIndex([m for m in s_mentions if m.label == "BLOCKER"])
        for previous, st in itertools.pairwise(states):
            if not corefs.any_within(previous.mention.end, st.mention.start):
                continue
            if not self._has_location(st) and self._has_location(previous):
                st.attachments.extend(
                    Attachment(a.mention, "context", a.distance)
                    for a in previous.attachments
                    if _is_place(a.mention)
                )
            elif st.mention.label == "DUCT_STONE_CANDIDATE" and not any(
                a.mention.label == "DUCT" for a in st.attachments
            ):
                # "Multiple calculi in the intrahepatic ducts of both lobes, appearing as T2
                # hypointense filling defects, the largest 9 mm": the same stones' ducts.
                st.attachments.extend(
                    Attachment(a.mention, "context", a.distance)
                    for a in previous.attachments
                    if a.mention.label == "DUCT"
                )
            if (
                previous.mention.label in ECHO_LABELS
                and st.mention.label not in ECHO_LABELS
                and not any(a.mention.label == "SIZE" for a in st.attachments)
                # "... consistent with a hemangioma containing a calcification": another lesion.
                and not blockers.any_within(previous.mention.end, st.mention.start)
            ):
                # "a 9 mm echogenic focus with shadowing in the left lobe, likely a calcified
                # granuloma": the echo's size is the granuloma's.
                st.attachments.extend(
                    Attachment(a.mention, "context", a.distance)
                    for a in previous.attachments
                    if a.mention.label == "SIZE"
                )

    def _predicate_start(self, doc: Doc, t: Mention) -> int | None:
        """The first verb of a predicate ("... *is* densely calcified"): one or two verbs, then
        adverbs, right before the target; None when there is none (an attributive
        "calcified" is no predicate)."""
        lw = token_view(doc).lower
        i = t.start - 1
        while i >= 0 and lw[i] in self.predicate_adverbs:
            i -= 1
        if (
            i >= 0
            and doc[i].text == ","
            and any(lw[j] in self.predicate_comparatives for j in range(i + 1, t.start))
        ):
            return None  # "..., more calcified than before": a comparison, no appositive
        verbs = 0
        while i >= 0 and verbs < 2 and lw[i] in self.predicate_verbs:
            i -= 1
            verbs += 1
        if not verbs:
            # "Segment VIII lesion - now densely calcified": a word that is both (now) is
            # the verb when no other stands there.
            j = t.start - 1
            while j >= 0 and lw[j] in self.predicate_adverbs:
                if lw[j] in self.predicate_verbs:
                    return i + 1
                j -= 1
        return i + 1 if verbs else None

    def _predicate_subjects(
        self,
        doc: Doc,
        heads: Sequence[Mention],
        attached: Mapping[int, list[Attachment]],
        states: Sequence[TargetState],
        s_mentions: Sequence[Mention] = (),
    ) -> list[TargetState]:
        """Give a predicate target ("... is densely calcified") what its subject says.

        The subject is the nearest lesion before the verb in the sentence ("A 4.2 cm lesion in
        segment VII is densely calcified"): the lesion is the calcified thing, so it lends its
        size, location and count. A predicate whose subject is not in the sentence ("The
        lesion is coarsely calcified.", "It is calcified.") is returned: it speaks of the
        previous sentence's lesion.
        """
        lw = token_view(doc).lower
        subjectless: list[TargetState] = []
        for st in states:
            t = st.mention
            if t.rule_id not in self.predicate_rules:
                continue
            verb = self._predicate_start(doc, t)
            if verb is None:
                continue
            subject = None
            for hk in range(len(heads) - 1, -1, -1):
                h = heads[hk]
                if h.end > verb:
                    continue
                if h.is_target:
                    break  # "a calcified granuloma and a cyst which is calcified": its own
                if h.label in self.predicate_subject_labels and h.value in LESION_VALUES:
                    subject = hk
                    break
            if subject is None:
                # "the largest (segment VII, 42 mm) is now densely calcified": the sizes that a
                # superlative subject without a noun names.
                superlative = self._superlative_subject(doc, verb, heads)
                if superlative is not None and not any(
                    a.mention.label == "SIZE" for a in st.attachments
                ):
                    st.attachments.extend(
                        Attachment(m, "post", verb - m.end)
                        for m in s_mentions
                        if m.label == "SIZE" and superlative < m.start < verb
                    )
                if (verb > 0 and lw[verb - 1] in self.predicate_pronouns) or (
                    self._definite_subject(doc, verb)
                ):
                    # "It is calcified.", "the scar is calcified", "The central scar is ..."
                    subjectless.append(st)
                    noun = lw[verb - 1]
                    # The scar of a lesion is not the lesion: it keeps its own size.
                    st.inner_part = noun in self.lesion_parts and noun not in self.outline_parts
                continue
            h = heads[subject]
            lent = attached.get(subject, [])
            # "The cyst wall is calcified": the wall outlines the lesion, which is the subject.
            ends_subject = h.end == verb or (
                h.end == verb - 1 and lw[verb - 1] in self.outline_parts
            )
            if (
                ends_subject
                and h.start > 0
                and self._definite_before(doc, h.start)
                and not any(a.mention.label in LOCATION_LABELS for a in lent)
            ):
                # "The lesion is coarsely calcified.", "The residual tumour is now densely
                # calcified, measuring 5.5 x 4.0 cm": the lesion named before.
                subjectless.append(st)
            if self.normalizer.is_plural_head([lw[h.end - 1]]):
                st.plural_container = True
            for a in lent:
                tier = "premod" if a.mention.label in {"COUNT", "QUANTIFIER"} else "container"
                st.attachments.append(Attachment(a.mention, tier, a.distance))
        return subjectless

    def _colon_enumeration(
        self,
        doc: Doc,
        heads: Sequence[Mention],
        attached: Mapping[int, list[Attachment]],
        states: Sequence[TargetState],
    ) -> None:
        """Give calcified lesions the places and sizes of the lesions a colon then names one
        by one ("The two treated metastases are now densely calcified: the segment 4B lesion
        measures 3.2 cm and the segment 7 lesion measures 1.4 cm").

        Only where the lesions are the calcified thing: a predicate ("are calcified") or a
        plural head made of "calcified" and a lesion noun ("Two calcified metastases:"), its
        colon right after it, and nothing but lesion heads up to the sentence's next target.
        """
        index = {id(h): k for k, h in enumerate(heads)}
        for st in states:
            t = st.mention
            if t.rule_id in self.predicate_rules:
                if not st.plural_container:
                    continue  # "The lesion is calcified:" names no lesions one by one
            elif not (
                t.rule_id in self.calcified_lesion_rules
                and self.normalizer.is_plural_head(list(st.words))
            ):
                continue
            i = t.end
            while i < len(doc) and doc[i].is_space:
                i += 1
            if i >= len(doc) or doc[i].text != ":":
                continue
            k = index.get(id(t))
            if k is None:
                continue
            lent: list[Attachment] = []
            for hk in range(k + 1, len(heads)):
                h = heads[hk]
                if h.is_target:
                    break
                if h.label != "BLOCKER" or h.value not in LESION_VALUES:
                    continue
                lent += [
                    Attachment(a.mention, "post", a.mention.start - t.end)
                    for a in attached.get(hk, [])
                    if a.mention.label in {"SIZE", "SEGMENT", "LOBE"} and not a.mention.proximal
                ]
            st.attachments.extend(lent)

    def _definite_run(self, doc: Doc, last: int, words: int) -> bool:
        """Whether a definite determiner stands among the ``words`` tokens ending at ``last``
        (going back), with only words after it."""
        for i in range(last, max(last - words, -1), -1):
            word = doc[i]
            if word.lower_ in self.definite:
                return True
            if not word.is_alpha:
                return False
        return False

    def _definite_before(self, doc: Doc, head_start: int) -> bool:
        """Whether a definite determiner stands right before a head, or before the few
        modifier words before it ("the lesion", "The residual tumour")."""
        return self._definite_run(doc, head_start - 1, self.max_subject_modifiers + 1)

    def _definite_subject(self, doc: Doc, verb: int) -> bool:
        """Whether a definite noun phrase of a few words ends right before ``verb`` ("the
        scar is", "The central stellate scar is")."""
        return self._definite_run(doc, verb - 2, self.max_subject_modifiers)

    def _singular(self, word: str) -> str:
        """Crude singular of a lesion noun (nodules -> nodule, masses -> mass, foci -> focus)."""
        if word in self.irregular_singulars:
            return self.irregular_singulars[word]
        if word.endswith("sses"):
            return word[:-2]
        return word[:-1] if word.endswith("s") and not word.endswith("ss") else word

    def _merge_anaphoric_lesions(
        self,
        doc: Doc,
        heads: Sequence[Mention],
        attached: Mapping[int, list[Attachment]],
        states: Sequence[TargetState],
    ) -> None:
        """Give a target what "the segment 3 nodule" says after "Two calcified nodules: ...".

        A lesion noun introduced by a determiner that refers back, with the same head noun as
        a target earlier in the sentence, describes that target's foci (size and location).
        """
        lw = token_view(doc).lower
        by_noun: dict[str, tuple[list[int], list[TargetState]]] | None = None  # when needed
        for hk, h in enumerate(heads):
            if h.is_target or h.label != "BLOCKER" or h.value not in LESION_VALUES:
                continue
            own = attached.get(hk, [])
            first = min([h.start, *(a.mention.start for a in own if a.tier == "premod")])
            if first == 0 or lw[first - 1] not in self.anaphoric_determiners:
                continue
            if by_noun is None:
                by_noun = self._states_by_noun(states)
            starts, same_noun = by_noun.get(self._singular(lw[h.end - 1]), ([], []))
            # The last target that ends by ``first`` (so starts before it).
            j = bisect.bisect_left(starts, first)
            match = next(
                (same_noun[i] for i in range(j - 1, -1, -1) if same_noun[i].mention.end <= first),
                None,
            )
            if match is not None:
                match.attachments.extend(Attachment(a.mention, "post", a.distance) for a in own)

    def _states_by_noun(
        self, states: Sequence[TargetState]
    ) -> dict[str, tuple[list[int], list[TargetState]]]:
        """The targets by the singular of their last word: their starts and them, in order."""
        out: dict[str, tuple[list[int], list[TargetState]]] = {}
        for st in states:
            starts, same_noun = out.setdefault(self._singular(st.words[-1]), ([], []))
            starts.append(st.mention.start)
            same_noun.append(st)
        return out

    def _take_duct_contents(
        self, doc: Doc, states: Sequence[TargetState], s_mentions: Sequence[Mention]
    ) -> None:
        """Give a stone that ducts contain the ducts and the places named with them.

        "dilatation of the ducts of the left lateral segment (segments II and III) containing
        multiple calculi", "dilated intrahepatic ducts in segments 6 and 7 containing calculi":
        the stones lie in those ducts, whatever head the duct phrase attached to. Only place
        words (``duct_context`` bridge words, prepositions, segments and lobes) may stand
        between the ducts and the container word.
        """
        lw = token_view(doc).lower
        ducts = [m for m in s_mentions if m.label == "DUCT"]
        if not ducts:
            return
        places = [m for m in s_mentions if m.label in DUCT_PHRASE_LABELS]
        place_tokens = {i for m in places for i in range(m.start, m.end)}
        for st in states:
            t = st.mention
            if t.label not in STONE_LABELS:
                continue
            c = self._container_before(doc, t.start)
            if c is None:
                continue
            duct = next((d for d in reversed(ducts) if d.end <= c), None)
            if duct is None or c - duct.end > self.duct_max_bridge:
                continue
            if not all(
                i in place_tokens
                or lw[i] in self.duct_bridge
                or lw[i] in self.location_prepositions
                for i in range(duct.end, c)
            ):
                continue
            have = {id(a.mention) for a in st.attachments}
            for m in [duct, *places]:
                if id(m) in have:
                    continue
                if m is duct or m.overlaps(duct) or m.end == duct.start or duct.end <= m.start < c:
                    st.attachments.append(Attachment(m, "duct", 0))

    def _container_before(self, doc: Doc, start: int) -> int | None:
        """The container word ("containing", "with") before a target's premodifiers, if any
        ("containing multiple high-attenuation calculi")."""
        i = start - 1
        while i >= 0 and start - i <= self.max_premod_gap + 1:
            token = doc[i]
            if token.lower_ in self.duct_containers:
                return i
            if token.is_space or token.text in self.break_punct:
                return None
            i -= 1
        return None

    def _propagate_containers(
        self,
        doc: Doc,
        heads: Sequence[Mention],
        attached: Mapping[int, list[Attachment]],
        states: Sequence[TargetState],
        s_mentions: Sequence[Mention],
    ) -> None:
        """Give calcifications inside a lesion ("a mass containing calcifications") its location.

        A cyst whose wall is calcified ("a 2.4 cm cyst with eggshell calcification") is the
        calcified lesion itself, so it lends its size as well.
        """
        lw = token_view(doc).lower
        cues = [m for m in s_mentions if m.label == "CONTAINER"]
        if not cues:
            return
        counts_ending = {
            m.end: parse_count_value(m.value)
            for m in s_mentions
            if m.label == "COUNT" and parse_count_value(m.value) is not None
        }
        coref = sorted(m.start for m in s_mentions if m.label == "COREF")
        cue_starts = {c.start for c in cues}
        head_starts = [h.start for h in heads]  # ascending (heads are in document order)
        lesions = _HeadIndex(
            heads,
            [
                h
                for h in heads
                if h.is_target or (h.label == "BLOCKER" and h.value in LESION_VALUES)
            ],
        )
        state_starts = [st.mention.start for st in states]  # ascending, as the heads
        for cue in cues:
            hk = lesions.last_ending_by(cue.start)
            # "two of which contain": the cue "which contain" holds the pronoun.
            lead = cue.start + int(lw[cue.start] in self.partitive_pronouns)
            partitive = self._partitive_plural(doc, lead)
            number = counts_ending.get(lead - 2) if partitive else None
            if number is not None and number >= 2:
                # "Treated metastases: three of them show coarse calcification": one focus
                # in each of three.
                j = bisect.bisect_left(state_starts, cue.end)
                if j < len(states) and state_starts[j] - cue.end <= self.max_premod_gap:
                    states[j].partitive_count = number
            if hk is None and partitive:
                # "Several of them contain calcification": foci in several lesions.
                j = bisect.bisect_left(state_starts, cue.end)
                if j < len(states) and state_starts[j] - cue.end <= self.max_premod_gap:
                    states[j].plural_container = True
                    states[j].in_lesion = True
                continue
            if hk is None or heads[hk].is_target:
                continue
            container = heads[hk]
            j = bisect.bisect_left(state_starts, cue.end)
            if j == len(states):
                continue
            inside = states[j]
            first = bisect.bisect_left(head_starts, cue.end)
            last = bisect.bisect_left(head_starts, inside.mention.start, lo=first)
            if (
                any(
                    h.label == "BLOCKER"
                    and h.value in LESION_VALUES
                    and h.end not in cue_starts  # "... a lesion containing calcification"
                    for h in heads[first:last]
                )
                and not self._is_part(doc, inside.mention)
            ):
                # "a cyst with daughter cysts and two calcified cysts": not inside it (but
                # "... with daughter cysts and few specks of calcification in the wall" is).
                continue
            named_outline = False
            if state_starts[j] - cue.end > self.max_premod_gap:
                named_outline = self._outline_named(doc, cue.end, inside.mention.start, coref)
                if not named_outline and not self._listed_contents(
                    doc, cue.end, inside.mention.start
                ):
                    continue
            morphology = {
                a.mention.value for a in inside.attachments if a.mention.label == "MORPHOLOGY"
            }
            # "a 52 mm cystic lesion with a partly calcified wall": the calcified outline is
            # the lesion's, so its size is the calcification's.
            identity = (
                container.value in self.identity_containers
                or lw[container.end - 1] in self.identity_container_nouns
            ) and bool(
                named_outline
                # "with multiple peripheral microcalcifications": foci at its edge, no rim.
                or (
                    morphology & self.identity_morphology
                    and not self.normalizer.is_plural_head(inside.words)
                    and not self._partial_before(doc, inside.mention.start)
                )
                or self.outline_parts.intersection(inside.words)
                # "a rounded lesion of 48 x 41 mm ..., with complete calcification of its wall"
                or self._outline_after(doc, inside.mention.end, inside.mention.start)
            )
            if self.normalizer.is_plural_head([lw[container.end - 1]]):
                inside.plural_container = True
            inside.in_lesion = inside.in_lesion or not identity
            placed = any(a.mention.label in LOCATION_LABELS for a in attached.get(hk, []))
            # "a mixed lesion 7 cm ..., with a 3 cm peripheral ring-like calcification": a size
            # of its own wins over the outline's lesion.
            own_size = any(
                x.mention.label == "SIZE" and x.tier in {"premod", "internal"}
                for x in inside.attachments
            )
            for a in attached.get(hk, []):
                if a.mention.label in LOCATION_LABELS or (
                    identity and a.mention.label == "SIZE" and not own_size
                ):
                    inside.attachments.append(Attachment(a.mention, "container", a.distance))
                elif identity and a.mention.label in {"COUNT", "QUANTIFIER"} and a.tier == "premod":
                    # "The two smaller cysts ... show complete rim calcification": one
                    # calcified wall per cyst.
                    inside.attachments.append(Attachment(a.mention, "premod", a.distance))
            if not placed and not self._has_location(inside):
                # "9.5 cm mass in the right lobe (segments VI/VII) ..., typical of a giant
                # hemangioma, and with a dense central calcification": the container names
                # the lesion again; the place is the one an earlier lesion of the sentence has.
                for k in range(hk - 1, -1, -1):
                    h = heads[k]
                    if h.is_target:
                        break
                    if h.label != "BLOCKER" or h.value not in LESION_VALUES:
                        continue
                    earlier = _places(attached.get(k, []))
                    if earlier:
                        inside.attachments.extend(Attachment(m, "container", 0) for m in earlier)
                        break

    def _fronted_container(
        self,
        doc: Doc,
        s_start: int,
        heads: Sequence[Mention],
        attached: Mapping[int, list[Attachment]],
        states: Sequence[TargetState],
    ) -> None:
        """Give the targets of "Within the hemangioma in segment VI a central 6 mm phlebolith"
        the location of the lesion that the sentence opens inside (or at: "At the site of the
        treated abscess in segment VII there is now a coarse calcification")."""
        lw = token_view(doc).lower
        first = next((i for i in range(s_start, len(doc)) if doc[i].text[:1].isalnum()), None)
        if first is None:
            return
        first_word = lw[first]
        opener = self._fronted_opener(doc, first)
        if opener is None and first_word in self.neighbours.inside_prepositions:
            # "In segment VIII, at the site of the previous abscess, there is ...": a place
            # before the opener, which the lesion takes.
            comma = next(
                (i for i in range(first + 1, min(first + 8, len(doc))) if doc[i].text == ","),
                None,
            )
            if comma is not None and not any(first < h.start < comma for h in heads):
                opener = self._fronted_opener(doc, comma + 1)
                if opener is not None:
                    first = comma + 1
        if opener is not None:
            first += len(opener) - 1
        elif first_word not in self.neighbours.inside_prepositions:
            return
        hk = next((k for k, h in enumerate(heads) if h.start > first), None)
        if hk is None or heads[hk].start - first > self.max_premod_gap:
            return
        lesion = heads[hk]
        if lesion.is_target or lesion.label != "BLOCKER" or lesion.value not in LESION_VALUES:
            return
        lent = _places(attached.get(hk, []))
        for st in states:
            if st.mention.start > lesion.end and not self._has_location(st):
                st.attachments.extend(Attachment(m, "container", 0) for m in lent)

    def _fronted_opener(self, doc: Doc, first: int) -> tuple[str, ...] | None:
        """The opener phrase ("at the site of", "within") that starts at token ``first``."""
        lw = token_view(doc).lower
        if first >= len(doc):
            return None
        # An opener's words are compared only where the sentence starts with its first word.
        firsts = self.fronted_opener_firsts
        if firsts is not None and lw[first] not in firsts:
            return None
        return next(
            (p for p in self.fronted_openers if tuple(lw[first : first + len(p)]) == p),
            None,
        )

    def _listed_contents(self, doc: Doc, start: int, target_start: int) -> bool:
        """Whether a target is an item of a list of what a lesion contains ("a mass ...
        containing macroscopic fat, cystic components and a single coarse, tooth-like
        calcification"): only words, commas, hyphens and conjunctions stand between the
        cue and the target, with a conjunction or comma among them."""
        if target_start - start > 3 * self.max_premod_gap:
            return False
        between = doc[start:target_start]
        return all(t.is_alpha or t.text in {",", "-"} for t in between) and any(
            t.lower_ in {"and", ","} for t in between
        )

    def _partitive_plural(self, doc: Doc, end: int) -> bool:
        """Whether ``doc[:end]`` ends with "of them", "of these", "of which" (after a
        quantifier: "Several of them contain calcification")."""
        lw = token_view(doc).lower
        return (
            end >= 3
            and lw[end - 1] in self.partitive_pronouns
            and lw[end - 2] == "of"
            and doc[end - 3].is_alpha
        )

    def _lent_by_host(
        self,
        doc: Doc,
        heads: Sequence[Mention],
        attached: Mapping[int, list[Attachment]],
        states: Sequence[TargetState],
    ) -> None:
        """Give a target without a place the place of the lesion it is said to lie in
        ("Multiple calcified foci are present within the treated lesions in segments V, VI
        and VII"), or to be of ("calcification of both liver metastases"): the next head after
        it, a lesion after an inside preposition (or "of" right after a calcification), with
        only words between them."""
        lw = token_view(doc).lower
        by_start = {h.start: hk for hk, h in enumerate(heads)}
        starts = sorted(by_start)
        for st in states:
            if self._has_location(st):
                continue
            t = st.mention
            j = bisect.bisect_left(starts, t.end)
            if j >= len(starts):
                continue
            hk = by_start[starts[j]]
            h = heads[hk]
            if h.is_target or h.label != "BLOCKER" or h.value not in LESION_VALUES:
                continue
            if h.start - t.end > self.max_post_distance:
                continue
            # "within the treated lesions": an inside preposition, determiners, and at most
            # two modifiers before the lesion.
            i = self._word_before_determiners(doc, h.start)
            skipped = 0
            while (
                i > t.end
                and skipped < 2
                and lw[i] not in self.break_words
                and lw[i] not in self.neighbours.inside_prepositions
            ):
                i = self._word_before_determiners(doc, i)
                skipped += 1
            # "Interval calcification of both liver metastases": what the calcification is of.
            of_host = i == t.end and lw[i] == "of" and t.label == "CALCIFICATION"
            inside = lw[i] in self.neighbours.inside_prepositions
            if i < t.end or not (inside or of_host):
                continue
            # "Popcorn calcification measuring 3.7 cm within a haemangioma in segment VI": its
            # own size may stand before the preposition.
            own = {
                k
                for a in st.attachments
                if a.mention.label == "SIZE"
                for k in range(a.mention.start, a.mention.end)
            }
            if not all(doc[k].is_alpha or k in own for k in range(t.end, h.start)):
                continue
            lent = _places(attached.get(hk, []))
            if lent:
                st.attachments.extend(Attachment(m, "container", 0) for m in lent)
                st.in_lesion = True

    def _inside_object(self, doc: Doc, h: Mention) -> bool:
        """Whether a lesion is named as where something lies ("... within the lesion")."""
        lw = token_view(doc).lower
        i = self._word_before_determiners(doc, h.start)
        return i >= 0 and lw[i] in self.neighbours.inside_prepositions and i < h.start - 1

    def _identified_lesion(
        self,
        doc: Doc,
        heads: Sequence[Mention],
        attached: Mapping[int, list[Attachment]],
        states: Sequence[TargetState],
        s_mentions: Sequence[Mention],
    ) -> None:
        """Give a calcification that an identity cue names the size and place of the lesion
        the sentence describes ("a 14 x 11 mm nodule in segment 6, dark on all sequences,
        corresponding to the calcified nodule known from the prior CT")."""
        # The cues by end, the earliest start first among equal ends: the last one ending by
        # a target is the one nearest it.
        cues = sorted(
            (m for m in s_mentions if m.label == "COREF"), key=lambda c: (c.end, -c.start)
        )
        if not cues:
            return
        cue_ends = [c.end for c in cues]
        head_starts = [h.start for h in heads]
        for st in states:
            sized = any(a.mention.label == "SIZE" for a in st.attachments)
            if sized and self._has_location(st):
                continue
            t = st.mention
            j = bisect.bisect_right(cue_ends, t.start) - 1
            if j < 0 or t.start - cues[j].end > self.max_identity_gap:
                continue
            cue = cues[j]
            nearest = bisect.bisect_left(head_starts, cue.end)
            if nearest < len(heads) and heads[nearest].start < t.start:
                continue  # another head stands between the cue and the target
            # The last head before the cue but structure words ("without enhancement").
            k = next(
                (
                    i
                    for i in range(bisect.bisect_right(head_starts, cue.start) - 1, -1, -1)
                    if heads[i].end <= cue.start
                    and not (heads[i].label == "BLOCKER" and heads[i].value == BLOCKER_STRUCTURE)
                ),
                None,
            )
            if k is None:
                self._identified_focus(st, heads, s_mentions, cues[0], sized)
                continue
            lesion = heads[k]
            if (
                lesion.is_target
                and k > 0
                and t.rule_id in self.host_rules
                and self._contents_of(doc, heads[k - 1], lesion)
            ):
                # "a voluminous formation of 52 mm with coarse calcifications, compatible with
                # calcified hydatid cyst": a calcified lesion the cue names is the one that
                # holds them (a phlebolith it names is what the lesion holds).
                k -= 1
                lesion = heads[k]
            if lesion.is_target or lesion.label != "BLOCKER" or lesion.value not in LESION_VALUES:
                continue
            own = attached.get(k, [])
            # A target with its own size ("The segment 6 lesion corresponds to a coarse
            # calcification measuring 3.4 cm") takes only the lesion's place, and so does one
            # the cue names as the lesion's contents ("an 8.5 cm mass with ... areas
            # corresponding to microcalcifications").
            whole = not sized and not self._names_contents(doc, lesion.end, cue.start)
            lent = [
                a
                for a in own
                if (a.mention.label == "SIZE" and whole)
                or (
                    a.mention.label in LOCATION_LABELS
                    and not a.mention.proximal
                    and not self._has_location(st)
                )
            ]
            st.attachments.extend(Attachment(a.mention, "container", a.distance) for a in lent)

    def _host_contents(
        self, doc: Doc, records: Sequence[FindingRecord], states: Sequence[TargetState]
    ) -> None:
        """Make calcifications a calcified lesion contains part of it ("calcified lesion with
        coarse calcifications measuring 3.2 x 2.5 cm"): they take the lesion's organ and add
        no count, so the group stays the one lesion (see calcified_host_contents)."""
        for k in range(1, len(states)):
            host, inner = states[k - 1].mention, states[k].mention
            if host.rule_id not in self.host_rules or inner.rule_id not in self.host_content_rules:
                continue
            between = doc[host.end : inner.start]
            if (
                not len(between)
                or between[0].lower_ not in self.host_joiners
                or len(between) - 1 > self.max_host_words
                or not all(t.is_alpha or t.text == "-" for t in between)
            ):
                continue
            if any(
                a.tier == "premod" and a.mention.label in {"COUNT", "QUANTIFIER"}
                for a in states[k].attachments
            ):
                continue  # "a calcified cyst with two calcifications": counted as said
            outer, rec = records[k - 1], records[k]
            if not outer["counted"] or rec["assertion"] != outer["assertion"]:
                continue
            if rec["exclusion_reason"] == "no_liver_context":
                rec["organ"] = outer["organ"]
                rec["other_organs"] = outer["other_organs"]
                rec["counted"], rec["exclusion_reason"] = True, None
            if rec["counted"]:
                rec["count"], rec["multiple"], rec["another"] = None, False, 0

    def _without_container_size(
        self,
        doc: Doc,
        st: TargetState,
        attachments: Sequence[Attachment],
        cue_tokens: frozenset[int],
    ) -> list[Attachment]:
        """Drop a size standing before the contents word that introduces a target ("Seg IVa
        3.2 cm (prior 3.6 cm), now with a central coarse calcification of 1.5 cm", "Seg VII
        2.8 cm, with punctate calcifications"): the size is the lesion's that holds it. An
        outline keeps it ("4.1 x 3.6 cm, with complete calcification of the wall"): the
        calcified wall is the lesion. A joiner inside an identity cue ("consistent with",
        ``cue_tokens``) introduces no contents."""
        lw = token_view(doc).lower
        t = st.mention
        if not any(a.tier == "fronted" for a in attachments):
            return list(attachments)
        if self.outline_parts.intersection(st.words) or self._outline_after(doc, t.end, t.start):
            return list(attachments)
        i = t.start - 1
        while i >= 0 and t.start - i <= self.max_premod_gap + 1 and doc[i].is_alpha:
            if lw[i] in self.host_joiners and i not in cue_tokens:
                return [a for a in attachments if not (a.tier == "fronted" and a.mention.end <= i)]
            i -= 1
        return list(attachments)

    def _superlative_subject(self, doc: Doc, verb: int, heads: Sequence[Mention]) -> int | None:
        """The superlative of a subject without a noun right before a predicate's verb ("the
        largest (segment VII, 42 mm) is", "The largest, 42 mm in segment VII, is"): a definite
        determiner and a superlative, then no head, within ``max_fronted_words`` tokens."""
        lw = token_view(doc).lower
        for i in range(verb - 1, max(verb - 1 - self.max_fronted_words, 0), -1):
            if lw[i] in self.superlatives and lw[i - 1] in self.definite:
                if any(i < h.start < verb for h in heads):
                    return None
                return i
            if doc[i].text in {".", ";"} or "\n" in doc[i].text:
                return None
        return None

    def _contents_of(self, doc: Doc, host: Mention, inner: Mention) -> bool:
        """Whether ``inner`` is what the lesion ``host`` is said to hold: a joiner ("with",
        "containing") after the host and only words and commas up to ``inner``."""
        if host.is_target or host.label != "BLOCKER" or host.value not in LESION_VALUES:
            return False
        between = doc[host.end : inner.start]
        joiners = [k for k, t in enumerate(between) if t.lower_ in self.host_joiners]
        return bool(joiners) and all(t.is_alpha or t.text == "," for t in between[joiners[0] :])

    def _names_contents(self, doc: Doc, lesion_end: int, cue_start: int) -> bool:
        """Whether an identity cue follows a lesion's contents rather than the lesion: a
        joiner ("with", "containing") after the lesion and a content noun or lesion part
        ("areas", "components", "wall") right before the cue, a comma aside."""
        lw = token_view(doc).lower
        i = cue_start - 1
        if i > lesion_end and doc[i].text == ",":
            i -= 1
        if i < lesion_end or lw[i] not in self.content_nouns:
            return False
        return any(lw[j] in self.contents_joiners for j in range(lesion_end, i))

    def _identified_focus(
        self,
        st: TargetState,
        heads: Sequence[Mention],
        s_mentions: Sequence[Mention],
        first_cue: Mention,
        sized: bool,
    ) -> None:
        """Give a calcification that a chain of identity cues names the size and place of the
        focus the sentence opens with, when no lesion word names it ("The 7 mm hyperdense
        focus in segment III on CT corresponds to a focus of signal void ..., consistent with
        a calcified granuloma")."""
        if any(h.start < first_cue.start and (h.is_target or h.label == "BLOCKER") for h in heads):
            return  # a lesion or another finding before the first cue owns what it has
        before = [m for m in s_mentions if m.end <= first_cue.start and not m.proximal]
        if any(m.label == "ORGAN" and m.value != LIVER for m in before):
            return  # "Spleen 12 cm, ...": another organ's measurement
        lent = [
            m
            for m in before
            if (m.label == "SIZE" and not sized)
            or (m.label in {"SEGMENT", "LOBE"} and not self._has_location(st))
        ]
        st.attachments.extend(Attachment(m, "container", 0) for m in lent)

    def _colon_lead_in(
        self,
        doc: Doc,
        heads: Sequence[Mention],
        attached: Mapping[int, list[Attachment]],
        states: Sequence[TargetState],
    ) -> None:
        """Give the target of "Lesion A - segment II: densely calcified cyst, 3.0 cm" the
        location of the lesion that the lead-in before the colon names."""
        index = {id(h): k for k, h in enumerate(heads)}
        for st in states:
            if self._has_location(st):
                continue
            k = index.get(id(st.mention))
            if k is None or k == 0:
                continue
            previous = heads[k - 1]
            between = doc[previous.end : st.mention.start]
            colon = [t.i for t in between if t.text == ":"]
            if (
                len(colon) != 1
                or previous.is_target
                or previous.label != "BLOCKER"
                or previous.value not in LESION_VALUES
                or st.mention.start - colon[0] > self.max_premod_gap
                or any(t.is_punct and t.text not in {":", "-", "\u2013", "\u2014"} for t in between)
            ):
                continue
            st.attachments.extend(
                Attachment(m, "container", 0) for m in _places(attached.get(k - 1, []))
            )

    def _without_implausible_calibres(self, doc: Doc, raw: list[Mention]) -> list[Mention]:
        """Drop a duct calibre blocker ("duct measuring") whose size is wider than any duct
        (``max_duct_calibre_mm``): the size is what the duct holds."""
        if not any(m.rule_id in self.duct_calibre_rules for m in raw):
            return raw
        sizes = {m.start: m for m in raw if m.label == "SIZE"}
        dropped: set[int] = set()
        for m in raw:
            if m.rule_id not in self.duct_calibre_rules:
                continue
            size = sizes.get(m.end) or sizes.get(m.end + 1)
            if size is None:
                continue
            value = self.normalizer.parse_size_mm(doc[size.start : size.end].text)
            if value is not None and value > self.max_duct_calibre_mm:
                dropped.add(id(m))
        return [m for m in raw if id(m) not in dropped] if dropped else raw

    def _alternatives(self, doc: Doc, first: Mention, second: Mention) -> bool:
        """Whether two targets are alternative names of one focus: only an alternative word
        stands between them ("calcified granuloma or calcified hydatid cyst")."""
        lw = token_view(doc).lower
        between = lw[first.end : second.start]
        return len(between) == 1 and between[0] in self.alternative_words

    def _mimic_reach(self, m: Mention) -> int:
        """How many tokens from a target a mimic explains it (``adjacent_mimic_values``)."""
        return (
            self.max_adjacent_mimic_gap
            if m.value in self.adjacent_mimics
            else self.max_mimic_distance
        )

    def _partial_before(self, doc: Doc, start: int) -> bool:
        """Whether a partial word stands among the words right before a target at ``start``
        ("partial curvilinear calcification of its wall": a part of the wall, not the
        outline)."""
        lw = token_view(doc).lower
        i = start - 1
        while i >= 0 and start - i <= self.max_premod_gap + 1 and doc[i].is_alpha:
            if lw[i] in self.partial_outline_words:
                return True
            i -= 1
        return False

    def _outline_after(self, doc: Doc, end: int, start: int | None = None) -> bool:
        """Whether "of" and an outline part of a lesion follow a target ("calcification of its
        wall", "calcification of the rim"), past determiners and pronouns; not when the target
        at ``start`` is a partial one (:meth:`_partial_before`)."""
        lw = token_view(doc).lower
        if end >= len(doc) or lw[end] != "of":
            return False
        if start is not None and self._partial_before(doc, start):
            return False
        i = end + 1
        while (
            i < len(doc)
            and i - end <= 3
            and (lw[i] in self.determiners or lw[i] in self.neighbours.inside_pronouns)
        ):
            i += 1
        return i < len(doc) and lw[i] in self.outline_parts

    def _outline_named(self, doc: Doc, start: int, target_start: int, coref: Sequence[int]) -> bool:
        """Whether a lesion's outline right after ``start`` is what an identity cue then names
        the target ("a 4.5 cm cyst with a thick low signal wall, in keeping with dense
        calcification"): an outline word within the premodifier gap, a cue after it."""
        lw = token_view(doc).lower
        for i in range(start, min(start + self.max_premod_gap + 1, target_start)):
            if lw[i] in self.outline_parts:
                k = bisect.bisect_right(coref, i)
                return k < len(coref) and coref[k] < target_start
        return False

    def _record(
        self,
        doc: Doc,
        st: TargetState,
        *,
        sentence_start: int,
        part: str,
        top: str,
        organ_sections: str,
        mimics: Sequence[Mention],
        edges: Sequence[ContextEdge],
        ambiguous_lobes: bool,
        prior_cue_ends: frozenset[int],
        liver_exam: bool = False,
        topic: tuple[str, bool] = ("", False),
        same_foci_showing: int | None = None,
        cue_tokens: frozenset[int] = frozenset(),
    ) -> FindingRecord:
        lw = token_view(doc).lower
        t = st.mention
        by_label: dict[str, list[Attachment]] = {}
        for a in st.attachments:
            by_label.setdefault(a.mention.label, []).append(a)

        organ, other_organs = self._resolve_organ(st, organ_sections, ambiguous_lobes)
        if organ == "unknown" and liver_exam:
            organ = LIVER  # "CT LIVER", then "Densely calcified central scar measuring 3.3 cm."
        categories = {e.category for e in edges}
        assertion: Assertion = "present"
        for category in ("NEGATED_EXISTENCE", "HYPOTHETICAL", "HISTORICAL", "POSSIBLE_EXISTENCE"):
            if category in categories:
                if category == "HISTORICAL" and not categories.isdisjoint(CURRENT_CATEGORIES):
                    continue
                assertion = ASSERTION_CATEGORIES[category]
                break
        if organ == "unknown" and part != "excluded" and assertion not in NOT_PRESENT:
            # "The liver is normal in size. A 5 mm calcified granuloma is seen.": the line's
            # topic. A reduced text may lack the sentences before it: the whole text decides.
            topic_organ, unsure = topic
            organ = topic_organ or organ
            st.context_sensitive = st.context_sensitive or unsure
        asserting = [e for e in edges if e.category in ASSERTION_CATEGORIES]
        modifier_ids = tuple(sorted({e.rule_id for e in asserting}))
        # Where the modifier words are ("no" in "No calcification"), for review outputs.
        modifier_spans = tuple(
            sorted(
                {
                    str(
                        ModifierSpan(
                            e.category, e.rule_id, e.modifier_start_char, e.modifier_end_char
                        )
                    )
                    for e in asserting
                }
            )
        )

        duct_values = {a.mention.value for a in by_label.get("DUCT", [])}
        bile_duct = (
            t.label == "DUCT_STONE"
            or DUCT_INTRAHEPATIC in duct_values
            or (DUCT_AMBIGUOUS in duct_values and organ == LIVER)
        )
        if bile_duct and organ == "unknown":
            organ = LIVER

        reason: str | None = None
        if part == "excluded":
            reason = self.excluded_reasons.get(top, f"section_{top}")
        elif near := [
            m
            for m in mimics
            # A normal structure explains an echo ("corresponds to fat in the ligamentum
            # teres"); as a landmark ("near the falciform ligament") it explains nothing.
            if (m.value not in self.echo_only_mimics or (t.label in ECHO_LABELS and not m.proximal))
            # "now densely calcified ... (previously 5.9 cm, non-calcified)": the prior state.
            and not (m.start >= t.end and any(t.end <= e <= m.start for e in prior_cue_ends))
            and (
                m.overlaps(t)
                or 0 <= m.start - t.end <= self._mimic_reach(m)
                or 0 <= t.start - m.end <= self._mimic_reach(m)
            )
        ]:
            # Only a mimic near the target: in run-on dictation one "sentence" may hold a
            # whole report ("... focus with shadow seg 8 ... pancreas obscured by gas").
            reason = f"mimic_{near[0].value}"
        elif assertion in {"negated", "hypothetical", "historical"}:
            reason = assertion
        elif organ != LIVER:
            reason = "no_liver_context" if organ == "unknown" else f"organ_{organ}"
        elif t.label == "DUCT_STONE_CANDIDATE" and not bile_duct:
            reason = "stone_not_intrahepatic"

        inside = self._inside_lesion(st)
        size_attachments = by_label.get("SIZE", [])
        if inside and st.plural_container:
            # "multiple lesions with coarse intralesional calcifications, ..., the largest in S8
            # with a diameter of 22 mm": the largest lesion's size, not a focus's.
            size_attachments = [
                a
                for a in size_attachments
                if not (
                    a.tier == "post"
                    and any(lw[i] in self.superlatives for i in range(t.end, a.mention.start))
                )
            ]
        size_attachments = self._current_columns(doc, t, size_attachments)
        size_attachments = self._nearest_size_cell(doc, t, size_attachments)
        size_attachments = self._without_container_size(doc, st, size_attachments, cue_tokens)
        sizes = self._sizes(doc, size_attachments, prior_cue_ends, inside=inside)
        count, multiple, definite = self._count(doc, st, by_label, other_organs, prior_cue_ends)
        if not definite and same_foci_showing is not None:
            # "...: the larger in segment VII measures 5.6 cm; the smaller in segment VI
            # measures 2.1 cm and is completely calcified", "Both show thick peripheral
            # calcification": the foci named before, described again.
            definite = t.rule_id in self.predicate_rules or same_foci_showing < t.start
        definite = definite or self._anaphoric(doc, sentence_start, t.start)
        segments = sort_segments(
            s
            for a in by_label.get("SEGMENT", [])
            for s in self.normalizer.parse_segments(doc[a.mention.start : a.mention.end].text)
        )
        lobes = sort_lobes(a.mention.value or "" for a in by_label.get("LOBE", []))
        return {
            "start_char": t.start_char,
            "end_char": t.end_char,
            "label": "ECHO_SHADOW" if t.label == "ECHO_CANDIDATE" else t.label,
            "pattern_id": t.rule_id,
            "section_name": organ_sections.split("|")[0] if organ_sections else top,
            "part": part,
            "organ": organ,
            "other_organs": other_organs,
            "assertion": assertion,
            "modifier_ids": modifier_ids,
            "modifier_spans": modifier_spans,
            "counted": reason is None,
            "exclusion_reason": reason,
            "count": count,
            "multiple": multiple,
            "definite": definite,
            "plural": self.normalizer.is_plural_head(st.words),
            "size_mm": max(sizes) if sizes else None,
            "segments": segments,
            "lobes": lobes,
            "bile_duct": bool(bile_duct),
            "diffuse": bool(by_label.get("DIFFUSE")),
            "morphology": tuple(
                sorted({a.mention.value or "" for a in by_label.get("MORPHOLOGY", [])})
            ),
            "temporal": tuple(
                sorted({a.mention.value or "" for a in by_label.get("TEMPORAL", [])})
            ),
            # A bare hedge ("a tiny calcification cannot be excluded") re-describes, not adds.
            "hedge_only": assertion == "uncertain" and not sizes and not segments and not lobes,
            "another": sum(
                1
                for a in by_label.get("COUNT", [])
                if a.tier == "post"
                and a.mention.value in (COUNT_ANOTHER, COUNT_AND_ONE)
                # "two calcifications, one in segment V and one (another) in VIII" lists the two
                and (count is None or count <= 1)
            ),
            # "Another calcified granuloma ...": a focus of its own, never a restatement.
            "new_focus": any(
                a.tier == "premod"
                and a.mention.label == "COUNT"
                and a.mention.value in POST_COUNT_VALUES
                for a in st.attachments
            ),
            "group": -1,
            "context_sensitive": st.context_sensitive,
            # Whether the organ could depend on ambiguous_lobes, a report-wide fact (see
            # calcminer.nlp.mining.reduce: a reduced text is then mined again whole).
            "lobe_sensitive": any(
                a.mention.label == "LOBE"
                and a.mention.value != LOBE_CAUDATE
                and not a.mention.proximal
                for a in st.attachments
            ),
        }

    def _anaphoric(self, doc: Doc, sentence_start: int, target_start: int) -> bool:
        """Whether the sentence refers back ("This may be a calcified hepatic cyst.", "The
        appearances are of a calcified hydatid cyst.")."""
        lw = token_view(doc).lower
        i = sentence_start
        while i < target_start and (doc[i].is_space or doc[i].is_punct):
            i += 1
        # "I think this is a calcified granuloma": past an opinion phrase.
        for opener in self.anaphoric_openers.get(lw[i], ()):
            end = i + len(opener)
            if end <= target_start and all(lw[i + k] == word for k, word in enumerate(opener)):
                i = end
                break
        if i >= target_start:
            return False
        if lw[i] in self.anaphoric_starts:
            return True
        # "The appearance is of a calcified hydatid cyst."
        return (
            i + 1 < target_start and lw[i] in self.definite and lw[i + 1] in self.anaphoric_starts
        )

    def _same_foci_showing(self, doc: Doc, start: int, end: int) -> int | None:
        """For a sentence opening on the same foci as the one before ("Both show ...", "the
        smaller ... is calcified"), the first showing verb's token (``end`` when none); None
        for any other sentence."""
        lw = token_view(doc).lower
        words = self._first_words(doc, start, end, CONTINUATION_WORDS)
        if self.neighbours.continuation_kind(words) != "same_foci":
            return None
        return next((i for i in range(start, end) if lw[i] in self.showing_verbs), end)

    def _line_topics(
        self,
        doc: Doc,
        sentences: Sequence[Sentence],
        mentions_of: Mapping[int, Sequence[Mention]],
    ) -> list[tuple[str, bool]]:
        """For each sentence, ``(organ, unsure)``: the organ of the nearest sentence before it
        on its line that opens on an organ as its subject ("The liver is normal in size.";
        "" when none) or on a Couinaud segment and a colon ("- Segment VIII: 5.2 cm, dense
        lipiodol. Coarse calcification 2.4 cm."), and whether a piece of the line that a
        reduced text left out (``calcminer.nlp.mining.reduce.PLACEHOLDER``) stands nearer (then the
        whole text decides). One pass over the sentences, so a one-line report of many
        sentences stays linear."""
        out: list[tuple[str, bool]] = []
        topic = ("", False)
        # The tokens that hold a line break: space tokens only (the tokenizer cuts at white
        # space; the white space after a token is at most one space).
        spaces = doc.to_array("IS_SPACE").tolist()
        breaks = [i for i, space in enumerate(spaces) if space and "\n" in doc[i].text]
        for k, (start, end, *_) in enumerate(sentences):
            out.append(topic)
            j = bisect.bisect_left(breaks, start)
            if j < len(breaks) and breaks[j] < end:
                topic = ("", False)  # the sentences after it are on the next line
                continue
            words = self._first_words(doc, start, end, 3 + self.max_topic_modifiers)
            if words[:1] == (PLACEHOLDER,):
                topic = ("", True)
                continue
            organ = self._topic_organ(words) or self._segment_heading(doc, start, mentions_of, k)
            if organ:
                topic = (organ, False)
        return out

    def _segment_heading(
        self, doc: Doc, start: int, mentions_of: Mapping[int, Sequence[Mention]], k: int
    ) -> str:
        """LIVER when sentence ``k`` opens (a list marker aside) on a Couinaud segment and a
        colon ("- Segment VIII: 5.2 cm, ..."), else ""."""
        first = start
        while first < len(doc) and (
            doc[first].is_space or doc[first].text in self.neighbours.list_bullets
        ):
            first += 1
        for m in mentions_of.get(k, []):
            if m.label == "SEGMENT" and m.start == first:
                return LIVER if m.end < len(doc) and doc[m.end].text == ":" else ""
        return ""

    def _topic_organ(self, words: Sequence[str]) -> str:
        """The organ a sentence opens on as its subject (its first words), or ""."""
        i = int(bool(words) and words[0] in self.topic_determiners)
        organ = self.topic_nouns.get(words[i]) if i < len(words) else None
        if organ is None:
            return ""
        i += 1
        first_modifier = i
        while (
            i < len(words)
            and words[i] in self.topic_modifiers
            and i - first_modifier < self.max_topic_modifiers
        ):
            i += 1
        return organ if i < len(words) and words[i] in self.topic_verbs else ""

    def _resolve_organ(
        self, st: TargetState, organ_sections: str, ambiguous_lobes: bool
    ) -> tuple[str, tuple[str, ...]]:
        evidence: list[tuple[int, int, str]] = []
        coordinated: list[str] = []
        # "Thyroid: ... nodule in the right lobe with coarse calcification": the section's
        # organ has the lobes.
        section_organs = organ_sections.split("|") if organ_sections else []
        ambiguous_lobes = ambiguous_lobes or (
            bool(section_organs)
            and LIVER not in section_organs
            and any(o in LOBED_ORGANS for o in section_organs)
        )
        for a in st.attachments:
            m = a.mention
            if m.proximal:
                continue  # "adjacent to the portal vein": a neighbour, not the location
            rank = TIER_RANK.get(a.tier, 2)
            if m.label == "ORGAN" and m.value:
                evidence.append((rank, a.distance, m.value))
                if m.with_liver and m.value != LIVER:
                    evidence.append((rank, a.distance, LIVER))
                    coordinated.append(m.value)
                if m.rule_id in self.shared_organs:
                    # "hepatosplenic granulomas": the spleen shares them, as coordinated.
                    evidence.append((rank, a.distance, self.shared_organs[m.rule_id]))
                    coordinated.append(self.shared_organs[m.rule_id])
            elif (
                m.label == "SEGMENT"
                or (m.label == "LOBE" and (not ambiguous_lobes or m.value == LOBE_CAUDATE))
                or (m.label == "DUCT" and m.value == DUCT_INTRAHEPATIC)
            ):
                evidence.append((rank, a.distance, LIVER))
        if evidence:
            best_rank = min(e[0] for e in evidence)
            tier = [e for e in evidence if e[0] == best_rank]
            if best_rank == 0:
                organs = list(dict.fromkeys(e[2] for e in sorted(tier)))
                if organs[0] == VESSEL:
                    # "hepatic arterial calcification": the vessel word next to the head names
                    # what is calcified; the organ word before it says which vessel.
                    return VESSEL, tuple(o for o in organs if o != VESSEL)
                # "normal liver, splenic calcified granuloma": the organ word next to the head
                # names its organ; a farther one shares it only when coordinated with it.
                nearest = min(e[1] for e in tier)
                organs = [
                    o
                    for o in organs
                    if o in coordinated or any(e[1] == nearest and e[2] == o for e in tier)
                ]
            else:
                nearest = min(e[1] for e in tier)
                organs = list(dict.fromkeys(e[2] for e in tier if e[1] == nearest))
                if LIVER in organs:
                    # "granulomas of the liver and spleen": the coordinated organ shares them.
                    organs += [o for o in coordinated if o not in organs]
            if LIVER in organs:
                return LIVER, tuple(o for o in organs if o != LIVER)
            return organs[0], tuple(organs[1:])
        if section_organs:
            if section_organs == [LIVER]:
                return LIVER, ()
            if LIVER not in section_organs:
                return section_organs[0], tuple(section_organs[1:])
        return "unknown", ()

    def _sizes(
        self,
        doc: Doc,
        attachments: Sequence[Attachment],
        prior_cue_ends: frozenset[int],
        *,
        inside: bool = False,
    ) -> list[float]:
        """Plausible sizes in mm; sizes of a prior exam ("previously 8 mm") only as a fallback,
        and not for a target ``inside`` a lesion ("a 6.1 cm mass with internal calcifications,
        previously 6.6 cm": the lesion's earlier size)."""
        current: list[float] = []
        prior: list[float] = []
        # "ablation zone, 1.9 cm, ..., with a 3 mm calcification inside": a size of its own
        # before the target wins over one that an identity or opener gave it from before.
        if any(a.tier in {"premod", "internal"} for a in attachments):
            attachments = [a for a in attachments if a.tier != "fronted"]
        # "previously 35 mm and 41 mm": a size right after a prior one and a conjunction.
        chained: set[int] = set()
        for a in sorted(attachments, key=lambda a: a.mention.start):
            m = a.mention
            is_prior = m.start in chained or any(
                m.start - self.max_prior_gap <= end <= m.start for end in prior_cue_ends
            )
            if is_prior:
                chained.add(self._coordinated_after(doc, m.end))
            value = (
                float(m.value or "nan")
                if m.rule_id == TABLE_CELL_SIZE_RULE
                else self.normalizer.parse_size_mm(doc[m.start : m.end].text)
            )
            if value is None or not (self.min_size_mm <= value <= self.max_size_mm):
                continue
            (prior if is_prior else current).append(value)
        return current or ([] if inside else prior)

    def _coordinated_after(self, doc: Doc, end: int) -> int:
        """The token after the ``size_list_joiners`` ("and", ",") right after ``end`` (the
        next item of a list of sizes), or 0."""
        lw = token_view(doc).lower
        i = end
        # "33 mm four months ago and 42 mm": a few words about when, then the joiner.
        while (
            i < len(doc)
            and i - end < self.max_joiner_words
            and (doc[i].is_alpha or doc[i].like_num)
            and lw[i] not in self.size_list_joiners
            and lw[i] not in self.current_size_words
        ):
            i += 1
        if i >= len(doc) or lw[i] not in self.size_list_joiners:
            return 0
        while i < len(doc) and lw[i] in self.size_list_joiners:
            i += 1
        return i

    @staticmethod
    def _list_number(doc: Doc, count: Mention) -> bool:
        """Whether a count of two or more written in digits is the number of a list item
        ("impression 1 hepatic steatosis 2 small calcified granuloma"): before a singular
        head it cannot count the foci."""
        text = doc[count.start : count.end].text
        return text.isdigit() and int(text) >= 2

    def _count(
        self,
        doc: Doc,
        st: TargetState,
        by_label: Mapping[str, list[Attachment]],
        other_organs: tuple[str, ...],
        prior_cue_ends: frozenset[int] = frozenset(),
    ) -> tuple[int | None, bool, bool]:
        """Return (exact count or None, multiple, definite) the mention itself states."""
        lw = token_view(doc).lower
        t = st.mention
        premods = [a for a in st.attachments if a.tier in {"premod", "internal"}]
        plural = self.normalizer.is_plural_head(st.words)
        counts = [
            parse_count_value(a.mention.value)
            for a in premods
            if a.mention.label == "COUNT"
            and a.mention.value != COUNT_ANOTHER
            and not (not plural and self._list_number(doc, a.mention))
        ]
        counts += [
            1 for a in premods if a.mention.label == "COUNT" and a.mention.value == COUNT_ANOTHER
        ]
        # "calcified foci (x3)": the number stands after the head.
        counts += [
            parse_digit_count(
                "".join(ch for ch in doc[a.mention.start : a.mention.end].text if ch.isdigit())
            )
            for a in st.attachments
            if a.mention.label == "COUNT"
            and a.mention.value == COUNT_MULTIPLIER
            and a.tier == "post"
        ]
        exact = max((c for c in counts if c is not None), default=None)
        quantified = any(a.mention.label == "QUANTIFIER" for a in premods)
        first = min((a.mention.start for a in premods), default=t.start)
        definite = first > 0 and lw[first - 1] in self.definite
        if exact in {None, 1} and st.partitive_count is not None and not st.more_foci:
            return st.partitive_count, True, definite  # "three of them show calcification"
        if st.more_foci or st.per_lesion:
            return None, True, definite  # "... Similar lesions are present in the left lobe."
        if exact is None and st.listed_items >= 2 and (plural or quantified):
            return st.listed_items, True, definite  # "Calcified foci:" and one line per focus
        if quantified:
            # "Few calcified deposits, the largest ..., the others ...": named one by one.
            sizes = by_label.get("SIZE", [])
            return self._enumerated_count(doc, st, sizes, by_label, prior_cue_ends), True, definite
        if exact is not None:
            return exact, exact >= 2, definite
        if st.plural_container:
            return None, True, definite  # "further metastases contain calcification"
        if any(
            a.mention.label == "COUNT" and a.mention.value == COUNT_ENUMERATED
            for a in st.attachments
        ):
            # "Calcified granulomas: one in segment V and one in segment VIII": the listed
            # items are the foci (each further "and one" adds through ``another``).
            return 1, False, definite
        if self.normalizer.is_mass_noun(st.words):
            # "hepatolithiasis", "septal calcification": more than one, number unknown.
            return None, True, definite
        if plural:
            # "hepatic and splenic granulomas": the plural spans organs, not liver foci.
            if other_organs:
                return None, False, definite
            sizes = by_label.get("SIZE", [])
            listed = self._listed_count(doc, sizes)
            if listed is None:
                listed = self._enumerated_count(
                    doc, st, sizes, by_label, prior_cue_ends, each_placed=True
                )
            return listed, True, definite
        return 1, False, definite

    def _enumerated_count(
        self,
        doc: Doc,
        st: TargetState,
        sizes: Sequence[Attachment],
        by_label: Mapping[str, list[Attachment]],
        prior_cue_ends: frozenset[int],
        *,
        each_placed: bool = False,
    ) -> int | None:
        """The number of foci a plural names one by one with their sizes, or None.

        Either the sizes close with the rest of the foci ("Few calcified deposits, the largest
        in segment VI measuring 2.6 cm, the others in segments IVa and VIII measuring 1.5 cm
        and 1.1 cm": 3), or each size follows its own segment ("calcified nodules at S5
        (7 mm), S7 (5 mm) and S8 (3 mm)": 3), or, with ``each_placed`` (a bare plural), each
        size comes before its own segment ("measuring 8 mm in segment V and 11 mm in segment
        VI": 2).
        """
        lw = token_view(doc).lower
        t = st.mention
        after = sorted(
            (
                a.mention
                for a in sizes
                if a.mention.start >= t.end
                and not any(
                    a.mention.start - self.max_prior_gap <= end <= a.mention.start
                    for end in prior_cue_ends
                )
            ),
            key=lambda m: (m.start, -m.end),
        )
        distinct: list[Mention] = []
        for m in after:
            if distinct and m.start < distinct[-1].end:
                continue  # "2.9 cm" inside "3.4 x 2.9 cm"
            distinct.append(m)
        if len(distinct) < 2:
            return None
        closer = next(
            (i for i in range(t.end, distinct[-1].start) if lw[i] in self.enumeration_closers),
            None,
        )
        if closer is not None:
            # "the others measuring 2-4 mm": one size (or a range) for the rest counts nothing.
            rest = [m for m in distinct if m.start > closer]
            ranges = any(
                doc[i].text == "-" or lw[i] == "to" for m in rest for i in range(m.start, m.end)
            )
            return len(distinct) if len(rest) >= 2 and not ranges else None
        segment_ends = {a.mention.end for a in by_label.get("SEGMENT", [])}
        if all(
            m.start >= 2 and doc[m.start - 1].text == "(" and m.start - 1 in segment_ends
            for m in distinct
        ):
            return len(distinct)
        if not each_placed or any(
            doc[i].lower_ in self.superlatives for i in range(t.end, distinct[0].start)
        ):
            return None
        # A bare plural, "measuring 8 mm in segment V and 11 mm in segment VI": each size
        # before its own place (not "Numerous ..., the largest 4.1 cm in segment 8, ...").
        segment_starts = {a.mention.start for a in by_label.get("SEGMENT", [])}
        if all(self._place_after(doc, m.end) in segment_starts for m in distinct):
            return len(distinct)
        return None

    def _place_after(self, doc: Doc, i: int) -> int:
        """The token after a location preposition and determiners at ``i`` ("in the
        segment V": the "segment"); ``i`` itself when no preposition stands there."""
        if i >= len(doc) or doc[i].lower_ not in self.location_prepositions:
            return i
        i += 1
        while i < len(doc) and doc[i].lower_ in self.determiners:
            i += 1
        return i

    @staticmethod
    def _echoes_named_elsewhere(
        records: Sequence[FindingRecord],
        states: Sequence[TargetState],
        s_mentions: Sequence[Mention],
    ) -> None:
        """Exclude an echogenic finding that an identity cue names a vessel's calcification.

        "Parallel echogenic lines with shadowing along the hepatic artery branches, in keeping
        with arterial wall calcification": the echoes are the vessel wall's calcification, so
        they are excluded as it is.
        """
        cues = sorted(m.start for m in s_mentions if m.label == "COREF")
        if not cues:
            return
        for j, (rec, st) in enumerate(zip(records, states, strict=True)):
            if st.mention.label not in ECHO_LABELS or not rec["counted"] or j + 1 >= len(states):
                continue
            named, named_rec = states[j + 1], records[j + 1]
            reason = named_rec["exclusion_reason"]
            # Only a vessel: in run-on dictation the named calcification's organ may be the
            # next organ heading's ("likely calcified granuloma gallbladder normal").
            if named.mention.label in ECHO_LABELS or reason != f"organ_{VESSEL}":
                continue
            k = bisect.bisect_left(cues, st.mention.end)
            if k < len(cues) and cues[k] < named.mention.start:
                rec["organ"] = named_rec["organ"]
                rec["counted"] = False
                rec["exclusion_reason"] = reason

    def _listed_count(self, doc: Doc, sizes: Sequence[Attachment]) -> int | None:
        """The number of sizes a list gives one per focus ("measuring 8, 14 and 22 mm"), or
        None (no such list, or alternatives: "8 or 10 mm")."""
        for a in sizes:
            m = a.mention
            if m.rule_id not in self.listed_size_rules:
                continue
            tokens = doc[m.start : m.end]
            if any(t.lower_ == "or" for t in tokens):
                return None
            return sum(1 for t in tokens if t.like_num)
        return None

    def _group(
        self,
        doc: Doc,
        records: list[FindingRecord],
        states: Sequence[TargetState],
        s_mentions: Sequence[Mention],
        counter: int,
    ) -> int:
        """Give co-referent counted targets of one sentence the same group number."""
        corefs = _SpanIndex([m for m in s_mentions if m.label == "COREF"])
        previous: TargetState | None = None
        for rec, st in zip(records, states, strict=True):
            if not rec["counted"]:
                continue
            if previous is None:
                counter += 1
            else:
                # "A granuloma in S5, and another calcified focus in S7": "another" starts a
                # new focus, like a count or quantifier of its own.
                own_determiner = any(
                    a.tier == "premod" and a.mention.label in {"COUNT", "QUANTIFIER"}
                    for a in st.attachments
                )
                linked = (
                    corefs.any_within(previous.mention.end, st.mention.start)
                    or self._alternatives(doc, previous.mention, st.mention)
                    or (
                        # "trois kystes hydatiques calcifiés / three calcified hydatid cysts": a
                        # translation right after the words it translates.
                        0 < st.mention.start - previous.mention.end <= self.max_gloss_tokens
                        and doc[previous.mention.end].text in GLOSS_MARKS
                        and all(
                            doc[i].is_alpha
                            for i in range(previous.mention.end + 1, st.mention.start)
                        )
                    )
                )
                # "a calcified cystic lesion with a thick calcified wall": a part of the lesion.
                part = bool(st.words) and (
                    st.words[-1] in self.lesion_parts
                    # "... with an echogenic rim and posterior acoustic shadowing": its outline
                    or (
                        st.mention.label in ECHO_LABELS
                        and not self.lesion_parts.isdisjoint(st.words)
                    )
                )
                if own_determiner and not linked and not part:
                    counter += 1
            rec["group"] = counter
            previous = st
        return counter

    # -- follow-up ----------------------------------------------------------------------------
    def find_followup(
        self,
        doc: Doc,
        sentences: Sequence[Sentence],
        mentions: Sequence[Mention],
        records: Sequence[FindingRecord],
        *,
        liver_exam: bool = False,
    ) -> tuple[RecommendationTuple, ...]:
        """Return the report's follow-up recommendations
        (``calcminer.nlp.pipeline.recommendations``).

        In a report titled as an exam of the liver (``liver_exam``: "MRI LIVER WITH
        CONTRAST"), a recommendation that names no organ concerns the liver."""
        return self.recommendations.find(doc, sentences, mentions, records, liver_exam=liver_exam)

    # -- output -------------------------------------------------------------------------------
    @staticmethod
    def set_annotations(
        doc: Doc,
        records: Sequence[FindingRecord],
        recommendations: tuple[RecommendationTuple, ...],
    ) -> None:
        """Write the target records, the recommendations and the follow-up tuple to the Doc."""
        doc._.set(FINDINGS, tuple(records))
        doc._.set(RECOMMENDATIONS, recommendations)
        doc._.set(FOLLOWUP, followup_summary(recommendations))


def _is_place(m: Mention) -> bool:
    """Whether a mention places a finding (a location, not a neighbour: "adjacent to ...")."""
    return m.label in LOCATION_LABELS and not m.proximal


def _places(attachments: Sequence[Attachment]) -> list[Mention]:
    """The mentions of ``attachments`` that place a finding (:func:`_is_place`)."""
    return [a.mention for a in attachments if _is_place(a.mention)]


def _numeral_kind(text: str) -> str:
    """ "arabic" or "roman" for a segment numeral ("6", "4a"; "VI", "IVb"), else ""."""
    core = text.rstrip("abAB.") or text
    if core.isdigit():
        return "arabic"
    if core and all(c in "IVX" for c in core):
        return "roman"
    return ""


def _labels_by_sentence(mentions: Sequence[Mention]) -> dict[int, set[str]]:
    """The labels of the mentions of each sentence."""
    labels: dict[int, set[str]] = {}
    for m in mentions:
        labels.setdefault(m.sent, set()).add(m.label)
    return labels


def _by_sentence(items: Sequence[Mention]) -> dict[int, list[Mention]]:
    """Group mentions by sentence index, keeping their order."""
    grouped: dict[int, list[Mention]] = {}
    for item in items:
        grouped.setdefault(item.sent, []).append(item)
    return grouped
