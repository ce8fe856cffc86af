"""Builds the spaCy pipeline: sections -> targets -> mentions -> ConText -> linking."""

from __future__ import annotations

import re
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer

from calcminer.nlp.pipeline import factories  # noqa: F401  (registers calcminer's factories)
from calcminer.nlp.pipeline.component import RuleComponent
from calcminer.nlp.rules.patterns import PatternSet, load_patterns
from calcminer.nlp.schema import MAX_REPORT_CHARS

#: The target matcher's name (a span ruler).
TARGETS_PIPE = "calcminer_targets"
PIPE_NAMES = (
    "calcminer_sections",
    TARGETS_PIPE,
    "calcminer_mentions",
    "calcminer_context",
    "calcminer_linker",
)


def build_pipeline(
    patterns_dir: str | Path | None = None, patterns: PatternSet | None = None
) -> Language:
    """Return a fresh calcminer pipeline on ``spacy.blank("en")``.

    Args:
        patterns_dir: Directory of rule files; None for the packaged ``patterns/``.
        patterns: The loaded rules to use (then ``patterns_dir`` is not read): every
            component gets this one set.

    Returns:
        The pipeline. Nothing is downloaded: every component is rule-based.
    """
    if patterns is None:
        patterns = load_patterns(str(patterns_dir) if patterns_dir is not None else None)
    nlp = spacy.blank("en")
    # "CT value about 420HU": units that the English defaults leave on their number.
    units = patterns.normalization["tokenizer_unit_suffixes"]["units"]
    if units and isinstance(nlp.tokenizer, Tokenizer):
        suffixes = [
            *(nlp.Defaults.suffixes or ()),
            *(rf"(?<=[0-9])(?:{re.escape(unit)})" for unit in units),
        ]
        nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    # No parser or NER here, so spaCy's memory guard (1M characters) does not apply; readers
    # turn longer texts into error rows (E124).
    nlp.max_length = MAX_REPORT_CHARS
    # The rules are loaded once, here, and handed to every component (spaCy's initialize):
    # no component reads a folder, and nlp.config holds no path.
    nlp.add_pipe("calcminer_sections")
    if patterns.targets:  # a rule set may have none (then no target is ever found)
        nlp.add_pipe("calcminer_targets", name=TARGETS_PIPE)
    nlp.add_pipe("calcminer_mentions")
    nlp.add_pipe("calcminer_context")
    nlp.add_pipe("calcminer_linker")
    for _, component in nlp.pipeline:
        if isinstance(component, RuleComponent):
            component.initialize(nlp=nlp, patterns=patterns)
    return nlp
