"""Follow-up recommendations: found in the linker's mentions, built into records after the pipeline.

A recommendation is decided clause by clause. A *clause* is a run of tokens between hard
stops: a line break, ``;``, a sentence-final ``.`` or ``!`` token (whatever the case of the
next word or the spaces after the period; "?" marks a query in dictation, "? abscess") or a
run of two or more spaces. So "no further imaging needed.  spleen normal"
and "... needed. Spleen normal" give the same decision, and a header such as
"Recommendation:" still governs the words after it on its line. A clause recommends imaging
when, outside excluded sections (indication, history, comparison, technique):

- a recommendation cue ("recommend", "advised", "rec", "Suggestion:") and a follow-up object
  ("CT", "MRI", "follow-up", "further evaluation") stand in it; a weak cue ("continue") needs
  a named modality ("Continue surveillance ultrasound", not "continue work-up"), and a cue
  word inside a reading ("findings suggest", "is considered benign", "was recommended") is
  no cue;
- or a schedule ("follow-up in 6 months") or a verbless plan at the start of the clause
  ("Follow-up ultrasound of ...", "MRI for further characterization of ...", "Continued CT
  follow-up.") stands in it; a plan does not count in a clause that describes an exam
  ("Follow-up CT shows ..."), names it as a header ("Follow-up ultrasound: ...") or is the
  report's opening clause (the exam's own name). An exam that opens its clause and is followed
  by its condition ("MRI liver if CEA rises", "Liver MRI should the marker rise") is a
  conditional plan, unless the clause goes on to say the exam was done ("... if ... was done
  in 2022"). An exam or procedure coordinated before a plan leaves it opening its clause
  ("MIBG scan and restaging CT per protocol", "Biopsy and follow-up MRI"), also when the
  finder knows only the exam's head ("PSMA PET and restaging CT": a few words naming it, none
  a verb, preposition or denial);
- or a conditional cue ("if clinically required", "as clinically indicated") and an imaging
  modality stand in it. Without a modality ("follow up as clinically indicated") it
  recommends nothing, and a bare "if" clause is no recommendation ("If calcification is
  suspected, CT would be more sensitive"); with a cue it makes the recommendation
  conditional.

A header cue ("Plan:") also governs the clauses after its own on its line, where it
recommends a named modality ("Plan: Counselled. Fetal MRI brain at 28 weeks."). An exam inside
a reading ("correlation with the CT ... performed", "follow up with me") is no object.

An object, plan or schedule negated by a ConText modifier inside the clause ("no further
imaging needed", "MRI is not recommended") is no recommendation; a negation inside a condition
that a comma closes before the exam ("If not resected, follow-up MRI in 6 months") negates
the condition, not the exam. Of two plans that overlap ("Follow-up pelvic ultrasound" and
"ultrasound in 6-8 weeks") the linker keeps the one that opens the clause. Biopsy, serology and
referral words are no follow-up objects, so they alone recommend nothing. A clause gives one
recommendation per named exam ("MRI or CT"), or one of modality ``imaging``; an exam inside
the condition of another ("MRCP if ERCP is not planned") is part of the condition.

Each recommendation gets its interval (``INTERVAL`` mentions, days per unit from
``config.toml``), its subject (an organ in, right before or right after the exam words,
"pelvic ultrasound", else the words after "of"/"for", else an organ of the clause) and its
organ. An exam whose list of body regions holds the abdomen ("CT chest, abdomen and pelvis")
surveys the body: the organs of that list are not its subject. A recommendation that names no
organ takes one from organ words of its clause ("HCC surveillance" -> liver; a LI-RADS
category such as "LR-TR", also when the tokenizer splits it) or from the clause before it:
the organ of a clause joined to it by ``;`` ("5 mm gallbladder polyp;
repeat ultrasound ..."), the organ of a clause that opens its numbered item and names no
liver ("1. Adrenal nodule. Follow-up CT in 12 months."), or the liver when that clause is
about the liver ("Probable haemangioma in segment III. Follow-up sonography in 6 months.").
When that clause names no organ ("No other lesion.") or only denies a liver finding ("No
hepatic lesion."), the clauses before it in the same section decide, up to
``max_look_back_clauses``: the first that names an organ or an organ's disease
("pancreatitis", "nephrolithiasis", "peritoneal") by its first organ word; the look-back never
crosses a header into another section ("Liver: ..." before "Impression: ..."). An exam named
only inside a condition that a comma closes ("if calcification were present on prior CT,
...") is part of the condition. A reduced text keeps the clause before a recommendation
verbatim; a recommendation that reads further back marks its Doc (``LOOK_BACK``), and the
miner mines again with the clauses it may read kept verbatim (``Prefilter.candidate_units``),
so the result is the same with or without the prefilter.
``concerns_liver`` is then whether that organ is the liver (or, naming none, a liver location
or counted liver target stands in the clause); :func:`liver_followup` makes the report-level
flag.

The linker stores what it finds as tuples of primitives (``Doc._.calcminer_recommendations``,
see :data:`RecommendationTuple`); :func:`doc_recommendations` turns them into
:class:`~calcminer.nlp.schema.Recommendation` objects with offsets into the original text.

The finder lives beside this module, one module per part, each importable from here:
:mod:`~calcminer.nlp.pipeline.recommendation_settings` (the labels it reads, its settings from
``patterns/``, :data:`RecommendationTuple`, intervals),
:mod:`~calcminer.nlp.pipeline.recommendation_clauses` (clauses and where a token stands in its
line), :mod:`~calcminer.nlp.pipeline.recommendation_finder` (:class:`RecommendationFinder`:
the clause walk and the decision), :mod:`~calcminer.nlp.pipeline.recommendation_plans`
(whether a verbless plan stands alone) and
:mod:`~calcminer.nlp.pipeline.recommendation_subjects` (subject, organ, the look-back). This
module owns what follows the finder: the report-level summary (:func:`followup_summary`) and
the :class:`~calcminer.nlp.schema.Recommendation` objects (:func:`doc_recommendations`,
:func:`liver_followup`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from spacy.tokens import Doc

from calcminer.nlp.pipeline.extensions import RECOMMENDATIONS
from calcminer.nlp.pipeline.recommendation_clauses import clause_around, clause_bounds, ends_clause
from calcminer.nlp.pipeline.recommendation_finder import RecommendationFinder, merge_word_spans
from calcminer.nlp.pipeline.recommendation_settings import (
    HEADER_CUE,
    LIVER,
    TRIGGER_LABELS,
    UNNAMED_MODALITY,
    RecommendationSettings,
    RecommendationTuple,
    interval_days,
    parse_interval_number,
)
from calcminer.nlp.rules.labels import RECOMMENDATION_LABELS
from calcminer.nlp.schema import Recommendation


def followup_summary(
    found: Sequence[RecommendationTuple],
) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """The report-level follow-up tuple ``(recommended, modalities, rule ids)``.

    Modalities are the named ones, or ``imaging`` when a recommendation names none.
    """
    specific = {r[2] for r in found if r[2] != UNNAMED_MODALITY}
    shown = specific or {r[2] for r in found}
    rule_ids = {rule for r in found for rule in r[8]}
    return bool(found), tuple(sorted(shown)), tuple(sorted(rule_ids))


def doc_recommendations(
    doc: Doc,
    report_id: str,
    text: str | None = None,
    to_original: Callable[..., int] | None = None,
) -> tuple[Recommendation, ...]:
    """Build the Recommendation objects of a processed Doc.

    Args:
        doc: The processed Doc.
        report_id: The report's id.
        text: The original report text (see ``calcminer.nlp.mining.findings.doc_findings``).
        to_original: For a Doc of a reduced text, the map of its offsets to the original's.
    """
    if text is None:
        text = doc.text
    out = []
    for index, row in enumerate(doc._.get(RECOMMENDATIONS)):
        start, end, modality, days, conditional, subject, organ, concerns, rule_ids, spans = row
        word_spans = tuple((s, e, label) for s, e, label in spans)
        if to_original is not None:
            start, end = to_original(start), to_original(end, end=True)
            word_spans = tuple(
                (to_original(s), to_original(e, end=True), label) for s, e, label in word_spans
            )
        out.append(
            Recommendation(
                report_id=report_id,
                index=index,
                modality=modality,
                interval_days=days,
                conditional=bool(conditional),
                subject=subject,
                organ=organ,
                concerns_liver=bool(concerns),
                start_char=start,
                end_char=end,
                text=text[start:end],
                rule_ids=tuple(rule_ids),
                word_spans=tuple(f"{label}@{s}-{e}" for s, e, label in word_spans),
            )
        )
    return tuple(out)


def liver_followup(recommendations: Sequence[Recommendation], calcification: bool) -> bool:
    """Whether a report recommends follow-up of the liver or its calcification.

    True for a recommendation about the liver, or a non-specific one (no organ named) in a
    report with a counted liver calcification.
    """
    return any(r.concerns_liver or (calcification and not r.organ) for r in recommendations)


__all__ = [
    "HEADER_CUE",
    "LIVER",
    "RECOMMENDATION_LABELS",
    "TRIGGER_LABELS",
    "RecommendationFinder",
    "RecommendationSettings",
    "RecommendationTuple",
    "clause_around",
    "clause_bounds",
    "doc_recommendations",
    "ends_clause",
    "followup_summary",
    "interval_days",
    "liver_followup",
    "merge_word_spans",
    "parse_interval_number",
]
