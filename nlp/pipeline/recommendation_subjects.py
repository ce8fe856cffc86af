"""What a follow-up recommendation is about: its subject, its organ, whether it concerns the liver.

:class:`SubjectReader` owns these steps of
:class:`~calcminer.nlp.pipeline.recommendation_finder.RecommendationFinder` (the rules are in
:mod:`calcminer.nlp.pipeline.recommendations`): the subject an exam names (an organ in,
before or after its words, the words after a preposition, or an organ of the clause; not the
regions an exam surveys), the organ of the clause's organ words, and, for a recommendation that
names no organ, the organ or liver placed by the clauses before it (the look-back).
:func:`liver_in_clause` says whether a clause's mentions place a recommendation in the liver.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from spacy.tokens import Doc, Token

from calcminer.nlp.pipeline.extensions import LOOK_BACK
from calcminer.nlp.pipeline.recommendation_clauses import (
    CLAUSE_END_TOKENS,
    clause_before,
    first_word,
    is_colon,
    opens_line,
    opens_numbered_item,
)
from calcminer.nlp.pipeline.recommendation_settings import (
    AMBIGUOUS_DUCT,
    LIVER,
    LIVER_LOCATION_LABELS,
    ORGAN,
    MentionLike,
    RecommendationSettings,
)
from calcminer.nlp.pipeline.token_view import token_view


class SubjectReader:
    """Reads what a recommendation is about (see the module docstring).

    Args:
        settings: The finder's word tables and configuration.
    """

    def __init__(self, settings: RecommendationSettings) -> None:
        self.settings = settings
        self._region_words = settings.region_list_words | settings.survey_region_words

    def subject(
        self,
        doc: Doc,
        clause: tuple[int, int],
        anchors: Sequence[MentionLike],
        items: Sequence[MentionLike],
    ) -> tuple[str, tuple[int, int] | None, str]:
        """The organ or finding a recommendation names, its character span and its organ.

        An organ inside, right before or right after the exam words ("MRI liver", "pelvic
        ultrasound") is the subject; else the words after a preposition ("... of the renal
        cyst in 12 months" -> "renal cyst"); else an organ anywhere in the clause. An exam
        whose list of body regions holds the abdomen ("CT chest, abdomen and pelvis") surveys
        the body: the organs of that list are not its subject (see :meth:`_region_list`).
        """
        lw = token_view(doc).lower
        settings = self.settings
        start, end = clause
        after = max((a.end for a in anchors), default=start)
        before = min((a.start for a in anchors), default=start)
        listed, survey = self._region_list(doc, clause, before, after)
        # The organs of a survey's region list ("CT chest, abdomen ...") are not its subject.
        organs = [
            m
            for m in items
            if m.label == ORGAN and not (survey and listed[0] <= m.start < listed[1])
        ]
        for organ in organs:
            if (
                any(a.start <= organ.start < a.end for a in anchors)
                or organ.start == after
                or organ.end == before
            ):
                return str(organ.value), (organ.start_char, organ.end_char), str(organ.value)
        i = listed[1] if survey else after
        while i < end and lw[i] not in settings.subject_prepositions:
            if doc[i].text in CLAUSE_END_TOKENS or lw[i] in {"if", "unless"}:
                break
            i += 1
        if i < end and lw[i] in settings.subject_prepositions:
            i += 1
            while i < end and (lw[i] in settings.subject_skip_words or doc[i].text == "-"):
                i += 1
            words: list[Token] = []
            j = i
            while (
                j < end
                and len(words) < settings.max_subject_tokens
                and doc[j].is_alpha
                and lw[j] not in settings.subject_stop_words
            ):
                words.append(doc[j])
                j += 1
            if words:
                first, last = words[0], words[-1]
                span = (first.idx, last.idx + len(last.text))
                inside = [o for o in organs if first.i <= o.start and o.end <= last.i + 1]
                organ_value = str(inside[0].value) if inside else ""
                if inside and inside[0].start == first.i and inside[0].end == last.i + 1:
                    return organ_value, span, organ_value
                return " ".join(w.lower_ for w in words), span, organ_value
        if organs:
            organ = organs[0]
            return str(organ.value), (organ.start_char, organ.end_char), str(organ.value)
        return "", None, ""

    def _region_list(
        self, doc: Doc, clause: tuple[int, int], before: int, after: int
    ) -> tuple[tuple[int, int], bool]:
        """The tokens of an exam's list of body regions around its words (``before`` to
        ``after``), and whether the list holds a survey region ("Contrast enhanced CT chest,
        abdomen and pelvis", "abdominal and pelvic ultrasound", "ct chest abdo pelvis")."""
        lw = token_view(doc).lower
        start, end = clause
        words = self._region_words
        lo = before
        while lo > start and lw[lo - 1] in words:
            lo -= 1
        hi = after
        while hi < end and lw[hi] in words:
            hi += 1
        survey = any(
            lw[i] in self.settings.survey_region_words
            for i in (*range(lo, before), *range(after, hi))
        )
        return (lo, hi), survey

    def organ_word(self, doc: Doc, clause: tuple[int, int]) -> str:
        """The organ of the first organ word of a clause ("HCC surveillance" -> liver)."""
        for i in range(*clause):
            organ = self._organ_at(doc, i, clause[1])
            if organ:
                return organ
        return ""

    def _organ_at(self, doc: Doc, i: int, end: int) -> str:
        """The organ of the organ word at token ``i`` ("" for none), also of a hyphenated one
        that the tokenizer splits ("LR-TR", "LI-RADS": a LI-RADS category names the liver), and
        of a key of two words, for a word that names an organ only in its phrase (Portuguese
        "do rim", where "rim" alone is English)."""
        lw = token_view(doc).lower
        words = self.settings.organ_words
        lower = lw[i]
        organ = words.get(lower)
        if organ is None and i + 2 < end and doc[i + 1].text == "-":
            organ = words.get(f"{lower}-{lw[i + 2]}")
        if organ is None and i + 1 < end:
            organ = words.get(f"{lower} {lw[i + 1]}")
        return organ or ""

    def _organs(self, doc: Doc, clause: tuple[int, int]) -> list[str]:
        """The organs of the organ words of a clause, in order."""
        start, end = clause
        return [organ for i in range(start, end) if (organ := self._organ_at(doc, i, end))]

    def placed_by_previous_clause(
        self,
        doc: Doc,
        clause: tuple[int, int],
        section_of: Callable[[int], tuple[str, str]] | None = None,
    ) -> tuple[str, bool]:
        """``(organ, concerns_liver)`` of a recommendation naming no organ, from the clauses
        before it.

        The clause before it decides first: the organ of a clause joined to it by ``;`` ("5 mm
        gallbladder polyp; repeat ultrasound in 12 months") or of the clause that opens its
        numbered item when it names no liver and its line goes on to the recommendation ("1.
        Pancreatic cyst. Follow-up MRI in 1 year."), else whether that clause is about the
        liver ("Probable haemangioma in segment III. Follow-up sonography in 6 months.").

        A clause before it that names no organ ("No other lesion."), or only denies a liver
        finding ("No hepatic parenchymal lesion."), hands the decision to the clauses before
        it in the recommendation's section (``section_of``), at most ``max_look_back_clauses``
        in all: the first one naming an organ decides by its first organ word ("Peritoneal
        carcinomatosis. No hepatic lesion. Repeat CT." -> not the liver). A denial with no such
        clause still places the liver ("No evidence of recurrent hepatoblastoma. Continue
        surveillance MRI."). The look-back never crosses into another section, such as an
        organ section before the impression.
        """
        previous = clause_before(doc, clause[0])
        if previous is None:
            return "", False
        start, end = previous
        organs = self._organs(doc, previous)
        last = end - 1
        while last > start and doc[last].is_space:
            last -= 1
        if doc[last].text == ";" and organs:
            return organs[0], organs[0] == LIVER
        if (
            organs
            and LIVER not in organs
            and (opens_numbered_item(doc, previous) or opens_line(doc, previous))
            and not any("\n" in doc[i].text for i in range(end - 1, clause[0]))
        ):
            return organs[0], False
        denied = LIVER in organs and self._denies(doc, previous)
        if organs and not denied:
            return "", LIVER in organs
        if section_of is None:
            return "", denied
        # The clauses before the previous one are read: a reduced text that kept only the
        # piece before the recommendation is mined again with more (calcminer.nlp.mining.miner).
        doc._.set(LOOK_BACK, True)
        section = section_of(first_word(doc, clause))
        earlier: tuple[int, int] | None = previous
        for _ in range(self.settings.max_look_back_clauses):
            if earlier is None or section_of(first_word(doc, earlier)) != section:
                break
            if earlier != previous:
                organs = self._organs(doc, earlier)
                if LIVER in organs and self._denies(doc, earlier):
                    denied = True
                elif organs:
                    return "", organs[0] == LIVER
            earlier = clause_before(doc, earlier[0])
        return "", denied

    def _denies(self, doc: Doc, clause: tuple[int, int]) -> bool:
        """Whether a clause opens with a denial before its first organ word ("No hepatic
        lesion.", "Impression: Normal liver parenchyma.") and holds no denial breaker ("No
        change in the hepatic cyst.", "No hepatic calcification is seen.")."""
        lw = token_view(doc).lower
        start, end = clause
        breakers = self.settings.denial_breakers
        if any(lw[i] in breakers for i in range(start, end)):
            return False
        opener = ""
        for i in range(start, end):
            token = doc[i]
            if is_colon(token):
                opener = ""  # a header's colon: the clause's own words start after it
                continue
            if self._organ_at(doc, i, end):
                break
            if not opener and token.is_alpha:
                opener = token.lower_
        return opener in self.settings.denial_openers


def liver_in_clause(
    items: Sequence[MentionLike],
    clause: tuple[int, int],
    liver_targets: Sequence[int],
    doc: Doc,
) -> bool:
    """Whether a clause places its recommendation in the liver (its subject names no organ).

    That is a liver organ word, a segment, lobe or intrahepatic duct, or a counted liver
    target in the clause (``liver_targets``: the start offsets of the counted liver
    targets, ascending). A duct word that may be extrahepatic ("MRCP for evaluation of
    the bile duct") is none of these.
    """
    start, end = clause
    lo, hi = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
    organs = [m for m in items if m.label == ORGAN]
    if any(o.value == LIVER for o in organs):
        return True
    if any(
        m.label in LIVER_LOCATION_LABELS and not (m.label == "DUCT" and m.value == AMBIGUOUS_DUCT)
        for m in items
    ):
        return True
    j = bisect.bisect_left(liver_targets, lo)
    return j < len(liver_targets) and liver_targets[j] < hi
