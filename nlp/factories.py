"""spaCy factories for calcminer's components (registered when this module is imported).

No ``from __future__ import annotations`` here: spaCy validates factory arguments from their
annotations at run time and cannot resolve postponed (string) annotations.
"""

from typing import Callable, Iterable, List, Optional

from spacy.language import Language
from spacy.tokens import Span
from spacy.util import filter_spans, registry

from .context import ContextAssertion
from .extensions import CONTEXT_EDGES, FINDINGS, FOLLOWUP, RECOMMENDATIONS, SENTENCE_INFO
from .linking import MENTION_SPAN_KEY, TARGET_SPAN_KEY, Linker
from .mentions import MentionMatcher
from .patterns import load_patterns
from .sections import SectionSplitter
from .targets import TargetRuler


@Language.factory(
    "calcminer_sections",
    assigns=["token.is_sent_start", "doc.spans", f"doc._.{SENTENCE_INFO}"],
    default_config={"patterns_dir": None},
)
def make_section_splitter(nlp: Language, name: str, patterns_dir: Optional[str]) -> SectionSplitter:
    """Build the sentence and section component from a patterns directory."""
    return SectionSplitter(nlp, name, patterns=load_patterns(patterns_dir))


@Language.factory(
    "calcminer_targets",
    assigns=["doc.spans"],
    default_config={"patterns_dir": None, "spans_key": TARGET_SPAN_KEY},
)
def make_target_ruler(
    nlp: Language, name: str, patterns_dir: Optional[str], spans_key: str
) -> TargetRuler:
    """Build the target ruler from a patterns directory (its predicate rules yield, see
    :func:`make_target_spans_filter`)."""
    patterns = load_patterns(patterns_dir)
    yielding = patterns.normalization["predicate_targets"]["rule_ids"]
    return TargetRuler(
        nlp,
        name,
        patterns=patterns,
        spans_key=spans_key,
        spans_filter=make_target_spans_filter(list(yielding)),
    )


@Language.factory(
    "calcminer_mentions",
    requires=["token.is_sent_start", "doc.spans"],
    assigns=["doc.spans"],
    default_config={"patterns_dir": None},
)
def make_mentions(nlp: Language, name: str, patterns_dir: Optional[str]) -> MentionMatcher:
    """Build the mention matcher from a patterns directory."""
    return MentionMatcher(
        nlp,
        name,
        patterns=load_patterns(patterns_dir),
        spans_key=MENTION_SPAN_KEY,
        target_spans_key=TARGET_SPAN_KEY,
    )


@Language.factory(
    "calcminer_context",
    requires=["token.is_sent_start", "doc.spans"],
    assigns=[f"doc._.{CONTEXT_EDGES}"],
    default_config={
        "patterns_dir": None,
        "input_span_keys": ["calcminer_targets", "calcminer_mentions"],
        "input_labels": [
            "CALCIFICATION",
            "ECHO_SHADOW",
            "ECHO_CANDIDATE",
            "DUCT_STONE",
            "DUCT_STONE_CANDIDATE",
            "FOLLOWUP",
            "FOLLOWUP_SCHEDULE",
            "FOLLOWUP_PLAN",
        ],
    },
)
def make_context(
    nlp: Language,
    name: str,
    patterns_dir: Optional[str],
    input_span_keys: List[str],
    input_labels: List[str],
) -> ContextAssertion:
    """Build the ConText assertion component with the project's rules."""
    return ContextAssertion(
        nlp,
        name,
        patterns=load_patterns(patterns_dir),
        input_span_keys=input_span_keys,
        input_labels=input_labels,
    )


@Language.factory(
    "calcminer_linker",
    requires=["token.is_sent_start", "doc.spans", f"doc._.{CONTEXT_EDGES}"],
    assigns=[f"doc._.{FINDINGS}", f"doc._.{FOLLOWUP}", f"doc._.{RECOMMENDATIONS}"],
    default_config={"patterns_dir": None},
)
def make_linker(nlp: Language, name: str, patterns_dir: Optional[str]) -> Linker:
    """Build the attribute-linking component."""
    return Linker(nlp, name, patterns=load_patterns(patterns_dir))


@registry.misc("calcminer.target_spans_filter.v1")
def make_target_spans_filter(
    yielding_rule_ids: List[str],
) -> Callable[[Iterable[Span], Iterable[Span]], List[Span]]:
    """spaCy's first-longest filter, except that the rules in ``yielding_rule_ids`` give way.

    A predicate ("are calcified") yields to any target it overlaps ("there are calcified
    granulomas": the granulomas), whatever their lengths.
    """
    yielding = frozenset(yielding_rule_ids)

    def filter_targets(existing: Iterable[Span], spans: Iterable[Span]) -> List[Span]:
        found = list(existing) + list(spans)
        firm = [s for s in found if s.id_ not in yielding]
        taken = {i for s in firm for i in range(s.start, s.end)}
        kept = firm + [
            s for s in found if s.id_ in yielding and taken.isdisjoint(range(s.start, s.end))
        ]
        return filter_spans(kept)

    return filter_targets
