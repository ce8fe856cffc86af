"""Targets named by a sentence's subject, colon lists, and shared places.

"The central scar is calcified" (:func:`predicate_subjects`) makes the subject the target;
"Calcifications: segment 4, 6 mm; segment 7, 3 mm" (:func:`colon_enumeration`) lists foci;
two targets that name the same lesion share its place (:func:`share_coreferent_location`,
:func:`merge_anaphoric_lesions`); a size of another organ is dropped
(:func:`drop_other_organ_sizes`).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Mapping, Sequence

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.collect import predicate_start
from calcminer.nlp.pipeline.linking.model import (
    LIVER,
    Attachment,
    Mention,
    SpanIndex,
    TargetState,
    is_place,
    placing_mentions,
)
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.linking.words import (
    alternatives,
    definite_before,
    definite_subject,
    has_location,
    singular,
)
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import (
    ECHO_LABELS,
    LOCATION_LABELS,
)
from calcminer.nlp.rules.rule_values import (
    LESION_VALUES,
)


def drop_other_organ_sizes(
    cfg: LinkSettings, doc: Doc, states: Sequence[TargetState], s_mentions: Sequence[Mention]
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
        if lw[i] not in cfg.neighbours.inside_prepositions:
            continue
        i += 1
        while i < len(doc) and lw[i] in cfg.determiners:
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


def share_coreferent_location(
    cfg: LinkSettings, doc: Doc, states: Sequence[TargetState], s_mentions: Sequence[Mention]
) -> None:
    """Give a target that re-describes the previous one the previous one's location (and
    an echo's size to the calcification it is named).

    "Multiple small hepatosplenic calcifications ..., appearing as bright echogenic foci
    with acoustic shadowing, up to 5 mm": the foci are the calcifications, in the liver.
    """
    containers = SpanIndex([m for m in s_mentions if m.label == "CONTAINER"])
    for previous, st in itertools.pairwise(states):
        # "A 4.0 x 3.4 cm calcified hydatid cyst with thick peripheral wall calcification
        # is seen in segment III": the place after the wall's calcification is the cyst's.
        if (
            cfg.outline_parts.intersection(st.words)
            and containers.any_within(previous.mention.end, st.mention.start)
            and not has_location(previous)
            and has_location(st)
        ):
            previous.attachments.extend(
                Attachment(a.mention, "context", a.distance)
                for a in st.attachments
                if is_place(a.mention)
            )
    # "Probable 4 cm calcified granuloma or calcified hydatid cyst in segment VIII": two
    # names for one focus share its size and place.
    for previous, st in itertools.pairwise(states):
        if not alternatives(cfg, doc, previous.mention, st.mention):
            continue
        for giver, taker in ((st, previous), (previous, st)):
            if not has_location(taker):
                taker.attachments.extend(
                    Attachment(a.mention, "context", a.distance)
                    for a in giver.attachments
                    if is_place(a.mention)
                )
            if not any(a.mention.label == "SIZE" for a in taker.attachments):
                taker.attachments.extend(
                    Attachment(a.mention, "context", a.distance)
                    for a in giver.attachments
                    if a.mention.label == "SIZE"
                )
    corefs = SpanIndex([m for m in s_mentions if m.label == "COREF"])
    if not corefs.spans:
        return
    blockers = SpanIndex([m for m in s_mentions if m.label == "BLOCKER"])
    for previous, st in itertools.pairwise(states):
        if not corefs.any_within(previous.mention.end, st.mention.start):
            continue
        if not has_location(st) and has_location(previous):
            st.attachments.extend(
                Attachment(a.mention, "context", a.distance)
                for a in previous.attachments
                if is_place(a.mention)
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


def predicate_subjects(
    cfg: LinkSettings,
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
        if t.rule_id not in cfg.predicate_rules:
            continue
        verb = predicate_start(cfg, doc, t)
        if verb is None:
            continue
        subject = None
        for hk in range(len(heads) - 1, -1, -1):
            h = heads[hk]
            if h.end > verb:
                continue
            if h.is_target:
                break  # "a calcified granuloma and a cyst which is calcified": its own
            if h.label in cfg.predicate_subject_labels and h.value in LESION_VALUES:
                subject = hk
                break
        if subject is None:
            # "the largest (segment VII, 42 mm) is now densely calcified": the sizes that a
            # superlative subject without a noun names.
            superlative = _superlative_subject(cfg, doc, verb, heads)
            if superlative is not None and not any(
                a.mention.label == "SIZE" for a in st.attachments
            ):
                st.attachments.extend(
                    Attachment(m, "post", verb - m.end)
                    for m in s_mentions
                    if m.label == "SIZE" and superlative < m.start < verb
                )
            if (verb > 0 and lw[verb - 1] in cfg.predicate_pronouns) or (
                definite_subject(cfg, doc, verb)
            ):
                # "It is calcified.", "the scar is calcified", "The central scar is ..."
                subjectless.append(st)
                noun = lw[verb - 1]
                # The scar of a lesion is not the lesion: it keeps its own size.
                st.inner_part = noun in cfg.lesion_parts and noun not in cfg.outline_parts
            continue
        h = heads[subject]
        lent = attached.get(subject, [])
        # "The cyst wall is calcified": the wall outlines the lesion, which is the subject.
        ends_subject = h.end == verb or (h.end == verb - 1 and lw[verb - 1] in cfg.outline_parts)
        if (
            ends_subject
            and h.start > 0
            and definite_before(cfg, doc, h.start)
            and not any(a.mention.label in LOCATION_LABELS for a in lent)
        ):
            # "The lesion is coarsely calcified.", "The residual tumour is now densely
            # calcified, measuring 5.5 x 4.0 cm": the lesion named before.
            subjectless.append(st)
        if cfg.normalizer.is_plural_head([lw[h.end - 1]]):
            st.plural_container = True
        for a in lent:
            tier = "premod" if a.mention.label in {"COUNT", "QUANTIFIER"} else "container"
            st.attachments.append(Attachment(a.mention, tier, a.distance))
    return subjectless


def colon_enumeration(
    cfg: LinkSettings,
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
        if t.rule_id in cfg.predicate_rules:
            if not st.plural_container:
                continue  # "The lesion is calcified:" names no lesions one by one
        elif not (
            t.rule_id in cfg.calcified_lesion_rules
            and cfg.normalizer.is_plural_head(list(st.words))
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


def merge_anaphoric_lesions(
    cfg: LinkSettings,
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
        if first == 0 or lw[first - 1] not in cfg.anaphoric_determiners:
            continue
        if by_noun is None:
            by_noun = _states_by_noun(cfg, states)
        starts, same_noun = by_noun.get(singular(cfg, lw[h.end - 1]), ([], []))
        # The last target that ends by ``first`` (so starts before it).
        j = bisect.bisect_left(starts, first)
        match = next(
            (same_noun[i] for i in range(j - 1, -1, -1) if same_noun[i].mention.end <= first),
            None,
        )
        if match is not None:
            match.attachments.extend(Attachment(a.mention, "post", a.distance) for a in own)


def _states_by_noun(
    cfg: LinkSettings, states: Sequence[TargetState]
) -> dict[str, tuple[list[int], list[TargetState]]]:
    """The targets by the singular of their last word: their starts and them, in order."""
    out: dict[str, tuple[list[int], list[TargetState]]] = {}
    for st in states:
        starts, same_noun = out.setdefault(singular(cfg, st.words[-1]), ([], []))
        starts.append(st.mention.start)
        same_noun.append(st)
    return out


def _superlative_subject(
    cfg: LinkSettings, doc: Doc, verb: int, heads: Sequence[Mention]
) -> int | None:
    """The superlative of a subject without a noun right before a predicate's verb ("the
    largest (segment VII, 42 mm) is", "The largest, 42 mm in segment VII, is"): a definite
    determiner and a superlative, then no head, within ``max_fronted_words`` tokens."""
    lw = token_view(doc).lower
    for i in range(verb - 1, max(verb - 1 - cfg.max_fronted_words, 0), -1):
        if lw[i] in cfg.superlatives and lw[i - 1] in cfg.definite:
            if any(i < h.start < verb for h in heads):
                return None
            return i
        if doc[i].text in {".", ";"} or "\n" in doc[i].text:
            return None
    return None


def colon_lead_in(
    cfg: LinkSettings,
    doc: Doc,
    heads: Sequence[Mention],
    attached: Mapping[int, list[Attachment]],
    states: Sequence[TargetState],
) -> None:
    """Give the target of "Lesion A - segment II: densely calcified cyst, 3.0 cm" the
    location of the lesion that the lead-in before the colon names."""
    index = {id(h): k for k, h in enumerate(heads)}
    for st in states:
        if has_location(st):
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
            or st.mention.start - colon[0] > cfg.max_premod_gap
            or any(t.is_punct and t.text not in {":", "-", "\u2013", "\u2014"} for t in between)
        ):
            continue
        st.attachments.extend(
            Attachment(m, "container", 0) for m in placing_mentions(attached.get(k - 1, []))
        )
