"""A lesion named as the calcification's host or identity.

"a calcified cyst with a 2 mm mural focus" (:func:`host_contents`), "a 2 cm lesion in
segment 4, a calcified granuloma" (:func:`identified_lesion`): the host lends its place
(:func:`lent_by_host`), and a size goes to what it measures.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.model import (
    LIVER,
    Attachment,
    Mention,
    TargetState,
    placing_mentions,
)
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.linking.words import has_location, word_before_determiners
from calcminer.nlp.pipeline.records import FindingRecord
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import (
    LOCATION_LABELS,
)
from calcminer.nlp.rules.rule_values import (
    BLOCKER_STRUCTURE,
    LESION_VALUES,
)


def lent_by_host(
    cfg: LinkSettings,
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
        if has_location(st):
            continue
        t = st.mention
        j = bisect.bisect_left(starts, t.end)
        if j >= len(starts):
            continue
        hk = by_start[starts[j]]
        h = heads[hk]
        if h.is_target or h.label != "BLOCKER" or h.value not in LESION_VALUES:
            continue
        if h.start - t.end > cfg.max_post_distance:
            continue
        # "within the treated lesions": an inside preposition, determiners, and at most
        # two modifiers before the lesion.
        i = word_before_determiners(cfg, doc, h.start)
        skipped = 0
        while (
            i > t.end
            and skipped < 2
            and lw[i] not in cfg.break_words
            and lw[i] not in cfg.neighbours.inside_prepositions
        ):
            i = word_before_determiners(cfg, doc, i)
            skipped += 1
        # "Interval calcification of both liver metastases": what the calcification is of.
        of_host = i == t.end and lw[i] == "of" and t.label == "CALCIFICATION"
        inside = lw[i] in cfg.neighbours.inside_prepositions
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
        lent = placing_mentions(attached.get(hk, []))
        if lent:
            st.attachments.extend(Attachment(m, "container", 0) for m in lent)
            st.in_lesion = True


def identified_lesion(
    cfg: LinkSettings,
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
    cues = sorted((m for m in s_mentions if m.label == "COREF"), key=lambda c: (c.end, -c.start))
    if not cues:
        return
    cue_ends = [c.end for c in cues]
    head_starts = [h.start for h in heads]
    for st in states:
        sized = any(a.mention.label == "SIZE" for a in st.attachments)
        if sized and has_location(st):
            continue
        t = st.mention
        j = bisect.bisect_right(cue_ends, t.start) - 1
        if j < 0 or t.start - cues[j].end > cfg.max_identity_gap:
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
            _identified_focus(cfg, st, heads, s_mentions, cues[0], sized)
            continue
        lesion = heads[k]
        if (
            lesion.is_target
            and k > 0
            and t.rule_id in cfg.host_rules
            and _contents_of(cfg, doc, heads[k - 1], lesion)
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
        whole = not sized and not _names_contents(cfg, doc, lesion.end, cue.start)
        lent = [
            a
            for a in own
            if (a.mention.label == "SIZE" and whole)
            or (
                a.mention.label in LOCATION_LABELS
                and not a.mention.proximal
                and not has_location(st)
            )
        ]
        st.attachments.extend(Attachment(a.mention, "container", a.distance) for a in lent)


def host_contents(
    cfg: LinkSettings, doc: Doc, records: Sequence[FindingRecord], states: Sequence[TargetState]
) -> None:
    """Make calcifications a calcified lesion contains part of it ("calcified lesion with
    coarse calcifications measuring 3.2 x 2.5 cm"): they take the lesion's organ and add
    no count, so the group stays the one lesion (see calcified_host_contents)."""
    for k in range(1, len(states)):
        host, inner = states[k - 1].mention, states[k].mention
        if host.rule_id not in cfg.host_rules or inner.rule_id not in cfg.host_content_rules:
            continue
        between = doc[host.end : inner.start]
        if (
            not len(between)
            or between[0].lower_ not in cfg.host_joiners
            or len(between) - 1 > cfg.max_host_words
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


def _contents_of(cfg: LinkSettings, doc: Doc, host: Mention, inner: Mention) -> bool:
    """Whether ``inner`` is what the lesion ``host`` is said to hold: a joiner ("with",
    "containing") after the host and only words and commas up to ``inner``."""
    if host.is_target or host.label != "BLOCKER" or host.value not in LESION_VALUES:
        return False
    between = doc[host.end : inner.start]
    joiners = [k for k, t in enumerate(between) if t.lower_ in cfg.host_joiners]
    return bool(joiners) and all(t.is_alpha or t.text == "," for t in between[joiners[0] :])


def _names_contents(cfg: LinkSettings, doc: Doc, lesion_end: int, cue_start: int) -> bool:
    """Whether an identity cue follows a lesion's contents rather than the lesion: a
    joiner ("with", "containing") after the lesion and a content noun or lesion part
    ("areas", "components", "wall") right before the cue, a comma aside."""
    lw = token_view(doc).lower
    i = cue_start - 1
    if i > lesion_end and doc[i].text == ",":
        i -= 1
    if i < lesion_end or lw[i] not in cfg.content_nouns:
        return False
    return any(lw[j] in cfg.contents_joiners for j in range(lesion_end, i))


def _identified_focus(
    cfg: LinkSettings,
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
        or (m.label in {"SEGMENT", "LOBE"} and not has_location(st))
    ]
    st.attachments.extend(Attachment(m, "container", 0) for m in lent)
