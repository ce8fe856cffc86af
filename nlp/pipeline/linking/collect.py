"""Collect a Doc's targets and attribute mentions (the first linking step).

:func:`find_mentions` reads the target and mention span groups and returns targets and
attribute mentions in document order, without the mentions that must not count: a rule
whose requirement is not met ("calcific density" needs a density at or above
``min_calcific_density_hu``), a mimic that a calcification shadows ("echogenic focus with
acoustic shadowing"), a duct calibre that is too large to be a stone's size.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Mapping, Sequence

from spacy.tokens import Doc, Span

from calcminer.nlp.pipeline.extensions import (
    MENTION_SPAN_KEY,
    TARGET_SPAN_KEY,
)
from calcminer.nlp.pipeline.linking.clean import clean_mentions, drop_foreign_lobes
from calcminer.nlp.pipeline.linking.model import (
    LIVER,
    Mention,
    SpanIndex,
    labels_by_sentence,
    mentions_by_sentence,
)
from calcminer.nlp.pipeline.linking.organ import mark_proximal, organs_as_locations
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.linking.tables import whole_cell
from calcminer.nlp.pipeline.linking.words import opens_on_refer_back, words_between
from calcminer.nlp.pipeline.neighbours import CONTINUATION_WORDS
from calcminer.nlp.pipeline.records import Sentence
from calcminer.nlp.pipeline.sections import LINE_BREAKS
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import (
    ECHO_LABELS,
    SHADOW_OWNER_LABELS,
)
from calcminer.nlp.rules.rule_values import (
    BLOCKER_STRUCTURE,
)


def find_mentions(
    cfg: LinkSettings, doc: Doc, sentences: Sequence[Sentence]
) -> tuple[list[Mention], list[Mention]]:
    """Return targets and cleaned attribute mentions, in document order."""
    lw = token_view(doc).lower
    starts = [row.start for row in sentences]

    def sent_of(token: int) -> int:
        """The index of the sentence that holds ``token``."""
        return max(bisect.bisect_right(starts, token) - 1, 0)

    def make(span: Span, is_target: bool) -> Mention:
        return Mention(
            start=span.start,
            end=span.end,
            label=span.label_,
            rule_id=span.id_,
            value=cfg.patterns.rule_value(span.id_),
            sent=sent_of(span.start),
            start_char=span.start_char,
            end_char=span.end_char,
            is_target=is_target,
        )

    targets = [make(s, True) for s in doc.spans.get(TARGET_SPAN_KEY, [])]
    # A bare "calcified" is a predicate only after a verb ("... is densely calcified").
    targets = [
        t
        for t in targets
        if t.rule_id not in cfg.predicate_rules
        or predicate_start(cfg, doc, t) is not None
        or whole_cell(cfg, doc, t)
    ]
    # A target never crosses a sentence boundary.
    targets = [t for t in targets if sent_of(t.end - 1) == t.sent]
    raw = [make(s, False) for s in doc.spans.get(MENTION_SPAN_KEY, [])]
    # "CT value about 280 HU": an attenuation is calcific only from the configured value.
    raw = [m for m in raw if m.label != "DENSITY" or _calcific_density(cfg, doc, m)]
    # "a large stone in the left lateral segment duct measuring 3.2 cm": no duct is that wide.
    raw = _without_implausible_calibres(cfg, doc, raw)
    # "There is a 1.1 cm focus": an existential copula names nothing again.
    raw = [
        m
        for m in raw
        if m.label != "COREF"
        or m.rule_id not in cfg.copula_cue_rules
        or m.start == 0
        or lw[m.start - 1] not in cfg.copula_cue_blockers
    ]
    # "...; none larger than 5 mm": a comparative after a bound word is the foci's own size.
    raw = [
        m
        for m in raw
        if m.label != "PRIOR_CUE" or m.start == 0 or lw[m.start - 1] not in cfg.size_bound_words
    ]
    no_shadow = [m for m in raw if m.label == "NO_SHADOW"]
    targets = [
        t
        for t in targets
        if t.label not in ECHO_LABELS or not any(t.overlaps(n) for n in no_shadow)
    ]
    mentions = clean_mentions(cfg, doc, raw, targets)
    labels = labels_by_sentence(mentions)
    shadows: dict[int, SpanIndex] = {}
    by_start = SpanIndex([])
    if any(t.label in ECHO_LABELS for t in targets):
        by_sentence = mentions_by_sentence([m for m in mentions if m.label == "SHADOW"])
        shadows = {k: SpanIndex(items) for k, items in by_sentence.items()}
        by_start = SpanIndex(targets)
    # An echogenic focus whose shadow is in the next sentence of its line ("Two echogenic
    # foci in segments V and VI. They cast posterior acoustic shadows.").
    shadowed = frozenset(
        t.start
        for t in targets
        if t.label in ECHO_LABELS
        and _shadow_in_next_sentence(cfg, t, shadows, by_start, doc, sentences)
    )
    referring = _referring_back_in_line(cfg, doc, targets, sentences)
    kept = [
        t
        for t in targets
        if (
            t.label != "ECHO_CANDIDATE"
            or t.start in shadowed
            or _shadowed(cfg, t, shadows, by_start, doc)
        )
        and _requirements_met(cfg, t, labels, shadowed, referring)
    ]
    if len(kept) < len(targets):
        # A dropped candidate ("a hyperechoic mass" without a shadow) no longer hides the
        # structure words inside it: "mass" is a head again and keeps its own size.
        targets = kept
        mentions = clean_mentions(cfg, doc, raw, targets)
        labels = labels_by_sentence(mentions)
        targets = [t for t in targets if _requirements_met(cfg, t, labels, shadowed, referring)]
    mentions = drop_foreign_lobes(cfg, doc, mentions)
    location_organs = organs_as_locations(cfg, doc, mentions)
    mark_proximal(cfg, doc, mentions)
    target_starts = frozenset(t.start for t in targets)
    for m in mentions:
        if m.label == "BLOCKER" and m.value == BLOCKER_STRUCTURE and m.end in target_starts:
            continue  # "high-attenuation calculi", "low signal calculi": a modifier
        if m.label == "BLOCKER" or (
            m.label == "ORGAN" and m.value != LIVER and id(m) not in location_organs
        ):
            m.is_head = True
    for t in targets:
        t.is_head = True
    return targets, mentions


def _shadow_in_next_sentence(
    cfg: LinkSettings,
    candidate: Mention,
    shadows: Mapping[int, SpanIndex],
    targets: SpanIndex,
    doc: Doc,
    sentences: Sequence[Sentence],
) -> bool:
    """Whether an echogenic focus, the last target of its sentence, has its shadow in the
    next sentence of the same line when that one speaks of the same foci."""
    lw = token_view(doc).lower
    k = candidate.sent + 1
    index = shadows.get(k)
    if index is None or k >= len(sentences):
        return False
    later = targets.first_starting_at(candidate.end)
    if later is not None and later.sent == candidate.sent:
        return False  # a later target of the sentence is nearer the next sentence
    start, end = sentences[k].start, sentences[k].end
    if "\n" in doc[candidate.end - 1 : start].text_with_ws:
        return False  # the prefilter reads a rule and what it requires in one line
    words = words_between(doc, start, end, CONTINUATION_WORDS)
    if cfg.neighbours.continuation_kind(words) != "same_foci":
        return False
    m = index.first_starting_at(start)
    if m is None:
        return False
    # "It contains scattered calcifications casting acoustic shadows": theirs (a stone
    # candidate such as the verb "cast" is no calcification of its own).
    if any(t.label in SHADOW_OWNER_LABELS for t in targets.starting_between(start, m.start)):
        return False
    return (
        m.start - start <= cfg.max_post_distance
        # "They do not cast acoustic shadows."
        and not any(lw[i] in cfg.negation_words for i in range(start, m.start))
    )


def _calcific_density(cfg: LinkSettings, doc: Doc, m: Mention) -> bool:
    """Whether a CT attenuation ("280 HU", "320HU", "~900 HU", "300-400 HU": its lower
    end) reaches ``density.min_calcific_density_hu``."""
    # "(~900 HU)": an approximate value.
    digits = "".join(itertools.takewhile(str.isdigit, doc[m.start].text.lstrip("~")))
    return bool(digits) and int(digits) >= cfg.min_calcific_density_hu


def _requirements_met(
    cfg: LinkSettings,
    target: Mention,
    labels: Mapping[int, set[str]],
    shadowed: frozenset[int] = frozenset(),
    referring: frozenset[int] = frozenset(),
) -> bool:
    """Whether the sentence has every mention label the target's rule ``requires``.

    Args:
        target: The target.
        labels: The labels of the mentions of each sentence.
        shadowed: Starts of echogenic foci whose shadow is in the next sentence.
        referring: Starts of targets whose sentence refers back to the one before it.
    """
    required = cfg.requires.get(target.rule_id, ())
    if not required:
        return True
    present = labels.get(target.sent, set())
    if target.start in shadowed:
        present = present | {"SHADOW"}
    if target.start in referring:
        # "... typical of a haemangioma. It contains a 4 mm phlebolith": the lesion the
        # sentence refers back to is in the sentence before, on the same line.
        present = present | labels.get(target.sent - 1, set())
    return all(label in present for label in required)


def _referring_back_in_line(
    cfg: LinkSettings,
    doc: Doc,
    targets: Sequence[Mention],
    sentences: Sequence[Sentence],
) -> frozenset[int]:
    """Starts of targets with a requirement whose sentence refers back to the sentence
    before it on its line: it opens on a refer-back word ("It contains ...") or holds an
    inside phrase before the target ("A 5 mm signal void within it ...")."""
    lw = token_view(doc).lower
    found = set()
    for t in targets:
        if not cfg.requires.get(t.rule_id) or t.sent == 0:
            continue
        start = sentences[t.sent].start
        previous_end = sentences[t.sent - 1].end
        between = doc[max(previous_end - 1, 0) : start].text_with_ws
        if any(c in between for c in LINE_BREAKS):
            continue  # the prefilter reads a rule and what it requires in one line
        if opens_on_refer_back(cfg, doc, sentences[t.sent]) or any(
            lw[i] in cfg.neighbours.inside_prepositions
            and lw[i + 1] in cfg.neighbours.inside_pronouns
            for i in range(start, t.start - 1)
        ):
            found.add(t.start)
    return frozenset(found)


def _shadowed(
    cfg: LinkSettings,
    candidate: Mention,
    shadows: Mapping[int, SpanIndex],
    targets: SpanIndex,
    doc: Doc,
    appositive: bool = False,
) -> bool:
    """Whether an echogenic focus is followed by its own acoustic shadow in the sentence.

    Args:
        candidate: The echogenic focus.
        shadows: The shadow mentions of each sentence.
        targets: All targets.
        doc: The document.
        appositive: Whether ``candidate`` is a further description of an earlier focus.
    """
    index = shadows.get(candidate.sent)
    m = index.first_starting_at(candidate.end) if index is not None else None
    # A shadow after (or inside) another target ("a lesion containing a calcification with
    # shadowing") is that target's.
    if (
        m is not None
        and m.start - candidate.end <= cfg.max_post_distance
        and not any(
            t is not candidate for t in targets.starting_between(candidate.end, m.start + 1)
        )
        # "a hyperechoic lesion containing a punctate shadowing phlebolith": the shadow
        # describes the target it stands before.
        and not any(t is not candidate for t in targets.starting_between(m.end, m.end + 1))
    ):
        return True
    if appositive:
        return False
    # "a strong echo mass about 4.0 x 3.2 cm is seen, arc-shaped strong echo at the front
    # edge, with wide acoustic shadow behind": a further description of the same mass
    # after a comma, with no determiner of its own, shares its shadow.
    b = targets.first_starting_at(candidate.end)
    if b is None or b.sent != candidate.sent or b.label not in ECHO_LABELS:
        return False
    if b.start - candidate.end > cfg.max_post_distance:
        return False
    between = [doc[i] for i in range(candidate.end, b.start)]
    commas = [k for k, t in enumerate(between) if t.text == ","]
    # Its own phrase, after the last comma, has no determiner ("..., with arc-shaped
    # strong echo at its edge"); a location before that comma may ("in the left lobe").
    if (
        commas
        and not any(t.lower_ in cfg.determiners for t in between[commas[-1] :])
        and not any(t.is_punct and t.text not in {",", "-"} for t in between)
    ):
        return _shadowed(cfg, b, shadows, targets, doc, appositive=True)
    return False


def predicate_start(cfg: LinkSettings, doc: Doc, t: Mention) -> int | None:
    """The first verb of a predicate ("... *is* densely calcified"): one or two verbs, then
    adverbs, right before the target; None when there is none (an attributive
    "calcified" is no predicate)."""
    lw = token_view(doc).lower
    i = t.start - 1
    while i >= 0 and lw[i] in cfg.predicate_adverbs:
        i -= 1
    if (
        i >= 0
        and doc[i].text == ","
        and any(lw[j] in cfg.predicate_comparatives for j in range(i + 1, t.start))
    ):
        return None  # "..., more calcified than before": a comparison, no appositive
    verbs = 0
    while i >= 0 and verbs < 2 and lw[i] in cfg.predicate_verbs:
        i -= 1
        verbs += 1
    if not verbs:
        # "Segment VIII lesion - now densely calcified": a word that is both (now) is
        # the verb when no other stands there.
        j = t.start - 1
        while j >= 0 and lw[j] in cfg.predicate_adverbs:
            if lw[j] in cfg.predicate_verbs:
                return i + 1
            j -= 1
    return i + 1 if verbs else None


def _without_implausible_calibres(cfg: LinkSettings, doc: Doc, raw: list[Mention]) -> list[Mention]:
    """Drop a duct calibre blocker ("duct measuring") whose size is wider than any duct
    (``max_duct_calibre_mm``): the size is what the duct holds."""
    if not any(m.rule_id in cfg.duct_calibre_rules for m in raw):
        return raw
    sizes = {m.start: m for m in raw if m.label == "SIZE"}
    dropped: set[int] = set()
    for m in raw:
        if m.rule_id not in cfg.duct_calibre_rules:
            continue
        size = sizes.get(m.end) or sizes.get(m.end + 1)
        if size is None:
            continue
        value = cfg.normalizer.parse_size_mm(doc[size.start : size.end].text)
        if value is not None and value > cfg.max_duct_calibre_mm:
            dropped.add(id(m))
    return [m for m in raw if id(m) not in dropped] if dropped else raw
