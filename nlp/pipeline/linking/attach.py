"""Attach each attribute mention to one head of its sentence.

:func:`attach` implements the tiers of the package docstring: *internal* ("rim-calcified"),
*premod* ("a 3 mm calcified focus"), *post* ("calcification ..., the largest 8 mm") and
*fronted* ("In segment VIII there is ..."). :func:`choose_head` picks the head for one
mention, with the noun-phrase gap test :func:`is_np_gap` and the identity cues ("a focus,
consistent with a granuloma") that make two heads one.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Mapping, Sequence

from spacy.tokens import Doc

from calcminer.nlp.pipeline.linking.model import (
    POST_COUNT_VALUES,
    Attachment,
    HeadIndex,
    Mention,
)
from calcminer.nlp.pipeline.linking.settings import LinkSettings
from calcminer.nlp.pipeline.linking.words import word_before_determiners
from calcminer.nlp.pipeline.token_view import token_view
from calcminer.nlp.rules.labels import (
    ATTACHED_LABELS,
    FRONTED_LABELS,
    IDENTITY_BEFORE_CUE_LABELS,
    IDENTITY_POST_LABELS,
    POST_LABELS,
    PREMOD_LABELS,
)
from calcminer.nlp.rules.rule_values import (
    BLOCKER_STRUCTURE,
    DIFFUSE_THROUGHOUT,
    LESION_VALUES,
)


def _is_np_gap(
    cfg: LinkSettings,
    doc: Doc,
    start: int,
    end: int,
    organ_tokens: set[int],
    breaks: Collection[int] = frozenset(),
) -> bool:
    """Whether tokens [start, end) can sit inside one noun phrase (no break word or head;
    no clause break of run-on dictation, see :meth:`_run_on_breaks`)."""
    lw = token_view(doc).lower
    if end - start > cfg.max_premod_gap:
        return False
    for i in range(start, end):
        tok = doc[i]
        if i in organ_tokens:
            continue
        if i in breaks:
            return False
        if tok.text in cfg.break_punct or tok.lower_ in cfg.break_words:
            # "hepatic and splenic calcifications": a conjunction between organ words.
            if tok.lower_ in {"and", ","} and i - 1 in organ_tokens and i + 1 in organ_tokens:
                continue
            # "a 30 mm densely and homogeneously calcified nodule": two adverbs.
            if (
                tok.lower_ in {"and", "or"}
                and start < i
                and i + 1 < len(doc)
                and lw[i - 1].endswith("ly")
                and lw[i + 1].endswith("ly")
                and doc[i - 1].is_alpha
                and doc[i + 1].is_alpha
            ):
                continue
            # "a 4.5 cm collapsed, flattened cyst": a comma between two adjectives.
            if (
                tok.text == ","
                and start < i < end - 1
                and doc[i - 1].is_alpha
                and doc[i + 1].is_alpha
                and lw[i + 1] not in cfg.break_words
            ):
                continue
            return False
    return True


def attach(
    cfg: LinkSettings, doc: Doc, heads: Sequence[Mention], mentions: Sequence[Mention]
) -> dict[int, list[Attachment]]:
    """Attach each mention of one sentence to one head; returns head index -> attachments.

    Args:
        doc: The processed document.
        heads: The sentence's heads in document order (sorted by start, then end).
        mentions: The sentence's attribute mentions.
    """
    organ_tokens = {i for m in mentions if m.label == "ORGAN" for i in range(m.start, m.end)}
    # Organs named as the subject of a measurement, not as a place ("in the liver
    # measuring 6 mm", "seg 6 liver approx 4 cm" are a lesion's sizes).
    placed = {i for m in mentions if m.label in {"SEGMENT", "LOBE"} for i in (m.end - 1,)}
    placed |= {h.end - 1 for h in heads if h.is_target}
    organ_ends = {
        m.end: m.value or ""
        for m in mentions
        if m.label == "ORGAN" and not _placed(cfg, doc, m, placed)
    }
    identity_cues = sorted(m.start for m in mentions if m.label == "COREF")
    # A neighbour ("adjacent to the portal vein (9 mm)") owns its size, nothing else.
    every_head = HeadIndex(heads, heads)
    not_proximal = [h for h in heads if not h.proximal]
    plain_heads = every_head if len(not_proximal) == len(heads) else HeadIndex(heads, not_proximal)
    breaks = _run_on_breaks(cfg, doc, heads, mentions)
    out: dict[int, list[Attachment]] = {}
    for m in mentions:
        if m.label not in ATTACHED_LABELS:
            continue
        usable = every_head if m.label == "SIZE" else plain_heads
        if m.label == "SIZE" and _measures_organ(cfg, doc, m, organ_ends, usable):
            continue  # "spleen 12 cm ... hepatolithiasis": the spleen's length
        choice = _choose_head(cfg, doc, m, usable, organ_tokens, identity_cues, breaks)
        if choice is not None:
            k, tier, distance = choice
            out.setdefault(k, []).append(Attachment(m, tier, distance))
    return out


def _run_on_breaks(
    cfg: LinkSettings, doc: Doc, heads: Sequence[Mention], mentions: Sequence[Mention]
) -> frozenset[int]:
    """The double spaces (space tokens) that end clauses of run-on dictation in the
    sentence of the heads and mentions: none when it has fewer than
    ``min_run_on_double_spaces`` (a lone one is noise, such as a NUL turned into a space)."""
    spans = [*heads, *mentions]
    if not spans:
        return frozenset()
    sentence = doc[min(m.start for m in spans)].sent
    space = token_view(doc).space
    found = frozenset(i for i in range(sentence.start, sentence.end) if space[i])
    return found if len(found) >= cfg.min_run_on_spaces else frozenset()


def _placed(cfg: LinkSettings, doc: Doc, organ: Mention, placed: Collection[int]) -> bool:
    """Whether an organ word names where something is: after a location preposition ("in
    the liver", "lobe of liver"), a segment, a lobe or a target ("seg 6 liver")."""
    lw = token_view(doc).lower
    i = word_before_determiners(cfg, doc, organ.start)
    return i >= 0 and (lw[i] in cfg.location_prepositions or i in placed)


def _measures_organ(
    cfg: LinkSettings, doc: Doc, size: Mention, organ_ends: Mapping[int, str], usable: HeadIndex
) -> bool:
    """Whether a size measures the organ named just before it ("spleen 12 cm", "liver
    normal 15 cm", "liver measures 15.1 cm"), so that it is no lesion's size.

    Only the words of ``organ_measurement`` may stand between them. A size inside a
    target, or right before one ("liver 5 mm calcified focus"), is the target's.
    """
    lw = token_view(doc).lower
    if usable.target_over(size) is not None:
        return False
    i = size.start
    gap = 0
    while i not in organ_ends:
        i -= 1
        gap += 1
        if gap > cfg.organ_measure_max_gap or i < 0:
            return False
        if lw[i] not in cfg.organ_measure_words:
            return False
    organ = organ_ends[i]
    value = cfg.normalizer.parse_size_mm(doc[size.start : size.end].text)
    k = usable.first_starting_at(size.end)
    if k is not None and usable.heads[k].start == size.end:
        # Right before a target: the target's, unless only a whole organ is that large.
        whole = cfg.whole_organ_size_mm.get(organ)
        return whole is not None and value is not None and value >= whole
    least = cfg.organ_min_size_mm.get(organ)
    return least is None or value is None or value >= least


def _choose_head(
    cfg: LinkSettings,
    doc: Doc,
    m: Mention,
    usable: HeadIndex,
    organ_tokens: set[int],
    identity_cues: Sequence[int] = (),
    breaks: Collection[int] = frozenset(),
) -> tuple[int, str, int] | None:
    """The head that attribute ``m`` belongs to, as ``(head index, tier, distance)``.

    In order: a target it overlaps (*internal*, "rim-calcified"); for a size in a table cell,
    the row's target; a premodifier label (``PREMOD_LABELS``) before a head in the same noun
    phrase (*premod*, "a 3 mm calcified focus": :func:`_is_np_gap` says whether the words
    between keep them in one phrase); a post label (``POST_LABELS``) after the nearest head
    that ends before it (*post*, "calcification ..., the largest 8 mm"), unless an identity
    cue ("consistent with") or a named host makes another head the right one; a fronted label
    (``FRONTED_LABELS``) with no head before it goes to the next head (*fronted*, "In segment
    VIII there is ..."). None: no head takes it (a size before every head).

    Args:
        cfg: The rules' settings.
        doc: The processed document.
        m: The attribute mention.
        usable: The sentence's heads that ``m`` may attach to.
        organ_tokens: Tokens of organ mentions (adjectives here, not heads).
        identity_cues: Token positions of identity cues in the sentence.
        breaks: Token positions of clause breaks of run-on dictation.
    """
    heads = usable.heads
    k = usable.target_over(m)
    if k is not None:
        return k, "internal", 0
    if m.label == "SIZE" and m.start > 0 and doc[m.start - 1].text in cfg.table_cell_marks:
        # "| 2 | Segment VII | Calcification within lesion 1 (...) | 6 mm |": a size in a
        # cell of its own is the row's finding's.
        k = next((j for j, h in enumerate(heads) if h.is_target and h.end <= m.start), None)
        if k is not None:
            return k, "post", m.start - heads[k].end
    if m.label in {"SEGMENT", "LOBE"} and (
        usable.ends_at(m.start)
        # Not across a clause break ("no ascites  right lobe 6 mm calcified granuloma").
        or (usable.ends_at(m.start - 1) and m.start - 1 not in breaks)
    ):
        pass  # "... hypoechoic lesion seg 4 separate calcific focus": the lesion's segment
    elif m.label in PREMOD_LABELS and not (m.label == "SIZE" and _measured(cfg, doc, m)):
        # Organ words are adjectives here ("hepatic and splenic granulomas"), not heads.
        k = usable.first_starting_at(m.end, organs=False)
        if (
            k is not None
            and _is_np_gap(cfg, doc, m.end, heads[k].start, organ_tokens, breaks)
            # "a stone in the segment III duct, densely calcified": an appositive
            # predicate heads no noun phrase, so nothing before its comma modifies it.
            and not (
                heads[k].rule_id in cfg.predicate_rules
                and any(doc[i].text == "," for i in range(m.end, heads[k].start))
            )
        ):
            return k, "premod", heads[k].start - m.end
    if m.label in POST_LABELS:
        k = usable.last_ending_by(m.start)
        if k is not None:
            h = heads[k]
            if (
                m.start - h.end <= cfg.max_post_distance
                and not (m.label == "COUNT" and m.value not in POST_COUNT_VALUES)
                # Run-on dictation: two spaces end a clause ("... calculi largest 9mm
                # left lobe normal  gb contracted").
                and not any(i in breaks for i in range(h.end, m.start))
            ):
                if (
                    m.label in IDENTITY_POST_LABELS
                    and h.label == "BLOCKER"
                    and (h.value == BLOCKER_STRUCTURE)
                ):
                    choice = _identity_after(cfg, m, usable, identity_cues)
                    if choice is not None:
                        return choice
                if m.label == "SIZE" and not h.is_target:
                    plural = _superlative_plural(cfg, doc, m, usable, k, organ_tokens)
                    if plural is not None:
                        return plural, "post", m.start - heads[plural].end
                    placed = _placed_by_part_of(cfg, doc, m, usable, k)
                    if placed is None:
                        placed = _inside_named_host(cfg, doc, m, usable, k)
                    if placed is not None:
                        return placed, "post", m.start - heads[placed].end
                if m.label in {"SEGMENT", "LOBE"} and not h.is_target:
                    # "Calcifications at the sites of treated metastases in segments II,
                    # IV and VI": where the lesions are, the calcifications are.
                    placed = _placed_by_part_of(cfg, doc, m, usable, k)
                    if placed is not None:
                        return placed, "post", m.start - heads[placed].end
                return k, "post", m.start - h.end
            if m.label == "COUNT":
                return None
    if m.label in IDENTITY_BEFORE_CUE_LABELS:
        # "A 6 mm focus of signal void in segment VII, dark on all sequences, without
        # enhancement, consistent with calcification": the size and place of what an
        # identity cue then names a calcification are the calcification's.
        choice = _identity_target(cfg, doc, m, usable, identity_cues)
        if choice is not None:
            return choice
    # Only "throughout the liver" may stand before the calcifications it describes; a fronted
    # "diffusely echogenic liver" is about the parenchyma.
    if m.label in FRONTED_LABELS and not (m.label == "DIFFUSE" and m.value != DIFFUSE_THROUGHOUT):
        k = usable.first_starting_at(m.end)
        if k is not None and not usable.any_ending_by(m.start):
            return k, "fronted", heads[k].start - m.end
    return None


def _measured(cfg: LinkSettings, doc: Doc, m: Mention) -> bool:
    """Whether a measuring verb stands right before a size (past at most two hedges:
    "measuring approximately 3 cm"): it measures what stands before it."""
    lw = token_view(doc).lower
    i = m.start - 1
    while i >= 0 and m.start - i <= 2 and lw[i] in cfg.measured_hedges:
        i -= 1
    return i >= 0 and lw[i] in cfg.measured_verbs


def _placed_by_part_of(
    cfg: LinkSettings, doc: Doc, m: Mention, usable: HeadIndex, k: int
) -> int | None:
    """The target a size after a lesion speaks of when that lesion only places it ("a
    single calcification at the margin of the ablation zone measuring 5 mm"): a part
    noun and "of" (and determiners) stand between the target and the lesion."""
    lw = token_view(doc).lower
    heads = usable.heads
    i = word_before_determiners(cfg, doc, heads[k].start)
    # "at the sites of treated metastases": an adjective or two before the lesion.
    skipped = 0
    while (
        i >= 1
        and skipped < 2
        and lw[i] != "of"
        and doc[i].is_alpha
        and lw[i] not in cfg.break_words
    ):
        i -= 1
        skipped += 1
    if i < 1 or lw[i] != "of" or lw[i - 1] not in cfg.placing_parts:
        return None
    j = usable.last_ending_by(i - 1)
    if j is None or not heads[j].is_target or m.start - heads[j].end > cfg.max_post_distance:
        return None
    return j


def _inside_named_host(
    cfg: LinkSettings, doc: Doc, m: Mention, usable: HeadIndex, k: int
) -> int | None:
    """The target a measured size after a lesion speaks of when the target lies inside
    that lesion, named again with a definite determiner ("a coarse calcification within
    the treated tumour measuring 3.2 x 2.5 cm"): the lesion was described before, so the
    size is what lies in it. An indefinite lesion ("within a mass measuring 4 cm") is new
    and keeps its size."""
    lw = token_view(doc).lower
    heads = usable.heads
    h = heads[k]
    if h.label != "BLOCKER" or h.value not in LESION_VALUES or not _measured(cfg, doc, m):
        return None
    between = range(h.end, m.start)
    if not all(
        lw[i] in cfg.measured_verbs or lw[i] in cfg.measured_hedges or lw[i] == "," for i in between
    ):
        return None
    i = h.start - 1
    skipped = 0
    while (
        i >= 1
        and skipped < 2
        and doc[i].is_alpha
        and lw[i] not in cfg.determiners
        and lw[i] not in cfg.break_words
    ):
        i -= 1
        skipped += 1
    if i < 2 or lw[i] not in cfg.definite:
        return None
    if lw[i - 1] not in cfg.neighbours.inside_prepositions:
        return None
    j = usable.last_ending_by(i - 1)
    if j is None or not heads[j].is_target or heads[j].end != i - 1:
        return None
    return j


def _superlative_plural(
    cfg: LinkSettings,
    doc: Doc,
    m: Mention,
    usable: HeadIndex,
    k: int,
    organ_tokens: Collection[int],
) -> int | None:
    """The plural target a superlative size speaks of past a singular head ("Several
    hyperechoic foci ... at the site of the previous abscess, the largest 1.2 cm"): the
    largest of the foci, not of the one abscess. None when no superlative stands between
    that head and the size ("the largest lesion 2.8 cm" is the lesion's), an organ word
    stands after it ("largest splenic one 6 mm") or the nearest head is plural itself."""
    lw = token_view(doc).lower
    heads = usable.heads
    start = max(m.start - cfg.max_superlative_gap, heads[k].end)
    superlative = next((i for i in range(start, m.start) if lw[i] in cfg.superlatives), None)
    if superlative is None or any(i in organ_tokens for i in range(superlative, m.start)):
        return None
    if cfg.normalizer.is_plural_head([lw[heads[k].end - 1]]):
        return None
    j = usable.last_ending_by(heads[k].start)
    while j is not None and m.start - heads[j].end <= cfg.max_post_distance:
        h = heads[j]
        if h.is_target:
            words = lw[h.start : h.end]
            return j if cfg.normalizer.is_plural_head(words) else None
        j = usable.last_ending_by(h.start)
    return None


def _identity_after(
    cfg: LinkSettings, m: Mention, usable: HeadIndex, identity_cues: Sequence[int]
) -> tuple[int, str, int] | None:
    """The target an identity cue after ``m`` names, when no head stands between them.

    "dilatation of the ducts, with low signal filling defects within the left lateral
    segment ducts, the largest 14 mm, in keeping with intraductal calculi": the place and
    size after a structure (the dilatation) describe what the cue then names.
    """
    j = bisect.bisect_left(identity_cues, m.end)
    if j >= len(identity_cues) or identity_cues[j] - m.end > cfg.max_post_distance:
        return None
    cue = identity_cues[j]
    k = usable.first_starting_at(m.end)
    if k is None:
        return None
    h = usable.heads[k]
    if h.start < cue or not h.is_target or h.start - m.end > cfg.max_post_distance:
        return None
    return k, "post", h.start - m.end


def _identity_target(
    cfg: LinkSettings, doc: Doc, m: Mention, usable: HeadIndex, identity_cues: Sequence[int]
) -> tuple[int, str, int] | None:
    """The target an identity cue after ``m`` names, when ``m`` opens the description.

    No head may stand before ``m``; between ``m`` and the cue only structure words
    ("without enhancement") may; the target is the first one after the cue.
    """
    if usable.any_ending_by(m.start):
        return None
    j = bisect.bisect_left(identity_cues, m.end)
    if j >= len(identity_cues):
        return None
    cue = identity_cues[j]
    heads = usable.heads
    k = usable.first_starting_at(m.end)
    while k is not None and heads[k].start - m.end <= cfg.max_post_distance:
        h = heads[k]
        if h.start >= cue:
            return (k, "fronted", h.start - m.end) if h.is_target else None
        if h.is_target or not (
            h.label == "BLOCKER" and (h.value == BLOCKER_STRUCTURE or _inside_object(cfg, doc, h))
        ):
            return None
        k = usable.first_starting_at(h.start + 1)
    return None


def without_appositive_heads(cfg: LinkSettings, doc: Doc, heads: list[Mention]) -> list[Mention]:
    """Drop the lesion heads of a parenthesis right after a target ("densely calcified
    lesion (likely old hematoma) segment VII, 4 cm"): the parenthesis names the target
    again, so what follows it is the target's."""
    if len(heads) < 2:
        return heads
    dropped: set[int] = set()
    for t in heads:
        if not t.is_target or t.end >= len(doc) or doc[t.end].text != "(":
            continue
        for close in range(t.end + 1, min(t.end + 1 + cfg.max_apposition_tokens, len(doc))):
            if doc[close].text == ")":
                dropped.update(
                    id(h) for h in heads if not h.is_target and t.end < h.start and h.end <= close
                )
                break
            if "\n" in doc[close].text or doc[close].text == "(":
                break
    return [h for h in heads if id(h) not in dropped] if dropped else heads


def _inside_object(cfg: LinkSettings, doc: Doc, h: Mention) -> bool:
    """Whether a lesion is named as where something lies ("... within the lesion")."""
    lw = token_view(doc).lower
    i = word_before_determiners(cfg, doc, h.start)
    return i >= 0 and lw[i] in cfg.neighbours.inside_prepositions and i < h.start - 1
