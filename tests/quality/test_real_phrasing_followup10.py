"""Follow-up (tenth round): recommendations written untranslated in European languages.

Each case is written for this file (not copied from a gold report). Reports from Portugal and
Brazil, Spain and Latin America, France, Italy, Germany and the Netherlands keep their
conclusion in the original language, often without accents. Expectations follow
../shared/GOLD_GUIDE.md and its "Clarifications (2026-12-06)": any recommended or planned
imaging makes ``followup_recommended`` true; "no follow-up" and a history of past exams do
not. ``liver_followup_recommended`` is true for a recommendation about the liver, or naming no
organ after a clause about the liver's calcification; false for one about another organ.

Where the recommendations table matters, a case also gives its rows as ``(modality,
interval_days, conditional)``.

Judgements taken here (the guide does not spell them out):

- "control(o/e/lo)" with an exam adjective or noun ("controlo ecografico", "contrôle par IRM",
  "RM de controlo", "sonographische Verlaufskontrolle") is a follow-up exam, as the English
  "ultrasound control" of translated reports is.
- A control with a future interval and no exam ("Kontrolle der Nierenzyste in 6 Monaten",
  "Controlo em 6 meses") is a follow-up of unnamed imaging in a radiology report.
- Intervals in the language count as in English: "em/en/dans/tra/in N meses/mois/mesi/Monaten"
  (months), "anual/annuel/jährlich" and "dans un an" (a year).
- A control described with its year and result ("controle ecografico em 2021 sem alteracoes")
  is history, no plan.
"""

from __future__ import annotations

import pytest
from followup_cases import LIVER, Row
from followup_cases import check_followup as _check
from followup_cases import followup_case as _case

from calcminer.nlp.mining.miner import Miner

#: A liver calcification in the findings, then an impression about another organ.
OTHER = "Findings: 5 mm calcified granuloma in segment VII.\nImpression: "


# --- 1. A control exam with an interval in the language ----------------------------------------

CONTROL = [
    _case(
        LIVER + "Controlo ecografico em 6 meses.",
        "portuguese_control_exam_adjective_in_months",
        followup=True,
        liver=True,
        rows=[("US", 182, False)],
    ),
    _case(
        LIVER + "Sugere-se controle ultrassonografico em 12 meses.",
        "brazilian_suggested_control_ultrasound_adjective",
        followup=True,
        liver=True,
        rows=[("US", 365, False)],
    ),
    _case(
        LIVER + "RM de controlo em 12 meses.",
        "portuguese_exam_first_of_control",
        followup=True,
        liver=True,
        rows=[("MRI", 365, False)],
    ),
    _case(
        LIVER + "TC de controle em 3 meses.",
        "brazilian_ct_first_of_control",
        followup=True,
        liver=True,
        rows=[("CT", 91, False)],
    ),
    _case(
        LIVER + "Control ecografico anual.",
        "spanish_annual_control_without_accent",
        followup=True,
        liver=True,
        rows=[("US", 365, False)],
    ),
    _case(
        LIVER + "Control ecográfico en 6 meses.",
        "spanish_control_with_accent_in_months",
        followup=True,
        liver=True,
        rows=[("US", 182, False)],
    ),
    _case(
        "Impression: calcificacion hepatica aislada, control ecografico anual.",
        "spanish_annual_control_after_a_comma",
        followup=True,
        liver=True,
        rows=[("US", 365, False)],
    ),
    _case(
        "Impression: granuloma calcificado hepatico, control ecografico en 12 meses.",
        "spanish_control_in_months_after_a_comma",
        followup=True,
        liver=True,
        rows=[("US", 365, False)],
    ),
    _case(
        LIVER + "Controle echographique dans un an.",
        "french_control_in_one_year_without_accents",
        followup=True,
        liver=True,
        rows=[("US", 365, False)],
    ),
    _case(
        LIVER + "Contrôle par IRM dans 6 mois.",
        "french_control_by_mri_in_months",
        followup=True,
        liver=True,
        rows=[("MRI", 182, False)],
    ),
    _case(
        LIVER + "Controllo ecografico tra 6 mesi.",
        "italian_control_in_months",
        followup=True,
        liver=True,
        rows=[("US", 182, False)],
    ),
    _case(
        LIVER + "Si consiglia controllo TC a 6 mesi.",
        "italian_advised_ct_control",
        followup=True,
        liver=True,
        rows=[("CT", 182, False)],
    ),
    _case(
        LIVER + "Sonographische Verlaufskontrolle in 12 Monaten.",
        "german_adjective_first_control",
        followup=True,
        liver=True,
        rows=[("US", 365, False)],
    ),
    _case(
        LIVER + "Sonographische Kontrolle jährlich.",
        "german_yearly_control",
        followup=True,
        liver=True,
        rows=[("US", 365, False)],
    ),
    _case(
        LIVER + "Weitere Abklaerung mittels MRT der Leber.",
        "german_work_up_with_liver_mri_without_umlaut",
        followup=True,
        liver=True,
        rows=[("MRI", None, False)],
    ),
    _case(
        OTHER + "Weitere Abklärung mittels MRT der Leber.",
        "german_work_up_names_the_liver",
        followup=True,
        liver=True,
        rows=[("MRI", None, False)],
    ),
    _case(
        LIVER + "Echografische controle over 6 maanden.",
        "dutch_adjective_first_control",
        followup=True,
        liver=True,
        rows=[("US", 182, False)],
    ),
    _case(
        LIVER + "Controlo em 6 meses.",
        "control_with_an_interval_names_no_exam",
        followup=True,
        liver=True,
        rows=[("imaging", 182, False)],
    ),
]

# --- 2. The organ the recommendation names, in the language -------------------------------------

ORGANS = [
    _case(
        OTHER + "Kontrolle der Nierenzyste in 6 Monaten.",
        "german_control_of_the_kidney_cyst",
        followup=True,
        liver=False,
        rows=[("imaging", 182, False)],
    ),
    _case(
        OTHER + "Controlo ecografico do rim em 6 meses.",
        "portuguese_control_of_the_kidney",
        followup=True,
        liver=False,
    ),
    _case(
        OTHER + "Control ecografico del riñon en 6 meses.",
        "spanish_control_of_the_kidney",
        followup=True,
        liver=False,
    ),
    _case(
        OTHER + "Controle echographique du rein dans 6 mois.",
        "french_control_of_the_kidney",
        followup=True,
        liver=False,
    ),
    _case(
        OTHER + "Controllo ecografico del rene tra 6 mesi.",
        "italian_control_of_the_kidney",
        followup=True,
        liver=False,
    ),
    _case(
        OTHER + "Controle echografie van de nier over 6 maanden.",
        "dutch_control_of_the_kidney",
        followup=True,
        liver=False,
    ),
    _case(
        OTHER + "Controlo ecografico da vesicula em 6 meses.",
        "portuguese_control_of_the_gallbladder",
        followup=True,
        liver=False,
    ),
    _case(
        OTHER + "Sonographische Kontrolle der Gallenblase in 6 Monaten.",
        "german_control_of_the_gallbladder",
        followup=True,
        liver=False,
    ),
    _case(
        OTHER + "Controlo ecografico do figado em 6 meses.",
        "portuguese_control_of_the_liver",
        followup=True,
        liver=True,
    ),
    _case(
        OTHER + "Control ecografico del higado en 6 meses.",
        "spanish_control_of_the_liver",
        followup=True,
        liver=True,
    ),
    _case(
        OTHER + "Controle echographique du foie dans 6 mois.",
        "french_control_of_the_liver",
        followup=True,
        liver=True,
    ),
    _case(
        OTHER + "Controllo ecografico del fegato tra 6 mesi.",
        "italian_control_of_the_liver",
        followup=True,
        liver=True,
    ),
    _case(
        OTHER + "Echografische controle van de lever over 6 maanden.",
        "dutch_control_of_the_liver",
        followup=True,
        liver=True,
    ),
    _case(
        "Impression: rim calcified cyst in segment VII; follow-up ultrasound in 6 months.",
        "english_rim_names_no_kidney",
        followup=True,
        liver=True,
        rows=[("US", 182, False)],
    ),
]

# --- 3. Negated follow-up, and history -------------------------------------------------------

NEGATED = [
    _case(
        LIVER + "Geen follow-up nodig.", "dutch_no_follow_up_needed", followup=False, liver=False
    ),
    _case(
        LIVER + "Geen controle over 6 maanden nodig.",
        "dutch_no_control",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Sem necessidade de controlo ecografico em 6 meses.",
        "portuguese_no_need_of_control",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Nao necessita controle ecografico em 6 meses.",
        "brazilian_does_not_need_control",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Não necessita de controlo ecográfico em 6 meses.",
        "portuguese_does_not_need_control_with_accents",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "No requiere control ecografico anual.",
        "spanish_does_not_require_control",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Sin necesidad de control ecografico en 6 meses.",
        "spanish_no_need_of_control",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Pas de contrôle échographique dans 6 mois.",
        "french_no_control",
        followup=False,
        liver=False,
    ),
    _case(LIVER + "Aucun suivi nécessaire.", "french_no_follow_up", followup=False, liver=False),
    _case(
        LIVER + "Non necessita di controllo ecografico tra 6 mesi.",
        "italian_does_not_need_control",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Keine sonographische Kontrolle in 12 Monaten.",
        "german_no_control",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Kontrolle in 6 Monaten nicht erforderlich.",
        "german_control_not_required",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Kein Follow-up in 6 Monaten notwendig.",
        "german_no_follow_up",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Controle ecografico em 6 meses nao necessario.",
        "portuguese_control_not_necessary",
        followup=False,
        liver=False,
    ),
    # History: a past control with its year or result, or done some time ago.
    _case(
        LIVER + "Controle ecografico em 2021 sem alteracoes.",
        "portuguese_past_control_without_change",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Bei der Kontrolle 2022 unverändert.",
        "german_unchanged_at_the_control",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Sonographische Kontrolle 2022 unverändert.",
        "german_past_control_unchanged",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "TC de controle realizada em 2021.",
        "brazilian_control_ct_done",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Control ecografico hace 6 meses sin cambios.",
        "spanish_control_months_ago",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Controllo ecografico eseguito 6 mesi fa.",
        "italian_control_done_months_ago",
        followup=False,
        liver=False,
    ),
    _case(
        LIVER + "Echografische controle 6 maanden geleden.",
        "dutch_control_months_ago",
        followup=False,
        liver=False,
    ),
]

# --- 4. A bilingual plan: the original, then the same plan in English ---------------------------

BILINGUAL = [
    _case(
        LIVER + "Controlo ecografico em 6 meses (ultrasound follow-up in 6 months).",
        "portuguese_plan_then_english_in_parentheses",
        followup=True,
        liver=True,
        rows=[("US", 182, False)],
    ),
    _case(
        LIVER + "Control ecografico anual (annual ultrasound follow-up).",
        "spanish_plan_then_english_in_parentheses",
        followup=True,
        liver=True,
        rows=[("US", 365, False)],
    ),
    _case(
        LIVER + "Contrôle par IRM dans 6 mois (MRI follow-up in 6 months).",
        "french_plan_then_english_in_parentheses",
        followup=True,
        liver=True,
        rows=[("MRI", 182, False)],
    ),
]


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), CONTROL)
def test_real_phrasing_untranslated_control_with_an_interval(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """A control exam written in the report's language is a plan, with its interval read in
    that language."""
    _check(miner, text, followup, liver, rows)


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), ORGANS)
def test_real_phrasing_untranslated_organ_places_the_recommendation(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """An organ named in the language places the recommendation; English "rim" is no kidney."""
    _check(miner, text, followup, liver, rows)


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), NEGATED)
def test_real_phrasing_untranslated_negated_or_past_control(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """A control said not to be needed, or one done before, recommends nothing."""
    _check(miner, text, followup, liver, rows)


@pytest.mark.parametrize(("text", "followup", "liver", "rows"), BILINGUAL)
def test_real_phrasing_bilingual_plan_gives_one_row(
    miner: Miner, text: str, followup: bool, liver: bool, rows: list[Row] | None
) -> None:
    """The original plan and its English repetition in parentheses are one recommendation."""
    _check(miner, text, followup, liver, rows)
