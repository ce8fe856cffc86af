"""Foci named one per line or per item, and the members of a group.

List items after a lead-in ("Calcified foci:" then "- segment 3, 4 mm;") and continuation
lines name one focus each (:func:`take_list_items`, :func:`take_continuation`); stones
listed along the ducts (:func:`listed_stones`) and a heading that places its items
(:func:`heading_place`); "the largest measuring 8 mm" names one member of a group of foci
(:func:`superlative_member`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.model import (
    LIVER,
    NEGATED_OPENER_TOKENS,
    Attachment,
    Mention,
    TargetState,
    placing_mentions,
)
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.linking.words import (
    definite_superlative_before,
    has_location,
    inside_lesion,
    item_start,
    texts,
    words_between,
)
from calcminer.nlp.pipeline.neighbours import CONTINUATION_WORDS
from calcminer.nlp.pipeline.normalize import (
    parse_count_value,
)
from calcminer.nlp.pipeline.records import Sentence
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import (
    LENT_LABELS,
)
from calcminer.nlp.rules.rule_values import (
    LESION_VALUES,
)


def listed_stones(
    cfg: LinkSettings, doc: Doc, states: Sequence[TargetState], s_mentions: Sequence[Mention]
) -> None:
    """Give stone candidates that a colon lists after intrahepatic stones the ducts of
    the sentence ("Intrahepatic stones in the posterior bile ducts of the right lobe: a
    large stone cast of 3,6 cm and multiple smaller stones")."""
    ducts = [m for m in s_mentions if m.label == "DUCT"]
    for n, st in enumerate(states):
        if st.mention.label != "DUCT_STONE_CANDIDATE" or has_location(st):
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
        st.attachments.extend(
            Attachment(m, "context", 0) for m in placing_mentions(lead.attachments)
        )
        st.attachments.extend(
            Attachment(m, "context", 0) for m in ducts if m.end <= st.mention.start
        )


def heading_place(
    cfg: LinkSettings,
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
        doc[first].is_space or doc[first].text in cfg.neighbours.list_bullets
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
        part = bool(st.words) and st.words[-1] in cfg.outline_parts
        if st.mention.start > heading.end and not part and not has_location(st):
            gap = st.mention.start - heading.end
            st.attachments.append(Attachment(heading, "context", gap))


def superlative_member(cfg: LinkSettings, doc: Doc, states: Sequence[TargetState]) -> None:
    """Give a target named as the largest of a plural target before it in the sentence
    that plural's places ("Calcified hepatic metastases in the left lobe, the largest
    calcified metastasis measuring 3.1 cm")."""
    for n, st in enumerate(states):
        start = st.mention.start
        if (
            n == 0
            or has_location(st)
            or not (
                definite_superlative_before(cfg, doc, start)
                or _superlative_linked_before(cfg, doc, st)
            )
        ):
            continue
        plural = next(
            (
                p
                for p in reversed(states[:n])
                if cfg.normalizer.is_plural_head(list(p.words)) and has_location(p)
            ),
            None,
        )
        if plural is not None:
            st.attachments.extend(
                Attachment(m, "context", 0) for m in placing_mentions(plural.attachments)
            )


def _superlative_linked_before(cfg: LinkSettings, doc: Doc, st: TargetState) -> bool:
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
    while i > 1 and (i in own or lw[i] in cfg.determiners or lw[i] in cfg.superlative_links):
        if lw[i] in cfg.superlative_links:
            links += 1
            if links > 1:
                return False
        elif i not in own and lw[i] in cfg.definite:
            return False  # "the largest of the casts": a definite noun phrase of its own
        i -= 1
    return links == 1 and lw[i] in cfg.superlatives and lw[i - 1] in cfg.definite


def take_list_items(
    cfg: LinkSettings,
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
        and j - k <= cfg.max_list_items
        and not targets_of.get(j)
        and cfg.neighbours.starts_item(item_start(doc, sentences[j]))
    ):
        # "1." alone, then "Segment II: 4 mm.": the marker's sentence and the next one.
        parts = [j]
        if (
            cfg.neighbours.marker_only(texts(doc, sentences[j].start, sentences[j].end))
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


def take_continuation(
    cfg: LinkSettings,
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
            and any(m.start - cfg.max_prior_gap <= end <= m.start for end in prior_ends)
        )
    ]
    if not states or not lent:
        return False
    # "Both kidneys are normal.", "Similar lesions in the spleen." (not the words that
    # describe a prior state: "(previously a 25 mm soft tissue lesion)").
    first_prior = min(prior_ends, default=len(doc))
    if any(m.label == "ORGAN" and m.value != LIVER and m.start < first_prior for m in f_mentions):
        return False
    kind = cfg.neighbours.continuation_kind(
        words_between(doc, following.start, following.end, CONTINUATION_WORDS)
    )
    if kind is None:
        return False
    if kind == "member_place" and not _member_place(cfg, doc, following, f_mentions, states):
        return False
    if kind == "more_foci":
        # "Further no focal liver lesions.", "Further, no ..." (a literal "Im Übrigen keine
        # ..."): none more.
        opening = lw[following.start : min(following.end, following.start + NEGATED_OPENER_TOKENS)]
        if not cfg.negation_words.isdisjoint(opening):
            return False
        tokens = lw[following.start : following.end]
        if not cfg.normalizer.is_plural_head(tokens) and not any(
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
        inside_lesion(cfg, last)
        and any(m.label == "BLOCKER" and m.value in LESION_VALUES for m in f_mentions)
    ) or (
        # "... contain small stippled calcifications; these lesions are seen in segments
        # II and V, the largest measuring 3.2 cm": the lesions' size, not the foci's.
        lesion_subject
        and last.mention.rule_id not in cfg.calcified_lesion_rules
        and last.mention.rule_id not in cfg.predicate_rules
    ):
        # "... metastases contain punctate calcifications; the largest metastasis measures
        # 2.8 cm": the size is the lesion's, not its calcifications'.
        lent = [m for m in lent if m.label != "SIZE"]
    last.attachments.extend(Attachment(m, "post", m.start - last.mention.end) for m in lent)
    return True


def continuation_limit(cfg: LinkSettings, doc: Doc, sentence: Sentence) -> int:
    """How far after a target's sentence this one may continue it: as far as list items
    for one that describes a member by its segment ("Segment II: 0.6 cm."), else
    ``max_continued_sentences``."""
    words = words_between(doc, sentence.start, sentence.end, CONTINUATION_WORDS)
    if cfg.neighbours.continuation_kind(words) == "member_place":
        return cfg.max_list_items
    return cfg.max_continued_sentences


def _member_place(
    cfg: LinkSettings,
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
        cfg.normalizer.is_plural_head(list(last.words))
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
        lw[i] in cfg.negation_words for i in range(following.start, following.end)
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
    first = words_between(doc, following.start, following.end, 1)
    return (
        bool(first)
        and first[0] in cfg.definite
        and any(
            m.label == "BLOCKER" and m.value in LESION_VALUES and m.start == after
            for m in f_mentions
        )
    )
