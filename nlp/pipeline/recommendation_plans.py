"""Verbless plans of the follow-up finder: whether a plan is its clause's recommendation.

A verbless plan ("Follow-up ultrasound of ...", "MRI for further characterization of ...")
recommends only when it opens its clause and the clause neither describes an exam nor names it
as a header (see :mod:`calcminer.nlp.pipeline.recommendations`). :class:`PlanReader` owns
that step of :class:`~calcminer.nlp.pipeline.recommendation_finder.RecommendationFinder`: what
may stand before the plan (lead words, a header, a spaced dash, an exam or procedure
coordinated to it) and, for a conditional plan, whether its condition says the exam was done.
"""

from __future__ import annotations

from spacy.tokens import Doc

from calcminer.nlp.pipeline.recommendation_clauses import is_colon, is_separator_dash
from calcminer.nlp.pipeline.recommendation_settings import (
    CONDITIONAL_PLAN,
    MentionLike,
    RecommendationSettings,
)
from calcminer.nlp.pipeline.token_view import token_view


class PlanReader:
    """Decides whether a verbless plan is its clause's recommendation (see the module
    docstring).

    Args:
        settings: The finder's word tables and configuration.
    """

    def __init__(self, settings: RecommendationSettings) -> None:
        self.settings = settings
        self._modifier_stop_words = (
            settings.exam_modifier_stop_words
            | settings.plan_blocking_words
            | settings.plan_clause_break_words
            | settings.denial_openers
        )

    def stands_alone(
        self, doc: Doc, clause: tuple[int, int], plan: MentionLike, exam_tokens: set[int]
    ) -> bool:
        """Whether a verbless plan is the clause's recommendation.

        It must open the clause (after punctuation, numbers, lead words, follow-up words such
        as "Follow-up" in "Follow-up MRI in 3-6 months", or a header), and the
        clause must not describe an exam ("Follow-up CT shows ..."), name one as a header
        ("Follow-up ultrasound: ...") or be the report's opening clause, its title ("Follow-up
        CT abdomen"). A conditional plan ("MRI liver if CEA rises") ends with its condition
        word: the condition's own verbs describe nothing ("if CEA *is* rising"), only words
        saying the exam was done do ("MRI liver if CEA rises *was done* in 2022").
        """
        lw = token_view(doc).lower
        start, end = clause
        if not self._at_clause_start(doc, start, plan.start, exam_tokens, plan.end):
            return False
        if plan.value == CONDITIONAL_PLAN:
            return start != 0 and not self._says_done(doc, plan.end, end)
        for i in range(plan.end - 1, end):
            lower = lw[i]
            if lower in self.settings.plan_clause_break_words:
                break
            if i >= plan.end and (lower in self.settings.plan_blocking_words or is_colon(doc[i])):
                return False
        return start != 0

    def _says_done(self, doc: Doc, start: int, end: int) -> bool:
        """Whether tokens ``start`` to ``end`` (a condition, to its clause's end) hold a word
        sequence saying the exam was done (``plan_condition_done_words``)."""
        lw = token_view(doc).lower
        phrases = self.settings.plan_condition_done_words
        if not phrases:
            return False
        lengths = sorted({len(p) for p in phrases})
        words = [lw[i] for i in range(start, end)]
        return any(
            tuple(words[i : i + n]) in phrases
            for i in range(len(words))
            for n in lengths
            if i + n <= len(words)
        )

    def _at_clause_start(
        self, doc: Doc, clause_start: int, at: int, exam_tokens: set[int], plan_end: int
    ) -> bool:
        """Whether only punctuation, numbers, lead words, follow-up words or a header stand
        before ``at``, or (for a plan ending at ``plan_end``) an exam or procedure coordinated
        to it (see :meth:`_coordinated_opener`). A spaced dash parts a finding from its plan
        as a header's colon does ("Large hepatic calcification - outpatient MRI")."""
        if is_separator_dash(doc, at):
            return True
        for i in range(at - 1, clause_start - 1, -1):
            token = doc[i]
            if is_colon(token) or is_separator_dash(doc, i):
                return True
            if not (
                i in exam_tokens
                or token.is_space
                or token.is_punct
                or token.like_num
                or token.lower_ in self.settings.plan_lead_words
            ):
                return self._coordinated_opener(doc, clause_start, i, plan_end, exam_tokens)
        return True

    def _coordinated_opener(
        self, doc: Doc, clause_start: int, i: int, plan_end: int, exam_tokens: set[int]
    ) -> bool:
        """Whether token ``i`` ends the first conjunct of a coordination that opens the clause
        and joins a plan ending at ``plan_end``: a procedure ("*Biopsy* and restaging CT per
        protocol"), or a word naming an exam the finder does not know before the exam's known
        head ("*MIBG* scan and restaging CT", "Ga-68 *DOTATATE* PET and follow-up MRI"; the
        head may open the plan's own words, "PSMA {PET and restaging}").

        The tokens from ``i`` to the plan have passed :meth:`_at_clause_start`; here the
        conjunct must be followed, after its exam words, by an ``exam_coordinators`` word, and
        it may hold at most ``max_exam_modifier_words`` words back to the clause start (or a
        header's colon), none a verb of a reading, a condition, a denial or a preposition
        ("Comparison with prior scan and follow-up MRI of 2020" is no plan).
        """
        lw = token_view(doc).lower
        settings = self.settings
        head = i
        if lw[i] not in settings.coordinated_procedure_words:
            head = i + 1
            while (
                head < plan_end
                and head not in exam_tokens
                and (doc[head].is_punct or doc[head].like_num)
            ):
                head += 1
            if head >= plan_end or head not in exam_tokens:
                return False
        joint = head + 1
        while joint < plan_end and joint in exam_tokens:
            joint += 1
        if joint >= plan_end or lw[joint] not in settings.exam_coordinators:
            return False
        words, max_words = 0, settings.max_exam_modifier_words
        for k in range(min(i, head - 1), clause_start - 1, -1):
            token = doc[k]
            if is_colon(token):
                break
            if token.is_space or token.is_punct or token.like_num:
                continue
            words += 1
            if token.lower_ in self._modifier_stop_words or words > max_words:
                return False
        return True
