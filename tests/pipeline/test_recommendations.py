"""Follow-up recommendations (calcminer.nlp.pipeline.recommendations): wordings, fields,
tables, outputs.

Expectations follow ../shared/GOLD_GUIDE.md, "Clarifications (2026-12-06)", Follow-up: any
recommended or planned imaging counts, with or without a verb, conditional ones included; no
recommendation, "not needed" forms, non-imaging advice alone, "clinical correlation", follow-up
"as clinically indicated" with no imaging, a programme named only as the exam's reason and a
header naming this exam's modalities do not.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import spacy
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.api import extract_tables, run_extract
from calcminer.nlp.engine.run import EngineOptions
from calcminer.nlp.errors import InputError
from calcminer.nlp.io.tables import RECOMMENDATION_COLUMNS, recommendations_frame
from calcminer.nlp.mining.miner import Miner
from calcminer.nlp.pipeline.recommendations import (
    clause_bounds,
    interval_days,
    merge_word_spans,
    parse_interval_number,
)
from calcminer.nlp.rules.patterns import CONFIG_FILE, default_patterns_dir
from calcminer.nlp.schema import Report, parse_word_span
from calcminer.nlp.views.explain import render_show
from calcminer.nlp.views.review import render_review

runner = CliRunner()

# --- wordings that recommend imaging -----------------------------------------------------------

#: (text, modality, interval_days, conditional, subject) of the one recommendation expected.
RECOMMENDED = [
    pytest.param(
        "LIVER: Calcified granuloma in segment VI.\nRecommendation: contrast CT.",
        "CT",
        None,
        False,
        "",
        id="recommendation_header_verbless",
    ),
    pytest.param(
        "KIDNEYS: 2 cm complex cyst.\nIMPRESSION: Follow-up ultrasound of the renal cyst in 12 "
        "months.",
        "US",
        365,
        False,
        "renal cyst",
        id="followup_ultrasound_of_the_renal_cyst",
    ),
    pytest.param(
        "IMPRESSION: Calcified liver lesion. Continued CT follow-up.",
        "CT",
        None,
        False,
        "",
        id="continued_ct_followup",
    ),
    pytest.param(
        "IMPRESSION: Indeterminate lesion. MRI for further characterization of the lesion.",
        "MRI",
        None,
        False,
        "lesion",
        id="mri_for_further_characterization",
    ),
    pytest.param(
        "Imp: Calcified SOL in right lobe of liver.\nAdvised CECT abdomen.",
        "CT",
        None,
        False,
        "",
        id="advised_cect",
    ),
    pytest.param("IMP: calcified granuloma liver. Adv: MRI", "MRI", None, False, "", id="adv"),
    pytest.param(
        "imp: calcified granuloma seg 6  gb normal  rec ct abd", "CT", None, False, "", id="rec"
    ),
    pytest.param(
        "liver shows a 2 cm calcified lesion in segment 6. mri liver recommended for "
        "characterisation. spleen normal.",
        "MRI",
        None,
        False,
        "liver",
        id="lower_case_run_on",
    ),
    pytest.param(
        "IMPRESSION: Cirrhosis. Continue (6-monthly) HCC surveillance ultrasound.",
        "US",
        182,
        False,
        "",
        id="continue_6_monthly_surveillance",
    ),
    pytest.param(
        "IMPRESSION: No focal lesion. Continue surveillance ultrasound in 6 months.",
        "US",
        182,
        False,
        "",
        id="continue_surveillance_dev_114",
    ),
    pytest.param(
        "IMPRESSION: No recurrence. Routine surveillance CT in 12 months.",
        "CT",
        365,
        False,
        "",
        id="routine_surveillance_ct",
    ),
    pytest.param(
        "IMPRESSION: Partial response. Restaging recommended in 3 months.",
        "imaging",
        91,
        False,
        "",
        id="restaging_recommended",
    ),
    pytest.param(
        "IMPRESSION: Calcified nodes. Restaging CT recommended.",
        "CT",
        None,
        False,
        "",
        id="restaging_ct",
    ),
    pytest.param(
        "IMPRESSION: Calcified lesion. CT correlation is recommended.",
        "CT",
        None,
        False,
        "",
        id="ct_correlation",
    ),
    pytest.param(
        "IMPRESSION: Echogenic focus. Suggest repeat scan.",
        "imaging",
        None,
        False,
        "",
        id="suggest_repeat_scan",
    ),
    pytest.param(
        "IMPRESSION: Echogenic focus in liver.\nSuggestion: follow up sonography",
        "US",
        None,
        False,
        "",
        id="suggestion_header",
    ),
    pytest.param(
        "IMPRESSION: Calcified granuloma. MRI if clinically required.",
        "MRI",
        None,
        True,
        "",
        id="conditional_verbless",
    ),
    pytest.param(
        "IMPRESSION: Hemangioma. Follow-up MRI in 3 weeks.",
        "MRI",
        21,
        False,
        "",
        id="in_3_weeks",
    ),
    pytest.param(
        "IMPRESSION: Renal cyst. Ultrasound in 1 year.",
        "US",
        365,
        False,
        "",
        id="modality_in_1_year",
    ),
    pytest.param(
        "IMPRESSION: Lung nodule. CT chest for staging.",
        "CT",
        None,
        False,
        "lung",
        id="ct_chest_for_staging",
    ),
    pytest.param(
        "IMPRESSION: Choledocholithiasis. MRCP if ERCP is not planned.",
        "MRCP",
        None,
        True,
        "",
        id="mrcp_if",
    ),
    pytest.param(
        "IMPRESSION: Hemangioma. PET-CT is recommended in six weeks.",
        "PET",
        42,
        False,
        "",
        id="pet_in_six_weeks",
    ),
    pytest.param(
        "IMPRESSION: Indeterminate lesion. Biopsy or MRI recommended.",
        "MRI",
        None,
        False,
        "",
        id="biopsy_with_imaging",
    ),
    pytest.param(
        "Opinion: calcified focus; needs CT correlation.",
        "CT",
        None,
        False,
        "",
        id="needs_ct_correlation",
    ),
    pytest.param(
        "Multiple nodules. Further workup could be initiated with contrasted CT of the chest.",
        "CT",
        None,
        False,
        "lung",
        id="could_be_initiated",
    ),
]


@pytest.mark.parametrize(("text", "modality", "days", "conditional", "subject"), RECOMMENDED)
def test_recommendations_wordings_recommend(
    miner: Miner, text: str, modality: str, days: int | None, conditional: bool, subject: str
) -> None:
    result = miner.mine_text(text)
    assert result.followup_recommended is True
    assert len(result.recommendations) == 1
    rec = result.recommendations[0]
    assert (rec.modality, rec.interval_days, rec.conditional, rec.subject) == (
        modality,
        days,
        conditional,
        subject,
    )
    assert text[rec.start_char : rec.end_char] == rec.text
    assert rec.rule_ids


NOT_RECOMMENDED = [
    pytest.param("IMPRESSION: Calcified granuloma. No follow-up.", id="no_followup"),
    pytest.param("IMPRESSION: Calcified granuloma. No further imaging needed.", id="not_needed"),
    pytest.param(
        "liver normal. calcified granuloma segment 6. no further imaging needed. spleen normal.",
        id="not_needed_lower_case_run_on",
    ),
    pytest.param(
        "liver normal. calcified granuloma segment 6. no further imaging needed.  spleen normal.",
        id="not_needed_double_space",
    ),
    pytest.param(
        "imp: calcified granuloma liver.no further imaging needed.spleen normal",
        id="not_needed_no_spaces",
    ),
    pytest.param("IMPRESSION: calcified granuloma. no follow up required", id="no_followup_lc"),
    pytest.param("IMPRESSION: Calcified granuloma. MRI is not recommended.", id="not_recommended"),
    pytest.param("IMPRESSION: Calcified granuloma. Follow-up is not necessary.", id="unnecessary"),
    pytest.param("IMPRESSION: Indeterminate lesion. Biopsy recommended.", id="biopsy_alone"),
    pytest.param(
        "IMPRESSION: Indeterminate lesion. Serology for hydatid recommended.", id="serology"
    ),
    pytest.param(
        "IMPRESSION: Indeterminate lesion. Surgical referral recommended.", id="surgical_referral"
    ),
    pytest.param(
        "IMPRESSION: Indeterminate lesion. Referral to hepatology recommended.", id="specialist"
    ),
    pytest.param(
        "IMPRESSION: Calcified granuloma. Clinical correlation recommended.", id="clinical_corr"
    ),
    pytest.param(
        "IMPRESSION: Calcified granuloma. Follow up as clinically indicated.",
        id="followup_as_clinically_indicated",
    ),
    pytest.param(
        "HISTORY: HCC surveillance.\nLIVER: Calcified granuloma in segment VI.",
        id="programme_as_exam_reason",
    ),
    pytest.param(
        "ULTRASOUND LIVER AND MRCP CORRELATION\nLIVER: Calcified granuloma in segment VI.",
        id="header_names_this_exam",
    ),
    pytest.param(
        "FOLLOW-UP ULTRASOUND LIVER\nIMPRESSION: Calcified granuloma.", id="exam_title_line"
    ),
    pytest.param(
        "IMPRESSION: Stable cyst. Follow-up CT shows no change.", id="plan_words_describing_exam"
    ),
    pytest.param(
        "IMPRESSION: Calcified granuloma.\nFollow-up ultrasound: stable.", id="plan_as_header"
    ),
    pytest.param("IMPRESSION: Continue work-up.", id="continue_without_modality"),
    pytest.param(
        "If a hepatic calcification is suspected clinically, it would be better assessed on CT.",
        id="if_clause_without_recommendation",
    ),
    pytest.param(
        "LIVER: 3 mm calcified granuloma in segment VI. Otherwise normal abdominal ultrasound.",
        id="no_recommendation",
    ),
    pytest.param(
        "IMPRESSION: Appearances suggest prior granulomatous infection, as seen on CT.",
        id="suggest_as_a_reading",
    ),
    pytest.param(
        "IMPRESSION: Lesion is considered benign on prior MRI.", id="considered_as_a_reading"
    ),
    pytest.param(
        "IMPRESSION: Stable granuloma. Follow-up ultrasound was recommended on the prior report.",
        id="past_recommendation",
    ),
    pytest.param(
        "Surveillance ultrasound for HCC.\nLIVER: Calcified granuloma.", id="opening_clause_title"
    ),
    pytest.param(
        "PLAN: She needs to follow up with me in approximately 2 weeks.", id="clinic_visit"
    ),
]


@pytest.mark.parametrize("text", NOT_RECOMMENDED)
def test_recommendations_wordings_recommend_nothing(miner: Miner, text: str) -> None:
    result = miner.mine_text(text)
    assert result.followup_recommended is False
    assert result.recommendations == ()
    assert result.liver_followup_recommended is False


def test_recommendations_double_space_changes_nothing(miner: Miner) -> None:
    """A double space after a period splits sentences differently; the decision stays."""
    one = "IMPRESSION: Calcified granuloma. MRI recommended for characterisation. Spleen normal."
    two = one.replace(". ", ".  ")
    low = one.lower()
    results = [miner.mine_text(t) for t in (one, two, low, low.replace(". ", ".  "))]
    assert [r.followup_recommended for r in results] == [True] * 4
    assert {r.recommendations[0].modality for r in results} == {"MRI"}


def test_recommendations_one_per_named_modality(miner: Miner) -> None:
    result = miner.mine_text("IMPRESSION: Indeterminate lesion. Recommend MRI or CT in 3 months.")
    assert [r.modality for r in result.recommendations] == ["MRI", "CT"]
    assert result.followup_modalities == ("CT", "MRI")
    assert {r.interval_days for r in result.recommendations} == {91}


# --- liver_followup_recommended ----------------------------------------------------------------

LIVER_FOLLOWUP = [
    pytest.param(
        "LIVER: 5 mm calcified granuloma in segment VI.\nIMPRESSION: Follow-up ultrasound of the "
        "liver in 6 months.",
        True,
        id="names_the_liver",
    ),
    pytest.param(
        "IMPRESSION: 2 cm calcified lesion in segment VII; MRI recommended.",
        True,
        id="liver_target_in_the_item",
    ),
    pytest.param(
        "LIVER: 5 mm calcified granuloma in segment VI.\nIMPRESSION: Calcified granuloma. "
        "Follow-up ultrasound in 6 months.",
        True,
        id="non_specific_with_liver_calcification",
    ),
    pytest.param(
        "LIVER: 5 mm calcified granuloma in segment VI.\nKIDNEYS: 2 cm cyst.\nIMPRESSION: "
        "Follow-up ultrasound of the renal cyst in 12 months.",
        False,
        id="another_organ_named",
    ),
    pytest.param(
        "LIVER: 5 mm calcified granuloma in segment VI.\nIMPRESSION:\n1. Small calcification, "
        "benign.\n2. 5 mm gallbladder polyp; repeat ultrasound in 12 months suggested.",
        False,
        id="item_of_another_organ",
    ),
    pytest.param(
        "LIVER: No focal lesion.\nConclusion: Probable haemangioma in segment III.\n"
        "Suggestion: follow-up sonography in 6 months.",
        True,
        id="liver_finding_in_the_clause_before",
    ),
    pytest.param(
        "IMPRESSION: Cirrhosis. No focal lesion. Continue HCC surveillance ultrasound.",
        True,
        id="hcc_surveillance",
    ),
    pytest.param(
        "LIVER: Normal.\nKIDNEYS: Complex cyst.\nIMPRESSION: Complex renal cyst. Follow-up "
        "ultrasound in 6 months.",
        False,
        id="non_specific_without_liver_finding",
    ),
]


@pytest.mark.parametrize(("text", "liver"), LIVER_FOLLOWUP)
def test_recommendations_liver_followup(miner: Miner, text: str, liver: bool) -> None:
    result = miner.mine_text(text)
    assert result.followup_recommended is True
    assert result.liver_followup_recommended is liver


# --- pure parts ---------------------------------------------------------------------------------

FACTORS = {"day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}


@pytest.mark.parametrize(
    ("number", "unit", "days"),
    [(6, "month", 182), (3, "week", 21), (1, "year", 365), (12, "month", 365), (3, "month", 91)],
)
def test_recommendations_interval_days(number: float, unit: str, days: int) -> None:
    assert interval_days(number, unit, FACTORS) == days


def test_recommendations_interval_days_unknown_unit_or_zero() -> None:
    assert interval_days(6, "fortnight", FACTORS) is None
    assert interval_days(0, "month", FACTORS) is None


@pytest.mark.parametrize(
    ("words", "number"),
    [
        (["6", "-", "monthly"], 6.0),
        (["a", "year"], 1.0),
        (["six", "weeks"], 6.0),
        (["annual"], 1.0),
    ],
)
def test_recommendations_interval_number(words: list[str], number: float) -> None:
    assert parse_interval_number(words, {"a": 1, "six": 6}) == number


def test_recommendations_merge_word_spans_keeps_longest_label() -> None:
    merged = merge_word_spans(
        [(10, 20, "FOLLOWUP"), (0, 12, "FOLLOWUP_PLAN"), (30, 35, "INTERVAL"), (0, 4, "X")]
    )
    assert merged == [(0, 20, "FOLLOWUP_PLAN"), (30, 35, "INTERVAL")]


def test_recommendations_clause_bounds() -> None:
    nlp = spacy.blank("en")
    doc = nlp("Liver normal. Spleen big; kidneys fine\nfollow up  rec ct\n  MRI? yes: no")
    texts = [doc[s:e].text.strip() for s, e in clause_bounds(doc)]
    expected = ["Liver normal.", "Spleen big;", "kidneys fine", "follow up", "rec ct"]
    assert texts == [*expected, "MRI? yes: no"]


def test_recommendations_parse_word_span() -> None:
    assert parse_word_span("FOLLOWUP_PLAN@3-17") == ("FOLLOWUP_PLAN", 3, 17)
    with pytest.raises(InputError) as info:
        parse_word_span("FOLLOWUP 3-17")
    assert info.value.code == "E161"


def test_recommendations_interval_factors_are_configuration(tmp_path: Path) -> None:
    directory = tmp_path / "patterns"
    shutil.copytree(default_patterns_dir(), directory)
    config = directory / CONFIG_FILE
    text = config.read_text(encoding="utf-8")
    assert "days_per_month = 30.4375" in text
    config.write_text(text.replace("days_per_month = 30.4375", "days_per_month = 30.0"), "utf-8")
    miner = Miner(patterns_dir=directory)
    rec = miner.mine_text("IMPRESSION: Follow-up ultrasound in 6 months.").recommendations[0]
    assert rec.interval_days == 180


# --- offsets into the original text -------------------------------------------------------------


def test_recommendations_offsets_point_into_the_original_of_a_reduced_text(miner: Miner) -> None:
    filler = "".join(f"PANCREAS: normal size and echotexture, study line {i}.\n" for i in range(40))
    text = (
        filler + "LIVER: 5 mm calcified granuloma in segment VI.\n" + filler + "IMPRESSION: "
        "Benign granuloma.\nRecommendation: follow-up ultrasound of the liver in 6 months."
    )
    assert miner.reducer.reduce(text, [(0, 10)]) is not None  # this text is reduced
    reduced = miner.mine_text(text)
    whole = Miner(prefilter=False).mine_text(text)
    assert reduced.recommendations == whole.recommendations
    rec = reduced.recommendations[0]
    assert text[rec.start_char : rec.end_char] == rec.text
    assert rec.text.startswith("Recommendation: follow-up ultrasound") and rec.subject == "liver"
    for raw in rec.word_spans:
        _label, start, end = parse_word_span(raw)
        assert rec.start_char <= start < end <= rec.end_char


# --- tables, API, CLI, show, review -------------------------------------------------------------

TWO_REPORTS = [
    {
        "report_id": "a",
        "text": "LIVER: 5 mm calcified granuloma in segment VI.\nIMPRESSION: Calcified "
        "granuloma. Follow-up ultrasound in 6 months.",
    },
    {
        "report_id": "b",
        "text": "KIDNEYS: 2 cm complex cyst.\nIMPRESSION: Follow-up ultrasound of the renal "
        "cyst in 12 months. MRI if clinically required.",
    },
    {"report_id": "c", "text": "Normal liver."},
]


def test_recommendations_table_columns_and_dtypes(miner: Miner) -> None:
    results = list(miner.mine(Report(r["report_id"], r["text"]) for r in TWO_REPORTS))
    frame = recommendations_frame(results)
    assert list(frame.columns) == list(RECOMMENDATION_COLUMNS)
    assert frame["report_id"].tolist() == ["a", "b", "b"]
    assert frame["modality"].tolist() == ["US", "US", "MRI"]
    assert str(frame["interval_days"].dtype) == "Int64"
    assert frame["interval_days"].tolist()[:2] == [182, 365]
    assert frame["interval_days"].isna().tolist() == [False, False, True]
    assert str(frame["conditional"].dtype) == "boolean"
    assert frame["conditional"].tolist() == [False, False, True]
    assert str(frame["concerns_liver"].dtype) == "boolean"
    assert isinstance(frame["rule_ids"][0], list)
    empty = recommendations_frame([])
    assert list(empty.columns) == list(RECOMMENDATION_COLUMNS) and len(empty) == 0
    assert str(empty["interval_days"].dtype) == "Int64"


def test_recommendations_api_tables(tmp_path: Path, miner: Miner) -> None:
    path = tmp_path / "reports.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in TWO_REPORTS) + "\n", encoding="utf-8")
    tables = extract_tables(path, miner=miner)
    assert tables.recommendations["report_id"].tolist() == ["a", "b", "b"]
    reports = tables.reports.set_index("report_id")
    assert reports.loc["a", "liver_followup_recommended"]
    assert not reports.loc["b", "liver_followup_recommended"]
    assert reports.loc["b", "followup_recommended"]
    assert not reports.loc["c", "followup_recommended"]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_recommendations_cli_output_same_for_any_workers_and_chunks(
    tmp_path: Path, suffix: str
) -> None:
    archive = tmp_path / "archive.jsonl"
    rows = [dict(r, report_id=f"{r['report_id']}{i}") for i in range(7) for r in TWO_REPORTS]
    archive.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    written = []
    for workers, chunk in ((1, 1000), (2, 4), (1, 5)):
        out = tmp_path / f"w{workers}c{chunk}"
        result = runner.invoke(
            app,
            [
                "extract",
                str(archive),
                "-o",
                str(out / f"reports{suffix}"),
                "--recommendations-out",
                str(out / f"recommendations{suffix}"),
                "--workers",
                str(workers),
                "--chunk-size",
                str(chunk),
                "--quiet",
            ],
        )
        assert result.exit_code == 0, result.output
        written.append(out / f"recommendations{suffix}")
    if suffix == ".parquet":
        frames = [pd.read_parquet(p) for p in written]
        assert all(frames[0].equals(f) for f in frames[1:])
        assert len(frames[0]) == 21
    else:
        contents = [p.read_bytes() for p in written]
        assert contents[0] == contents[1] == contents[2]
        lines = contents[0].decode("utf-8").splitlines()
        assert len(lines) == 21 + (1 if suffix == ".csv" else 0)


def test_recommendations_run_extract_checks_the_output_path(tmp_path: Path) -> None:
    from calcminer.nlp.errors import OutputError

    archive = tmp_path / "a.jsonl"
    archive.write_text(json.dumps(TWO_REPORTS[0]) + "\n", encoding="utf-8")
    with pytest.raises(OutputError, match="E201"):
        run_extract(
            [archive],
            tmp_path / "r.csv",
            recommendations_out=tmp_path / "rec.xlsx",
            engine=EngineOptions(workers=1),
        )


def test_recommendations_show_marks_the_words(miner: Miner) -> None:
    text = TWO_REPORTS[1]["text"]
    rendered = render_show(text, miner.mine_text(text), color=False).plain
    assert "{Follow-up ultrasound}" in rendered and "{12 months}" in rendered
    assert "{MRI} {if clinically required}" in rendered
    assert "modality MRI" in rendered and "conditional yes" in rendered
    assert "liver_followup_recommended false" in rendered


def test_recommendations_review_marks_the_words(miner: Miner) -> None:
    report = Report("b", TWO_REPORTS[1]["text"])
    page = render_review([(report, miner.mine_text(report.text, "b"))])
    assert page.count('class="hl rec"') >= 3  # the legend sample and the marked words
    assert "modality: MRI" in page and "conditional: yes" in page


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_recommendations_jsonl_row_encoding(tmp_path: Path) -> None:
    archive = tmp_path / "a.jsonl"
    archive.write_text(json.dumps(TWO_REPORTS[1]) + "\n", encoding="utf-8")
    out = tmp_path / "rec.jsonl"
    run_extract(
        [archive], tmp_path / "r.jsonl", recommendations_out=out, engine=EngineOptions(workers=1)
    )
    rows = _rows(out)
    assert [r["interval_days"] for r in rows] == [365, None]
    assert rows[0]["subject"] == "renal cyst" and rows[0]["organ"] == "kidney"
    assert rows[1]["conditional"] is True and isinstance(rows[1]["rule_ids"], list)


def test_recommendations_prefilter_keeps_the_clause_before(miner: Miner) -> None:
    """The clauses that place a recommendation naming no organ reach the pipeline: the piece
    holding a letter before it when that piece names an organ (its clause most likely places
    the recommendation), else, or when asked (``look_back``), as many pieces as the
    recommendation may look back over, and no more."""
    assert miner.prefilter is not None
    n = miner.prefilter.followup_context_pieces
    assert n >= 2
    organ_lines = [f"Organ {k}: normal." for k in range(n)]
    text = (
        "\n".join(organ_lines) + "\nConclusion: Probable haemangioma in segment VI.\n\n---\n"
        "Suggestion: follow-up sonography in 6 months."
    )
    first = miner.prefilter.candidate_units(text)
    assert [text[a:b] for a, b in first.followups] == [
        "Conclusion: Probable haemangioma in segment VI.",
        "---",
        "Suggestion: follow-up sonography in 6 months.",
    ]
    assert not first.look_back_kept
    asked = miner.prefilter.candidate_units(text, look_back=True)
    assert [text[a:b] for a, b in asked.followups] == [
        *organ_lines[-(n - 1) :],
        "Conclusion: Probable haemangioma in segment VI.",
        "---",
        "Suggestion: follow-up sonography in 6 months.",
    ]
    assert asked.look_back_kept
    unnamed = text.replace("Probable haemangioma in segment VI", "Probable haemangioma")
    assert (
        next(unnamed[a:b] for a, b in miner.prefilter.candidate_units(unnamed).followups)
        == (organ_lines[-(n - 1)])
    )
    result = miner.mine_text(text)
    assert result.liver_followup_recommended is True
    assert result == Miner(prefilter=False).mine_text(text)
