"""Small word tests that the linking steps share.

Each answers one question about the tokens around a position, for example whether a
definite article stands before a head ("*the* largest measures 8 mm") or which words open a
sentence (:func:`words_between`). They read the Doc and the settings only.
"""

from __future__ import annotations

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.model import (
    Mention,
    TargetState,
)
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.neighbours import first_words
from calcminer.nlp.pipeline.records import Sentence
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import (
    LOCATION_LABELS,
)


def is_part(cfg: LinkSettings, doc: Doc, target: Mention) -> bool:
    """Whether a target names a part of a lesion ("calcification of its wall", "rim")."""
    lw = token_view(doc).lower
    words = {lw[i] for i in range(target.start, min(target.end + 3, len(doc)))}
    return not words.isdisjoint(cfg.lesion_parts)


def word_before_determiners(cfg: LinkSettings, doc: Doc, start: int) -> int:
    """The index of the token before ``start`` and the determiners right before it ("in
    the liver": the "in"); -1 when none."""
    lw = token_view(doc).lower
    i = start - 1
    while i >= 0 and lw[i] in cfg.determiners:
        i -= 1
    return i


def words_between(doc: Doc, start: int, end: int, n: int) -> tuple[str, ...]:
    """The first ``n`` words of the sentence ``doc[start:end]`` (lower case)."""
    lw = token_view(doc).lower
    lowers = lw[start : min(end, start + 3 * n + 3)]
    return first_words(lowers, 0, len(lowers), n)


def has_location(st: TargetState) -> bool:
    return any(a.mention.label in LOCATION_LABELS for a in st.attachments)


def definite_before_head(cfg: LinkSettings, doc: Doc, start: int) -> bool:
    """Whether a head starting at ``start`` has a definite determiner before it, maybe
    past a superlative ("the lesion", "The largest calcified deposit")."""
    lw = token_view(doc).lower
    if start > 0 and lw[start - 1] in cfg.definite:
        return True
    return definite_superlative_before(cfg, doc, start)


def definite_superlative_before(cfg: LinkSettings, doc: Doc, start: int) -> bool:
    """Whether a definite determiner and a superlative stand right before ``start``
    ("the largest calcified metastasis")."""
    lw = token_view(doc).lower
    return start > 1 and lw[start - 1] in cfg.superlatives and lw[start - 2] in cfg.definite


def opens_on_definite_part(cfg: LinkSettings, doc: Doc, sentence: Sentence) -> bool:
    """Whether a sentence opens on a definite part of a lesion ("The central scar is T2
    hypointense")."""
    words = words_between(doc, sentence.start, sentence.end, 2 + cfg.max_subject_modifiers)
    return (
        len(words) >= 2
        and words[0] in cfg.definite
        and any(w in cfg.lesion_parts for w in words[1:])
    )


def opens_on_refer_back(cfg: LinkSettings, doc: Doc, sentence: Sentence) -> bool:
    """Whether a sentence opens on a word that refers to the one before it ("It is ...")."""
    first = words_between(doc, sentence.start, sentence.end, 1)
    return bool(first) and first[0] in cfg.neighbours.refer_back


def texts(doc: Doc, start: int, end: int) -> list[str]:
    return token_view(doc).text[max(start, 0) : end]


def item_start(doc: Doc, sentence: Sentence) -> list[str]:
    """The first token texts of a sentence, enough for a list marker."""
    return token_view(doc).text[sentence.start : min(sentence.end, sentence.start + 8)]


def inside_lesion(cfg: LinkSettings, st: TargetState) -> bool:
    """Whether a target lies inside a lesion that is not itself the calcified thing
    ("a mass containing calcifications"; a calcified wall takes the lesion's size; "the
    two metastases have become calcified": the lesions are the calcified things)."""
    if st.mention.rule_id in cfg.predicate_rules and not st.inner_part:
        return False
    if st.in_lesion:
        return True
    container = [a for a in st.attachments if a.tier == "container"]
    return bool(container) and not any(a.mention.label == "SIZE" for a in container)


def _definite_run(cfg: LinkSettings, doc: Doc, last: int, words: int) -> bool:
    """Whether a definite determiner stands among the ``words`` tokens ending at ``last``
    (going back), with only words after it."""
    for i in range(last, max(last - words, -1), -1):
        word = doc[i]
        if word.lower_ in cfg.definite:
            return True
        if not word.is_alpha:
            return False
    return False


def definite_before(cfg: LinkSettings, doc: Doc, head_start: int) -> bool:
    """Whether a definite determiner stands right before a head, or before the few
    modifier words before it ("the lesion", "The residual tumour")."""
    return _definite_run(cfg, doc, head_start - 1, cfg.max_subject_modifiers + 1)


def definite_subject(cfg: LinkSettings, doc: Doc, verb: int) -> bool:
    """Whether a definite noun phrase of a few words ends right before ``verb`` ("the
    scar is", "The central stellate scar is")."""
    return _definite_run(cfg, doc, verb - 2, cfg.max_subject_modifiers)


def singular(cfg: LinkSettings, word: str) -> str:
    """Crude singular of a lesion noun (nodules -> nodule, masses -> mass, foci -> focus)."""
    if word in cfg.irregular_singulars:
        return cfg.irregular_singulars[word]
    if word.endswith("sses"):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def alternatives(cfg: LinkSettings, doc: Doc, first: Mention, second: Mention) -> bool:
    """Whether two targets are alternative names of one focus: only an alternative word
    stands between them ("calcified granuloma or calcified hydatid cyst")."""
    lw = token_view(doc).lower
    between = lw[first.end : second.start]
    return len(between) == 1 and between[0] in cfg.alternative_words


def partial_before(cfg: LinkSettings, doc: Doc, start: int) -> bool:
    """Whether a partial word stands among the words right before a target at ``start``
    ("partial curvilinear calcification of its wall": a part of the wall, not the
    outline)."""
    lw = token_view(doc).lower
    i = start - 1
    while i >= 0 and start - i <= cfg.max_premod_gap + 1 and doc[i].is_alpha:
        if lw[i] in cfg.partial_outline_words:
            return True
        i -= 1
    return False


def outline_after(cfg: LinkSettings, doc: Doc, end: int, start: int | None = None) -> bool:
    """Whether "of" and an outline part of a lesion follow a target ("calcification of its
    wall", "calcification of the rim"), past determiners and pronouns; not when the target
    at ``start`` is a partial one (:meth:`_partial_before`)."""
    lw = token_view(doc).lower
    if end >= len(doc) or lw[end] != "of":
        return False
    if start is not None and partial_before(cfg, doc, start):
        return False
    i = end + 1
    while (
        i < len(doc)
        and i - end <= 3
        and (lw[i] in cfg.determiners or lw[i] in cfg.neighbours.inside_pronouns)
    ):
        i += 1
    return i < len(doc) and lw[i] in cfg.outline_parts
