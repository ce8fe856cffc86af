"""spaCy factories for calcminer's components (registered when this module is imported).

No ``from __future__ import annotations`` here: spaCy validates factory arguments from their
annotations at run time and cannot resolve postponed (string) annotations.
"""

from typing import Callable, Iterable, List, Optional

from spacy.language import Language
from spacy.tokens import Span
from spacy.util import registry

from calcminer.nlp.pipeline.context import ContextAssertion
from calcminer.nlp.pipeline.extensions import (
    CONTEXT_EDGES,
    FINDINGS,
    FOLLOWUP,
    MENTION_SPAN_KEY,
    RECOMMENDATIONS,
    SENTENCE_INFO,
    TARGET_SPAN_KEY,
)
from calcminer.nlp.pipeline.linking import Linker
from calcminer.nlp.pipeline.mentions import MentionMatcher
from calcminer.nlp.pipeline.sections import SectionSplitter
from calcminer.nlp.pipeline.targets import TargetRuler, yielding_spans_filter
from calcminer.nlp.rules.labels import ASSERTED_LABELS, LABELS
from calcminer.nlp.rules.patterns import PatternSet, load_patterns


def _rules(patterns_dir: Optional[str]) -> Optional[PatternSet]:
    """The rules of a folder named in the component's config, or None: then the component
    gets its rules from ``initialize`` (``build_pipeline``) or ``from_disk`` (``spacy.load``)."""
    return load_patterns(patterns_dir) if patterns_dir is not None else None


@Language.factory(
    "calcminer_sections",
    assigns=["token.is_sent_start", "doc.spans", f"doc._.{SENTENCE_INFO}"],
    default_config={"patterns_dir": None},
)
def make_section_splitter(nlp: Language, name: str, patterns_dir: Optional[str]) -> SectionSplitter:
    """Build the sentence and section component (rules: see :func:`_rules`)."""
    return SectionSplitter(nlp, name, patterns=_rules(patterns_dir))


@Language.factory(
    "calcminer_targets",
    assigns=["doc.spans"],
    default_config={"patterns_dir": None, "spans_key": TARGET_SPAN_KEY},
)
def make_target_ruler(
    nlp: Language, name: str, patterns_dir: Optional[str], spans_key: str
) -> TargetRuler:
    """Build the target ruler (its predicate rules yield, see :func:`make_target_spans_filter`)."""
    return TargetRuler(nlp, name, patterns=_rules(patterns_dir), spans_key=spans_key)


@Language.factory(
    "calcminer_mentions",
    requires=["token.is_sent_start", "doc.spans"],
    assigns=["doc.spans"],
    default_config={"patterns_dir": None},
)
def make_mentions(nlp: Language, name: str, patterns_dir: Optional[str]) -> MentionMatcher:
    """Build the mention matcher (rules: see :func:`_rules`)."""
    return MentionMatcher(
        nlp,
        name,
        patterns=_rules(patterns_dir),
        spans_key=MENTION_SPAN_KEY,
        target_spans_key=TARGET_SPAN_KEY,
    )


@Language.factory(
    "calcminer_context",
    requires=["token.is_sent_start", "doc.spans"],
    assigns=[f"doc._.{CONTEXT_EDGES}"],
    default_config={
        "patterns_dir": None,
        "input_span_keys": [TARGET_SPAN_KEY, MENTION_SPAN_KEY],
        # The asserted labels, in the label table's order (targets first).
        "input_labels": [label for label in LABELS if label in ASSERTED_LABELS],
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
        patterns=_rules(patterns_dir),
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
    """Build the attribute-linking component (rules: see :func:`_rules`)."""
    return Linker(nlp, name, patterns=_rules(patterns_dir))


@registry.misc("calcminer.target_spans_filter.v1")
def make_target_spans_filter(
    yielding_rule_ids: List[str],
) -> Callable[[Iterable[Span], Iterable[Span]], List[Span]]:
    """spaCy's first-longest filter, except that the rules in ``yielding_rule_ids`` give way
    (:func:`calcminer.nlp.pipeline.targets.yielding_spans_filter`)."""
    return yielding_spans_filter(yielding_rule_ids)
