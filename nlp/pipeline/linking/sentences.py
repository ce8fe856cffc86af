"""What a sentence borrows from the sentences before it.

A sentence that refers back ("The largest measures 8 mm", "It lies in segment VII") lends
its sizes and places to the target it names again (:func:`lend_previous_context`, with
:func:`refers_back` deciding whether it refers back at all); a sentence that names the
same foci again ("The same foci show posterior shadowing") adds nothing new
(:func:`described_by_same_foci`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.attach import attach
from calcminer.nlp.pipeline.linking.model import (
    VESSEL,
    Attachment,
    Mention,
    TargetState,
    placing_mentions,
)
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.linking.words import definite_before_head, has_location, words_between
from calcminer.nlp.pipeline.neighbours import CONTINUATION_WORDS
from calcminer.nlp.pipeline.records import Sentence
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import (
    LOCATION_LABELS,
)
from calcminer.nlp.rules.rule_values import (
    BLOCKER_STRUCTURE,
    LESION_VALUES,
)


def described_by_same_foci(
    cfg: LinkSettings,
    doc: Doc,
    sentence: Sentence,
    target: Mention,
) -> bool:
    """Whether a target describes what a sentence opening on the same foci shows ("The
    largest, in S6, measures 3.1 x 2.6 cm and shows dense amorphous calcification"): a
    showing or containing verb stands between the opening and the target."""
    lw = token_view(doc).lower
    start, end = sentence.start, sentence.end
    words = words_between(doc, start, end, CONTINUATION_WORDS)
    if cfg.neighbours.continuation_kind(words) != "same_foci":
        return False
    return any(lw[i] in cfg.showing_verbs for i in range(start, target.start))


def names_lesion_definitely(cfg: LinkSettings, doc: Doc, heads: Sequence[Mention]) -> bool:
    """Whether a sentence names a lesion with a definite determiner ("Inside the lesion
    ...", "The calcified cyst measures ..."): one named before."""
    return any(
        ((h.label == "BLOCKER" and h.value in LESION_VALUES) or h.is_target)
        and definite_before_head(cfg, doc, h.start)
        for h in heads
    )


def refers_back(
    cfg: LinkSettings, doc: Doc, s_start: int, s_end: int, heads: Sequence[Mention]
) -> bool:
    """Whether a sentence speaks of a lesion of the previous one ("It contains ...",
    "... is present within the hemangioma")."""
    lw = token_view(doc).lower
    first = words_between(doc, s_start, len(doc), 2)
    if first and (
        first[0] in cfg.neighbours.refer_back or first[0] in cfg.neighbours.inside_adverbs
    ):
        return True  # "It contains ...", "Centrally there is an 8 mm calcification"
    if not cfg.neighbours.inside_adjectives.isdisjoint(
        words_between(doc, s_start, s_end, cfg.neighbours.adjective_first_words)
    ):
        return True  # "Coarse internal calcifications."
    if (
        len(first) == 2
        and first[0] in cfg.neighbours.inside_prepositions
        and first[1] in cfg.definite
        and _opens_on_part(cfg, doc, s_start, s_end, heads)
    ):
        return True  # "Within the scar there is a densely calcified component"
    if first and (first[0] in cfg.definite or first[0] in cfg.inner_part_articles):
        # "The scar corresponds to a 4.2 cm densely calcified central scar", "A central
        # stellate scar contains a coarse calcification": a part of the previous
        # sentence's lesion.
        parts = cfg.lesion_parts if first[0] in cfg.definite else cfg.inner_parts
        opening = next(i for i in range(s_start, s_end) if doc[i].text[:1].isalnum())
        for token in doc[opening + 1 : min(s_end, opening + 2 + cfg.max_subject_modifiers)]:
            if not token.is_alpha:
                break
            if token.lower_ in parts:
                return True
    inside = cfg.neighbours.inside_prepositions
    if any(
        lw[i] in cfg.neighbours.inside_pronouns and lw[i - 1] in inside
        for i in range(s_start + 1, s_end)
    ):
        return True  # "A coarse calcification ... is present centrally within it."
    if any(
        lw[i] in cfg.neighbours.refer_back and lw[i + 1] in cfg.holding_verbs
        for i in range(s_start + 1, min(s_end - 1, s_start + cfg.max_fronted_words))
    ):
        return True  # "On noncontrast images it contains coarse central calcifications."
    return any(
        ((h.label == "BLOCKER" and h.value in LESION_VALUES) or h.is_target)
        and (
            definite_before_head(cfg, doc, h.start)
            # "A single calcified focus lies within the involuted lesion."
            or (h.label == "BLOCKER" and _inside_definite(cfg, doc, h.start))
        )
        for h in heads
    )  # "... a cystic lesion in segment VII. The calcified cyst measures 52 x 47 mm."


def named_by_pronoun(
    cfg: LinkSettings,
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
    if first >= s_end or lw[first] not in cfg.predicate_pronouns:
        return []
    cue = next((m for m in s_mentions if m.label == "COREF" and m.start == first + 1), None)
    if cue is None:
        return []
    return [
        st
        for st in states
        if st not in subjectless and 0 <= st.mention.start - cue.end <= cfg.max_premod_gap
    ]


def _inside_definite(cfg: LinkSettings, doc: Doc, start: int) -> bool:
    """Whether an inside preposition, a definite determiner and one modifier word stand
    right before ``start`` ("within the involuted lesion")."""
    lw = token_view(doc).lower
    return (
        start > 2
        and doc[start - 1].is_alpha
        and lw[start - 2] in cfg.definite
        and lw[start - 3] in cfg.neighbours.inside_prepositions
    )


def _opens_on_part(
    cfg: LinkSettings, doc: Doc, s_start: int, s_end: int, heads: Sequence[Mention]
) -> bool:
    """Whether the definite phrase after a sentence's opening preposition names a lesion or
    a part of one ("Within the scar", "Inside the cyst", "In the centre of the lesion")."""
    lw = token_view(doc).lower
    opening = next((i for i in range(s_start, s_end) if doc[i].text[:1].isalnum()), s_end)
    stop = min(s_end, opening + 3 + cfg.max_subject_modifiers)
    for i in range(opening + 2, stop):
        if not doc[i].is_alpha:
            break
        if lw[i] in cfg.placing_parts:
            return True
    return any(
        h.label == "BLOCKER" and h.value in LESION_VALUES and opening + 2 <= h.start < stop
        for h in heads
    )


def lend_previous_context(
    cfg: LinkSettings,
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
    lacking = [st for st in states if not has_location(st)]
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
            lend_previous_context(
                cfg,
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
        if named and all(h.label == "BLOCKER" and h.value == BLOCKER_STRUCTURE for h in p_heads):
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
    attached = attach(cfg, doc, p_heads, p_mentions)
    lent: list[Mention] = []
    if distributive:
        # "The segment III ablation zone measures 2.2 cm and the segment VI ablation zone
        # 2.6 cm. Each ablation zone contains a small calcification": one in each lesion.
        placed = [placing_mentions(attached.get(hk, [])) for hk in lesions]
        singular = all(
            not cfg.normalizer.is_plural_head([lw[p_heads[hk].end - 1]]) for hk in lesions
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
        lent = placing_mentions(attached.get(hk, []))
        if lent and all(m.label == "ORGAN" and m.value == VESSEL for m in lent):
            # "... with tumour thrombus in the right portal vein. Coarse internal
            # calcifications.": a thrombus in a vessel is not the lesion they lie in.
            lent = []
            continue
        if lent:
            if distributive and cfg.normalizer.is_plural_head([lw[p_heads[hk].end - 1]]):
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
                a.mention.start - cfg.max_prior_gap <= end <= a.mention.start for end in prior_ends
            )
        ]
        for st in sized:
            if not st.inner_part and not any(a.mention.label == "SIZE" for a in st.attachments):
                st.attachments.extend(Attachment(m, "context", 0) for m in sizes)


def showing_same_foci(cfg: LinkSettings, doc: Doc, start: int, end: int) -> int | None:
    """For a sentence opening on the same foci as the one before ("Both show ...", "the
    smaller ... is calcified"), the first showing verb's token (``end`` when none); None
    for any other sentence."""
    lw = token_view(doc).lower
    words = words_between(doc, start, end, CONTINUATION_WORDS)
    if cfg.neighbours.continuation_kind(words) != "same_foci":
        return None
    return next((i for i in range(start, end) if lw[i] in cfg.showing_verbs), end)
