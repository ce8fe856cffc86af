"""Clean attribute mentions before attachment.

:func:`clean_mentions` drops a mention that a suppressor covers (``SUPPRESSED_BY``: "size
not measurable"), an organ named only to be denied ("no splenic calcification"), a segment
code guarded by nearby words ("S4" in "S4 heart sound"), a lesion capsule that is not a
place, and a duct word that is a location rather than a structure ("along the intrahepatic
bile ducts").
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.model import (
    LIVER,
    Mention,
    numeral_kind,
)
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.normalize import (
    parse_digit_count,
)
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import (
    ATTRIBUTE_LABELS,
    LEFTMOST_FIRST_LABELS,
    NOT_INSIDE_TARGETS,
    SUPPRESSED_BY,
    SUPPRESSOR_LABELS,
)
from calcminer.nlp.rules.rule_values import (
    COUNT_DIGIT,
    LESION_VALUES,
    ORGAN_CAPSULE,
)


def drop_foreign_lobes(cfg: LinkSettings, doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Drop a lobe that belongs to another organ ("the right lobe of the thyroid")."""
    lw = token_view(doc).lower
    organ_starts = {m.start: m for m in mentions if m.label == "ORGAN"}
    out = []
    for m in mentions:
        if m.label == "LOBE":
            i = m.end
            if i < len(doc) and lw[i] == "of":
                i += 1
                while i < len(doc) and lw[i] in cfg.determiners:
                    i += 1
                organ = organ_starts.get(i)
                if organ is not None and organ.value != LIVER:
                    continue
        out.append(m)
    return out


def _segments_before_sizes(doc: Doc, raw: list[Mention]) -> list[Mention]:
    """Shorten a segment list whose last number starts a size: "5 mm in segment 7 and 3 mm
    in the caudate lobe" names segment 7 and a 3 mm focus, not segments 7 and 3."""
    size_starts = {m.start for m in raw if m.label == "SIZE" and m.end - m.start >= 2}
    out = []
    for m in raw:
        if m.label == "SEGMENT" and m.end - m.start >= 4 and m.end - 1 in size_starts:
            end = m.end - 2  # drop the conjunction and the number
            # "segment VI, 2 and 3 mm": an arabic number after a roman one starts the
            # sizes too.
            kinds = [numeral_kind(doc[i].text) for i in range(m.start, end)]
            first = next((k for k in kinds if k), "")
            while end - m.start >= 3 and kinds[end - m.start - 1] not in {"", first}:
                end -= 2
            m = replace(m, end=end, end_char=doc[end - 1].idx + len(doc[end - 1].text))
        out.append(m)
    return out


def clean_mentions(
    cfg: LinkSettings, doc: Doc, raw: list[Mention], targets: list[Mention]
) -> list[Mention]:
    """The attribute mentions that count, in document order.

    Of overlapping mentions of one label the longest is kept (the leftmost for
    ``LEFTMOST_FIRST_LABELS``); a mention inside a target that must not be
    (``NOT_INSIDE_TARGETS``: "with" in "calcified with peripheral ...") is dropped, as is one
    that its suppressor covers (``SUPPRESSED_BY``: "size not measurable"), an organ named only
    to be denied ("no splenic lesion"), a guarded segment code ("S4 heart sound"), a lesion's
    capsule and a duct word that is a place, not a structure.

    Args:
        cfg: The rules' settings.
        doc: The processed document.
        raw: The mentions the mention component found.
        targets: The document's targets.
    """
    # Overlap tests go through token indexes, so a report with thousands of mentions
    # stays linear.
    lw = token_view(doc).lower
    raw = _segments_before_sizes(doc, raw)
    segment_tokens = {i for m in raw if m.label == "SEGMENT" for i in range(m.start, m.end)}
    target_tokens = {i for t in targets for i in range(t.start, t.end)}
    by_label: dict[str, list[Mention]] = {}
    for m in raw:
        if m.label == "SIZE" and m.start in segment_tokens:
            continue  # "segment 7 and 1.1 cm": the 7 is a segment, not a size
        if m.label in NOT_INSIDE_TARGETS and not target_tokens.isdisjoint(range(m.start, m.end)):
            continue  # before choosing the longest: "with peripheral" loses to "with"
        by_label.setdefault(m.label, []).append(m)
    kept: list[Mention] = []
    for label, items in by_label.items():
        if label not in ATTRIBUTE_LABELS and label not in SUPPRESSOR_LABELS:
            continue
        if label in LEFTMOST_FIRST_LABELS:
            items.sort(key=lambda m: (m.start, -(m.end - m.start)))
        else:
            items.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: set[int] = set()
        for m in items:
            if taken.isdisjoint(range(m.start, m.end)):
                kept.append(m)
                taken.update(range(m.start, m.end))
    kept_at: dict[int, list[Mention]] = {}
    for m in kept:
        for i in range(m.start, m.end):
            kept_at.setdefault(i, []).append(m)

    def suppressed(m: Mention) -> bool:
        rule = SUPPRESSED_BY.get(m.label)
        if rule is None:
            return False
        labels, longer_only = rule
        return any(
            o is not m
            and o.label in labels
            and (not longer_only or (o.end - o.start) > (m.end - m.start))
            for i in range(m.start, m.end)
            for o in kept_at.get(i, ())
        )

    places = frozenset(
        i for m in kept if m.label in {"SEGMENT", "LOBE"} for i in range(m.start, m.end)
    )
    place_starts = frozenset(m.start for m in kept if m.label in {"SEGMENT", "LOBE"})
    out: list[Mention] = []
    for m in kept:
        if m.label in SUPPRESSOR_LABELS or suppressed(m):
            continue
        if (
            m.label == "BLOCKER"
            and m.end in place_starts
            and doc[m.start : m.end].text.lower() in cfg.placing_verbs
        ):
            continue  # "... deposit spans segments V/VIII": a place, not an organ's size
        if m.label == "DUCT" and not _duct_is_location(cfg, doc, m, places):
            continue
        if m.label == "SEGMENT" and _guarded_segment_code(cfg, doc, m):
            continue
        if m.label == "ORGAN" and m.value != LIVER and _denied_organ(cfg, doc, m):
            continue  # "... calcification of 11 mm without perifocal enhancing soft tissue"
        if (
            m.label == "ORGAN"
            and m.value == ORGAN_CAPSULE
            and _lesion_capsule(doc, m, [*kept, *targets])
        ):
            continue  # "a calcified capsule of the old haematoma": the lesion's, not Glisson's
        if m.label == "ORGAN" and m.end < len(doc) and lw[m.end] in cfg.organ_effect_words:
            continue  # "... coarse calcification with capsular retraction"
        if m.label == "COUNT" and m.value == COUNT_DIGIT:
            count = parse_digit_count(doc[m.start : m.end].text)
            m.value = str(count) if count is not None else None
        out.append(m)
    out.sort(key=lambda m: (m.start, m.end))
    return out


def _lesion_capsule(doc: Doc, m: Mention, mentions: Sequence[Mention]) -> bool:
    """Whether a capsule word is a lesion's ("haematoma capsule", "a calcified haematoma
    capsule", "the capsule of the old haematoma"): a lesion word or a target right before
    it, or "of" after it and one within three more words."""
    lw = token_view(doc).lower
    lesions = [
        x for x in mentions if (x.label == "BLOCKER" and x.value in LESION_VALUES) or x.is_target
    ]
    if any(x.end == m.start for x in lesions):
        return True
    if m.end >= len(doc) or lw[m.end] != "of":
        return False
    return any(m.end < x.start <= m.end + 4 for x in lesions)


def _denied_organ(cfg: LinkSettings, doc: Doc, m: Mention) -> bool:
    """Whether a negation word stands at most five tokens before an organ word ("with no
    enhancing soft tissue component", "without splenic involvement"): what is denied
    places nothing."""
    i = m.start - 1
    while i >= 0 and m.start - i <= 5:
        token = doc[i]
        if token.lower_ in cfg.negation_words:
            return True
        if not (token.is_alpha or token.text == "-"):
            return False
        i -= 1
    return False


def _guarded_segment_code(cfg: LinkSettings, doc: Doc, m: Mention) -> bool:
    """Whether an S-code is a heart sound or a vertebra ("S1 and S2 heard", "L5-S1 disc"),
    not a Couinaud segment: a guard word stands within a few tokens of it."""
    lw = token_view(doc).lower
    if m.rule_id not in cfg.segment_guard_rules:
        return False
    low = max(0, m.start - cfg.segment_guard_window)
    high = min(len(doc), m.end + cfg.segment_guard_window)
    return any(lw[i] in cfg.segment_guard_words for i in range(low, high))


def _duct_is_location(
    cfg: LinkSettings, doc: Doc, m: Mention, places: Collection[int] = frozenset()
) -> bool:
    """A duct is where the target lies: "within dilated ducts", "ducts containing ...".

    Not so in "intrahepatic ducts not dilated" next to a calcification.

    Args:
        doc: The document.
        m: The duct mention.
        places: Tokens of segment and lobe mentions, which may stand between the ducts
            and what they contain ("ducts in segments 6 and 7 containing calculi").
    """

    lw = token_view(doc).lower

    def fill(i: int) -> bool:
        if i in places:
            return True
        return (not doc[i].is_punct or doc[i].text == "-") and (lw[i] not in cfg.duct_gap_stops)

    if lw[m.start] in cfg.duct_locative:
        return True  # "intraductal calculi": the word itself says where
    k = m.start - 1
    while k >= 0 and m.start - k <= 4 and not doc[k].is_punct:
        if lw[k] in cfg.negation_words:
            return False  # "not associated with a duct", "no dilated ducts"
        k -= 1
    i = m.start - 1
    while (
        i >= 0
        and m.start - 1 - i < cfg.duct_max_gap
        and fill(i)
        and lw[i] not in cfg.duct_prepositions
    ):
        i -= 1
    if i >= 0 and lw[i] in cfg.duct_prepositions:
        # "not distributed along the course of the bile ducts": a negated place.
        k = i - 1
        while k >= 0 and i - k <= cfg.duct_max_gap and not doc[k].is_punct:
            if lw[k] in cfg.negation_words:
                return False
            k -= 1
        return True
    j = m.end
    while (
        j < len(doc)
        and j - m.end < cfg.duct_max_gap
        and fill(j)
        and lw[j] not in cfg.duct_containers
    ):
        j += 1
    if j < len(doc) and lw[j] in cfg.duct_containers:
        # "ducts with no filling defect": nothing in them.
        return not (j + 1 < len(doc) and lw[j + 1] in cfg.negation_words)
    # "The intrahepatic bile ducts of the left lobe are dilated and contain many stones",
    # "dilated bile ducts of the right posterior section (segments VI and VII) containing
    # calculi": only the words of such a clause may stand between the ducts and what they
    # contain, and the ducts are said to be dilated (before them or in the clause).
    j = m.end
    while (
        j < len(doc)
        and j - m.end < cfg.duct_max_bridge
        and (lw[j] in cfg.duct_bridge or j in places)
    ):
        j += 1
    return (
        j < len(doc)
        and lw[j] in cfg.duct_containers
        and any(
            lw[k] in cfg.duct_bridge_states
            for k in range(max(0, m.start - cfg.duct_state_before), j)
        )
    )
