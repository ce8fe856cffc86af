"""A structure that contains the calcification lends it its place, not its size.

"a 4 cm mass containing calcifications" (:func:`propagate_containers`), "ducts of segment VI
containing calculi" (:func:`take_duct_contents`), "At the site of the treated metastasis
there is calcification" (:func:`fronted_container`); :func:`without_container_size` keeps a
container's size off the calcification.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.model import (
    DUCT_PHRASE_LABELS,
    Attachment,
    HeadIndex,
    Mention,
    TargetState,
    placing_mentions,
)
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.linking.words import (
    has_location,
    is_part,
    outline_after,
    partial_before,
)
from calcminer.nlp.pipeline.normalize import (
    parse_count_value,
)
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import (
    LOCATION_LABELS,
    STONE_LABELS,
)
from calcminer.nlp.rules.rule_values import (
    LESION_VALUES,
)


def take_duct_contents(
    cfg: LinkSettings, doc: Doc, states: Sequence[TargetState], s_mentions: Sequence[Mention]
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
        c = _container_before(cfg, doc, t.start)
        if c is None:
            continue
        duct = next((d for d in reversed(ducts) if d.end <= c), None)
        if duct is None or c - duct.end > cfg.duct_max_bridge:
            continue
        if not all(
            i in place_tokens or lw[i] in cfg.duct_bridge or lw[i] in cfg.location_prepositions
            for i in range(duct.end, c)
        ):
            continue
        have = {id(a.mention) for a in st.attachments}
        for m in [duct, *places]:
            if id(m) in have:
                continue
            if m is duct or m.overlaps(duct) or m.end == duct.start or duct.end <= m.start < c:
                st.attachments.append(Attachment(m, "duct", 0))


def _container_before(cfg: LinkSettings, doc: Doc, start: int) -> int | None:
    """The container word ("containing", "with") before a target's premodifiers, if any
    ("containing multiple high-attenuation calculi")."""
    i = start - 1
    while i >= 0 and start - i <= cfg.max_premod_gap + 1:
        token = doc[i]
        if token.lower_ in cfg.duct_containers:
            return i
        if token.is_space or token.text in cfg.break_punct:
            return None
        i -= 1
    return None


def propagate_containers(
    cfg: LinkSettings,
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
    lesions = HeadIndex(
        heads,
        [h for h in heads if h.is_target or (h.label == "BLOCKER" and h.value in LESION_VALUES)],
    )
    state_starts = [st.mention.start for st in states]  # ascending, as the heads
    for cue in cues:
        hk = lesions.last_ending_by(cue.start)
        # "two of which contain": the cue "which contain" holds the pronoun.
        lead = cue.start + int(lw[cue.start] in cfg.partitive_pronouns)
        partitive = _partitive_plural(cfg, doc, lead)
        number = counts_ending.get(lead - 2) if partitive else None
        if number is not None and number >= 2:
            # "Treated metastases: three of them show coarse calcification": one focus
            # in each of three.
            j = bisect.bisect_left(state_starts, cue.end)
            if j < len(states) and state_starts[j] - cue.end <= cfg.max_premod_gap:
                states[j].partitive_count = number
        if hk is None and partitive:
            # "Several of them contain calcification": foci in several lesions.
            j = bisect.bisect_left(state_starts, cue.end)
            if j < len(states) and state_starts[j] - cue.end <= cfg.max_premod_gap:
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
            and not is_part(cfg, doc, inside.mention)
        ):
            # "a cyst with daughter cysts and two calcified cysts": not inside it (but
            # "... with daughter cysts and few specks of calcification in the wall" is).
            continue
        named_outline = False
        if state_starts[j] - cue.end > cfg.max_premod_gap:
            named_outline = _outline_named(cfg, doc, cue.end, inside.mention.start, coref)
            if not named_outline and not _listed_contents(cfg, doc, cue.end, inside.mention.start):
                continue
        morphology = {
            a.mention.value for a in inside.attachments if a.mention.label == "MORPHOLOGY"
        }
        # "a 52 mm cystic lesion with a partly calcified wall": the calcified outline is
        # the lesion's, so its size is the calcification's.
        identity = (
            container.value in cfg.identity_containers
            or lw[container.end - 1] in cfg.identity_container_nouns
        ) and bool(
            named_outline
            # "with multiple peripheral microcalcifications": foci at its edge, no rim.
            or (
                morphology & cfg.identity_morphology
                and not cfg.normalizer.is_plural_head(inside.words)
                and not partial_before(cfg, doc, inside.mention.start)
            )
            or cfg.outline_parts.intersection(inside.words)
            # "a rounded lesion of 48 x 41 mm ..., with complete calcification of its wall"
            or outline_after(cfg, doc, inside.mention.end, inside.mention.start)
        )
        if cfg.normalizer.is_plural_head([lw[container.end - 1]]):
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
        if not placed and not has_location(inside):
            # "9.5 cm mass in the right lobe (segments VI/VII) ..., typical of a giant
            # hemangioma, and with a dense central calcification": the container names
            # the lesion again; the place is the one an earlier lesion of the sentence has.
            for k in range(hk - 1, -1, -1):
                h = heads[k]
                if h.is_target:
                    break
                if h.label != "BLOCKER" or h.value not in LESION_VALUES:
                    continue
                earlier = placing_mentions(attached.get(k, []))
                if earlier:
                    inside.attachments.extend(Attachment(m, "container", 0) for m in earlier)
                    break


def fronted_container(
    cfg: LinkSettings,
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
    opener = _fronted_opener(cfg, doc, first)
    if opener is None and first_word in cfg.neighbours.inside_prepositions:
        # "In segment VIII, at the site of the previous abscess, there is ...": a place
        # before the opener, which the lesion takes.
        comma = next(
            (i for i in range(first + 1, min(first + 8, len(doc))) if doc[i].text == ","),
            None,
        )
        if comma is not None and not any(first < h.start < comma for h in heads):
            opener = _fronted_opener(cfg, doc, comma + 1)
            if opener is not None:
                first = comma + 1
    if opener is not None:
        first += len(opener) - 1
    elif first_word not in cfg.neighbours.inside_prepositions:
        return
    hk = next((k for k, h in enumerate(heads) if h.start > first), None)
    if hk is None or heads[hk].start - first > cfg.max_premod_gap:
        return
    lesion = heads[hk]
    if lesion.is_target or lesion.label != "BLOCKER" or lesion.value not in LESION_VALUES:
        return
    lent = placing_mentions(attached.get(hk, []))
    for st in states:
        if st.mention.start > lesion.end and not has_location(st):
            st.attachments.extend(Attachment(m, "container", 0) for m in lent)


def _fronted_opener(cfg: LinkSettings, doc: Doc, first: int) -> tuple[str, ...] | None:
    """The opener phrase ("at the site of", "within") that starts at token ``first``."""
    lw = token_view(doc).lower
    if first >= len(doc):
        return None
    # An opener's words are compared only where the sentence starts with its first word.
    firsts = cfg.fronted_opener_firsts
    if firsts is not None and lw[first] not in firsts:
        return None
    return next(
        (p for p in cfg.fronted_openers if tuple(lw[first : first + len(p)]) == p),
        None,
    )


def _listed_contents(cfg: LinkSettings, doc: Doc, start: int, target_start: int) -> bool:
    """Whether a target is an item of a list of what a lesion contains ("a mass ...
    containing macroscopic fat, cystic components and a single coarse, tooth-like
    calcification"): only words, commas, hyphens and conjunctions stand between the
    cue and the target, with a conjunction or comma among them."""
    if target_start - start > 3 * cfg.max_premod_gap:
        return False
    between = doc[start:target_start]
    return all(t.is_alpha or t.text in {",", "-"} for t in between) and any(
        t.lower_ in {"and", ","} for t in between
    )


def _partitive_plural(cfg: LinkSettings, doc: Doc, end: int) -> bool:
    """Whether ``doc[:end]`` ends with "of them", "of these", "of which" (after a
    quantifier: "Several of them contain calcification")."""
    lw = token_view(doc).lower
    return (
        end >= 3
        and lw[end - 1] in cfg.partitive_pronouns
        and lw[end - 2] == "of"
        and doc[end - 3].is_alpha
    )


def without_container_size(
    cfg: LinkSettings,
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
    if cfg.outline_parts.intersection(st.words) or outline_after(cfg, doc, t.end, t.start):
        return list(attachments)
    i = t.start - 1
    while i >= 0 and t.start - i <= cfg.max_premod_gap + 1 and doc[i].is_alpha:
        if lw[i] in cfg.host_joiners and i not in cue_tokens:
            return [a for a in attachments if not (a.tier == "fronted" and a.mention.end <= i)]
        i -= 1
    return list(attachments)


def _outline_named(
    cfg: LinkSettings, doc: Doc, start: int, target_start: int, coref: Sequence[int]
) -> bool:
    """Whether a lesion's outline right after ``start`` is what an identity cue then names
    the target ("a 4.5 cm cyst with a thick low signal wall, in keeping with dense
    calcification"): an outline word within the premodifier gap, a cue after it."""
    lw = token_view(doc).lower
    for i in range(start, min(start + cfg.max_premod_gap + 1, target_start)):
        if lw[i] in cfg.outline_parts:
            k = bisect.bisect_right(coref, i)
            return k < len(coref) and coref[k] < target_start
    return False
