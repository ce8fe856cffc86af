"""Which organ a finding belongs to.

:func:`resolve_organ` decides between the sentence's organs, the section heading and the
line's topic ("Spleen: calcified granuloma" is the spleen's, "Liver: calcified granuloma"
the liver's); :func:`organs_as_locations` tells an organ that is a place ("in the liver and
spleen") from one that is a head; :func:`mark_proximal` marks a neighbour ("adjacent to
the portal vein") so that it does not place the finding.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.model import (
    LIVER,
    TIER_RANK,
    VESSEL,
    Mention,
    TargetState,
    before_parenthesis,
)
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.linking.words import word_before_determiners, words_between
from calcminer.nlp.pipeline.records import Sentence
from calcminer.nlp.pipeline.sections import PLACEHOLDER
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.rule_values import (
    DUCT_INTRAHEPATIC,
    LOBE_CAUDATE,
    LOBED_ORGANS,
)


def mark_proximal(cfg: LinkSettings, doc: Doc, mentions: Sequence[Mention]) -> None:
    """Flag organ/location mentions introduced by a proximity word ("adjacent to the")."""
    lw = token_view(doc).lower
    for m in mentions:
        if m.label not in {"ORGAN", "LOBE", "SEGMENT", "BLOCKER", "MIMIC"}:
            continue
        i = m.start - 1
        while i >= 0 and (lw[i] in cfg.determiners or lw[i] in cfg.side_words):
            i -= 1
        after_to = i >= 0 and lw[i] == "to"
        if after_to:
            i -= 1
        word = lw[i] if i >= 0 else ""
        # "posterior to the right lobe" is beside it; "the posterior right lobe" is in it.
        m.proximal = word in cfg.proximity_words and (
            after_to or word not in cfg.proximity_words_needing_to
        )


def organs_as_locations(cfg: LinkSettings, doc: Doc, mentions: Sequence[Mention]) -> set[int]:
    """Ids of organ mentions that are a location ("in the liver and spleen"), not a head."""
    lw = token_view(doc).lower
    organ_ends = {m.end: m for m in mentions if m.label == "ORGAN"}
    place_ends = {m.end: m for m in mentions if m.label in {"LOBE", "SEGMENT"}}
    located: set[int] = set()
    for m in mentions:
        if m.label != "ORGAN":
            continue
        i = word_before_determiners(cfg, doc, m.start)
        if i < 0:
            continue
        word = lw[i]
        if word in cfg.location_prepositions:
            located.add(id(m))
        elif word in {"and", "or", ",", "&"}:
            j = i
            while j > 0 and lw[j - 1] in cfg.determiners:
                j -= 1
            # "of the liver (segment VI, 5.5 cm) and spleen": skip the liver's parenthesis.
            j = before_parenthesis(doc, j)
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


def line_topics(
    cfg: LinkSettings,
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
        words = words_between(doc, start, end, 3 + cfg.max_topic_modifiers)
        if words[:1] == (PLACEHOLDER,):
            topic = ("", True)
            continue
        organ = _topic_organ(cfg, words) or _segment_heading(cfg, doc, start, mentions_of, k)
        if organ:
            topic = (organ, False)
    return out


def _segment_heading(
    cfg: LinkSettings, doc: Doc, start: int, mentions_of: Mapping[int, Sequence[Mention]], k: int
) -> str:
    """LIVER when sentence ``k`` opens (a list marker aside) on a Couinaud segment and a
    colon ("- Segment VIII: 5.2 cm, ..."), else ""."""
    first = start
    while first < len(doc) and (
        doc[first].is_space or doc[first].text in cfg.neighbours.list_bullets
    ):
        first += 1
    for m in mentions_of.get(k, []):
        if m.label == "SEGMENT" and m.start == first:
            return LIVER if m.end < len(doc) and doc[m.end].text == ":" else ""
    return ""


def _topic_organ(cfg: LinkSettings, words: Sequence[str]) -> str:
    """The organ a sentence opens on as its subject (its first words), or ""."""
    i = int(bool(words) and words[0] in cfg.topic_determiners)
    organ = cfg.topic_nouns.get(words[i]) if i < len(words) else None
    if organ is None:
        return ""
    i += 1
    first_modifier = i
    while (
        i < len(words)
        and words[i] in cfg.topic_modifiers
        and i - first_modifier < cfg.max_topic_modifiers
    ):
        i += 1
    return organ if i < len(words) and words[i] in cfg.topic_verbs else ""


def resolve_organ(
    cfg: LinkSettings, st: TargetState, organ_sections: str, ambiguous_lobes: bool
) -> tuple[str, tuple[str, ...]]:
    """The organ of a target and the other organs that share it, from what it attached.

    Each organ word, segment, lobe or intrahepatic duct attached to the target is evidence
    for an organ (segments, lobes and ducts for the liver), ranked by its tier
    (``TIER_RANK``): the best-ranked evidence wins, and among equals the nearest. A
    neighbour ("adjacent to the gallbladder") is no evidence; an organ coordinated with the
    liver ("the liver and spleen both contain ...") shares the finding. Without evidence the
    section's organs decide ("Spleen:" heading), else "unknown". Lobes are no evidence for
    the liver when another lobed organ is in view (``ambiguous_lobes``, or a section of a
    lobed organ such as the thyroid).

    Args:
        cfg: The rules' settings.
        st: The target with its attachments.
        organ_sections: The sentence's section organs, joined by "|" ("" when none).
        ambiguous_lobes: Whether the report names another lobed organ and not the liver.

    Returns:
        ``(organ, other organs)``, for example ``("liver", ("spleen",))``.
    """
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
            if m.rule_id in cfg.shared_organs:
                # "hepatosplenic granulomas": the spleen shares them, as coordinated.
                evidence.append((rank, a.distance, cfg.shared_organs[m.rule_id]))
                coordinated.append(cfg.shared_organs[m.rule_id])
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
