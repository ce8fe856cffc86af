"""Generate the synthetic demo archive for ``calcminer audit`` (input side of the audit flow).

The archive is one JSON Lines file of radiology exams (``report_id``, ``patient_id``,
``exam_date``, ``text``) for a few dozen made-up patients over several years. Every text is
written here from a small template bank; no real patient is described. The exam modality is
only in each report's first line (its exam header), as in archives without a modality column.

Most patients have routine exams only (normal studies, a benign single calcification,
distractors such as splenic granulomas or gallstones). A scripted set of patients carries the
follow-up chains the audit must classify: index exams (triage ``workup`` or ``urgent``, or a
radiologist's recommendation) followed by a qualifying exam within the window, after it, never,
or not yet. A handful of records have an empty or unparseable date or no patient id.

Beside the archive, ``<stem>.labels.csv`` gives, for every report, the triage and follow-up
recommendation the template was written to express (whether it is about the liver, the
modality it names and the interval it states), the modality, the scenario, and the audit level
and status the scripted chain was designed to produce in each audit scope: ``liver`` (the
default: recommendations about the liver) and ``all`` (any organ). The generator checks those
statuses against its own copy of the audit definitions (:func:`check_statuses`: a stated
interval sets the due date, a named modality the qualifying ones, "or better" included) before
it writes anything.

Run ``python sample_reports/audit/make_archive.py`` to rewrite the committed files; the same
arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

Modality = Literal["US", "CT", "MRI"]
Triage = Literal["none", "benign", "workup", "urgent"]
Level = Literal["urgent", "workup", "recommended"]
Status = Literal["completed", "late", "overdue", "pending"]
Scope = Literal["liver", "all"]
#: The audit's scopes: ``liver`` (its default) and ``all`` (``--scope all``).
SCOPES: tuple[Scope, ...] = ("liver", "all")

#: Default output: the committed archive beside this script.
DEFAULT_OUT = Path(__file__).resolve().parent / "archive.jsonl"
DEFAULT_PATIENTS = 70
DEFAULT_SEED = 20240628

#: First and last exam dates. The last one is also the audit's default as-of date (the latest
#: exam date in the archive): one routine exam is always placed on it.
ARCHIVE_START_DATE = date(2019, 1, 7)
ARCHIVE_END_DATE = date(2024, 6, 28)

#: Audit windows and qualifying modalities the scenarios are designed against (the audit's
#: defaults: urgent CT/MRI in 30 days, workup CT/MRI/US in 90, recommended CT/MRI/US in 180).
WINDOW_DAYS: Mapping[Level, int] = {"urgent": 30, "workup": 90, "recommended": 180}
QUALIFYING_MODALITIES: Mapping[Level, frozenset[Modality]] = {
    "urgent": frozenset({"CT", "MRI"}),
    "workup": frozenset({"CT", "MRI", "US"}),
    "recommended": frozenset({"CT", "MRI", "US"}),
}
#: "Or better" (``patterns/audit.toml`` ``[recommendation.or_better]``): a recommendation naming
#: a modality is completed by that modality or these.
OR_BETTER: Mapping[Modality, frozenset[Modality]] = {
    "US": frozenset({"CT", "MRI"}),
    "CT": frozenset({"MRI"}),
    "MRI": frozenset(),
}
#: Days per month of a stated interval, as the miner counts them (``patterns/config.toml``
#: ``days_per_month``; whole days, rounded down: 6 months -> 182 days, 12 -> 365).
DAYS_PER_MONTH = 30.4375
#: Days kept free after the window of an overdue index exam, and before the end of the archive
#: after the last exam of a past chain, so that no status sits on a boundary.
STATUS_MARGIN_DAYS = 200
#: Days kept between a patient's background exams and the start of their scripted chain.
BACKGROUND_GAP_DAYS = 30

#: Routine exams per patient without a scripted chain, and background exams before a chain.
ROUTINE_EXAMS_RANGE = (3, 9)
BACKGROUND_EXAMS_RANGE = (0, 3)
#: Report ids increase with exam date; the step between two ids is drawn from this range.
REPORT_ID_STEP_RANGE = (1, 9)
REPORT_ID_START = 1000
#: Patient ids are drawn without replacement from 1 .. this number.
PATIENT_ID_MAX = 999

#: Date values of the records that the audit must report as errors.
UNPARSEABLE_DATE = "31/02/2021"
UNKNOWN_DATE = "unknown"

Problem = Literal["empty_date", "unparseable_date", "unknown_date", "missing_patient_id"]


# --- sites and formatting --------------------------------------------------------------------

#: Couinaud segments used for findings, with their lobe (the caudate lobe is left out).
SEGMENT_LOBES: Mapping[str, str] = {
    "II": "left",
    "III": "left",
    "IVa": "left",
    "IVb": "left",
    "V": "right",
    "VI": "right",
    "VII": "right",
    "VIII": "right",
}
_SEGMENT_NUMBERS: Mapping[str, str] = {
    "II": "2",
    "III": "3",
    "IVa": "4a",
    "IVb": "4b",
    "V": "5",
    "VI": "6",
    "VII": "7",
    "VIII": "8",
}
#: Small (benign-range) calcifications, in mm.
SMALL_SIZE_MM_RANGE = (3, 14)
#: Urgent-range calcified masses, in mm (above the 30 mm urgent threshold, with a margin for
#: the few millimetres a later exam may measure differently).
LARGE_SIZE_MM_RANGE = (34, 62)
#: Non-calcified lesions (cysts, hemangiomas, indeterminate lesions), in tenths of a cm.
LESION_SIZE_TENTHS_CM_RANGE = (8, 32)


@dataclass(frozen=True)
class Site:
    """Where a patient's finding lies and how big it is, kept across a follow-up chain.

    Attributes:
        segment: Couinaud segment (roman numeral, ``IVa``/``IVb`` for segment 4).
        other_segment: A second segment in the same lobe, for findings in two segments.
        small_mm: Size of a small calcification.
        large_mm: Size of a large calcified mass.
        lesion_tenths_cm: Size of a non-calcified lesion, in tenths of a centimetre.
    """

    segment: str
    other_segment: str
    small_mm: int
    large_mm: int
    lesion_tenths_cm: int

    @property
    def lobe(self) -> str:
        """The lobe of ``segment``."""
        return SEGMENT_LOBES[self.segment]

    @property
    def segment_pair(self) -> str:
        """Both segments in anatomical order, e.g. ``segments II and IVa``."""
        order = list(SEGMENT_LOBES)
        first, second = sorted((self.segment, self.other_segment), key=order.index)
        return f"segments {first} and {second}"


def random_site(rng: random.Random) -> Site:
    """Draw a site for one patient.

    Args:
        rng: The generator's random source.

    Returns:
        A segment pair in one lobe and sizes in the benign, urgent and lesion ranges.
    """
    segment = rng.choice(sorted(SEGMENT_LOBES))
    same_lobe = [s for s in sorted(SEGMENT_LOBES) if SEGMENT_LOBES[s] == SEGMENT_LOBES[segment]]
    # Segment 4 is split into IVa and IVb; a second finding goes to another segment number.
    other = rng.choice([s for s in same_lobe if s.rstrip("ab") != segment.rstrip("ab")])
    return Site(
        segment=segment,
        other_segment=other,
        small_mm=rng.randint(*SMALL_SIZE_MM_RANGE),
        large_mm=rng.randint(*LARGE_SIZE_MM_RANGE),
        lesion_tenths_cm=rng.randint(*LESION_SIZE_TENTHS_CM_RANGE),
    )


def segment_phrase(rng: random.Random, segment: str) -> str:
    """``segment VII`` or ``segment 7``."""
    name = segment if rng.random() < 0.6 else _SEGMENT_NUMBERS[segment]
    return f"segment {name}"


def small_size(rng: random.Random, size_mm: int) -> str:
    """A small size as ``6 mm`` or ``0.6 cm``."""
    return f"{size_mm} mm" if rng.random() < 0.7 else f"{size_mm / 10:.1f} cm"


def large_size(rng: random.Random, size_mm: int, two_dimensions: bool = True) -> str:
    """A large size as ``3.8 cm``, ``38 mm`` or ``3.8 x 3.1 cm`` (largest dimension first)."""
    roll = rng.random()
    if roll < 0.5 or not two_dimensions:
        return f"{size_mm / 10:.1f} cm"
    if roll < 0.7:
        return f"{size_mm} mm"
    short_mm = size_mm - rng.randint(3, 9)
    return f"{size_mm / 10:.1f} x {short_mm / 10:.1f} cm"


def lesion_size(size_tenths_cm: int) -> str:
    """A lesion size in cm, e.g. ``1.4 cm``."""
    return f"{size_tenths_cm / 10:.1f} cm"


def an(size: str) -> str:
    """A size after its capitalised indefinite article: ``An 8 mm``, ``A 1.1 cm``."""
    whole = size.split()[0].split(".")[0]
    article = "An" if whole.startswith("8") or whole in ("11", "18") else "A"
    return f"{article} {size}"


# --- report bodies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Advice:
    """One follow-up recommendation a report is written with, as the audit reads it.

    Attributes:
        modality: The exam modality it names, in the audit's labels (``MRCP`` is an ``MRI``),
            or None when it names none.
        months: The interval it states, in months, or None.
    """

    modality: Modality | None
    months: int | None = None

    @property
    def interval_days(self) -> int | None:
        """The stated interval in whole days, as the miner counts them (6 months -> 182)."""
        return None if self.months is None else math.floor(self.months * DAYS_PER_MONTH)


@dataclass(frozen=True)
class Body:
    """The parts of one report that depend on what it shows.

    Attributes:
        liver: Finding sentences about the liver.
        impression: Impression items (one or more sentences each).
        organs: Organ name -> (text after ``ORGAN:``, prose sentence) replacing the normal one.
        indication: Indication text; None for a random routine one.
        comparison: Name the patient's previous exam in a ``COMPARISON:`` line.
        liver_background: Start the liver findings with a normal size/texture sentence.
        liver_lead: (text after ``LIVER:``, prose sentence) to start with instead.
        header: Exam headers to choose from; empty for the modality's usual ones.
        advice: The follow-up recommendations the report writes, in text order.
    """

    liver: tuple[str, ...]
    impression: tuple[str, ...]
    organs: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    indication: str | None = None
    comparison: bool = False
    liver_background: bool = True
    liver_lead: tuple[str, str] | None = None
    header: tuple[str, ...] = ()
    advice: tuple[Advice, ...] = ()


@dataclass(frozen=True)
class Prior:
    """The patient's previous exam, for comparison lines."""

    modality: Modality
    exam_date: date


HEADERS: Mapping[Modality, tuple[str, ...]] = {
    "US": (
        "ULTRASOUND ABDOMEN",
        "ULTRASOUND ABDOMEN COMPLETE",
        "US ABDOMEN",
        "US LIVER",
        "ULTRASOUND LIVER AND BILIARY TREE",
        "ABDOMINAL ULTRASOUND",
        "RIGHT UPPER QUADRANT ULTRASOUND",
        "US ABDOMEN LIMITED",
    ),
    "CT": (
        "CT ABDOMEN AND PELVIS WITH CONTRAST",
        "CT ABDOMEN WITH IV CONTRAST",
        "CT ABDOMEN WITHOUT AND WITH CONTRAST",
        "CT LIVER MULTIPHASE",
        "CT CHEST, ABDOMEN AND PELVIS WITH CONTRAST",
    ),
    "MRI": (
        "MRI LIVER WITHOUT AND WITH CONTRAST",
        "MR ABDOMEN WITHOUT AND WITH CONTRAST",
        "MRI ABDOMEN WITH AND WITHOUT CONTRAST",
        "MR LIVER WITH GADOXETATE",
    ),
}
MRCP_HEADERS: tuple[str, ...] = (
    "MRI ABDOMEN WITH MRCP",
    "MR ABDOMEN WITHOUT AND WITH CONTRAST, MRCP",
    "MRI LIVER AND BILIARY TREE (MRCP)",
)
MODALITY_NAMES: Mapping[Modality, str] = {"US": "Ultrasound", "CT": "CT", "MRI": "MRI"}
INDICATIONS: tuple[str, ...] = (
    "Right upper quadrant pain.",
    "Abnormal liver function tests.",
    "Epigastric pain.",
    "Unintentional weight loss.",
    "Elevated alkaline phosphatase.",
    "Nausea and abdominal bloating.",
    "Chronic hepatitis B.",
    "Abdominal pain.",
    "Iron deficiency anemia.",
    "Dyspepsia.",
    "Elevated transaminases.",
)
FOLLOWUP_INDICATIONS: tuple[str, ...] = (
    "Follow-up of abnormal liver imaging.",
    "Known liver finding, reassessment.",
    "Follow-up of prior abdominal imaging.",
)
INDICATION_LABELS: tuple[str, ...] = ("INDICATION", "HISTORY", "CLINICAL HISTORY")
#: Organs reported before the liver (CT reads from the chest down).
ORGANS_BEFORE_LIVER: frozenset[str] = frozenset({"LUNG BASES"})
#: Share of reports written with organ headers (``LIVER:`` ...); the others are prose under
#: ``FINDINGS:``.
SECTIONED_SHARE = 0.65
#: Share of reports with an indication line, and with ``COMPARISON: None.`` when no prior
#: exam is named.
INDICATION_SHARE = 0.75
NO_COMPARISON_SHARE = 0.3

#: How an organ is described: (text after ``ORGAN:``, prose sentence under ``FINDINGS:``).
_Wording = tuple[str, str]


def _us_organs(rng: random.Random) -> dict[str, _Wording]:
    """Normal wordings of the organs an abdominal ultrasound reports, in report order."""
    duct_mm = rng.randint(2, 5)
    spleen_cm = rng.randint(85, 118) / 10
    organs: dict[str, _Wording] = {
        "GALLBLADDER": rng.choice(
            (
                ("Normal. No stones or wall thickening.", "The gallbladder is normal."),
                ("Normal.", "The gallbladder is unremarkable without stones."),
            )
        ),
        "CBD": (f"{duct_mm} mm.", f"The common bile duct measures {duct_mm} mm."),
        "PANCREAS": rng.choice(
            (
                ("Unremarkable.", "The pancreas is unremarkable."),
                ("Partially obscured by bowel gas.", "The pancreas is partially obscured by gas."),
            )
        ),
        "SPLEEN": (f"{spleen_cm:.1f} cm, homogeneous.", f"The spleen measures {spleen_cm:.1f} cm."),
        "KIDNEYS": (
            "Normal size and echogenicity. No hydronephrosis.",
            "Both kidneys are normal without hydronephrosis.",
        ),
    }
    if rng.random() < 0.4:
        organs["AORTA"] = ("Normal caliber.", "The visualized aorta is of normal caliber.")
    return organs


def _ct_organs(rng: random.Random) -> dict[str, _Wording]:
    """Normal wordings of the organs an abdominal CT reports, in report order."""
    organs: dict[str, _Wording] = {}
    if rng.random() < 0.5:
        organs["LUNG BASES"] = ("Clear.", "The lung bases are clear.")
    organs.update(
        {
            "GALLBLADDER": ("Normal.", "The gallbladder is unremarkable."),
            "BILE DUCTS": ("No dilatation.", "There is no biliary dilatation."),
            "PANCREAS": ("Normal.", "The pancreas is normal."),
            "SPLEEN": ("Normal size.", "The spleen is normal in size."),
            "ADRENALS": ("Normal.", "The adrenal glands are normal."),
            "KIDNEYS": (
                "Symmetric enhancement. No hydronephrosis.",
                "The kidneys enhance symmetrically without hydronephrosis.",
            ),
            "BOWEL": ("No obstruction or wall thickening.", "The bowel is unremarkable."),
        }
    )
    return organs


def _mri_organs(rng: random.Random) -> dict[str, _Wording]:
    """Normal wordings of the organs a liver MRI reports, in report order."""
    del rng  # same wording every time; the signature matches the other modalities
    return {
        "GALLBLADDER": ("Normal.", "The gallbladder is normal."),
        "BILE DUCTS": ("No biliary dilatation.", "There is no biliary dilatation."),
        "PANCREAS": ("Normal signal and caliber of the duct.", "The pancreas is normal."),
        "SPLEEN": ("Normal.", "The spleen is normal."),
        "KIDNEYS": ("Normal.", "The kidneys are normal."),
    }


ORGAN_WRITERS: Mapping[Modality, Callable[[random.Random], dict[str, _Wording]]] = {
    "US": _us_organs,
    "CT": _ct_organs,
    "MRI": _mri_organs,
}


def _liver_background(rng: random.Random, modality: Modality) -> _Wording:
    if modality == "US":
        span_cm = rng.randint(138, 168) / 10
        return (
            f"Normal size ({span_cm:.1f} cm), homogeneous echotexture.",
            f"The liver is normal in size ({span_cm:.1f} cm) with homogeneous echotexture.",
        )
    if modality == "CT":
        return ("Normal size and attenuation.", "The liver is normal in size and attenuation.")
    return ("Normal size and signal intensity.", "The liver is normal in size and signal.")


def _format_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def write_report(
    rng: random.Random, modality: Modality, body: Body, prior: Prior | None, exam_date: date
) -> str:
    """Assemble a report: exam header, history, comparison, findings and impression.

    Args:
        rng: The generator's random source.
        modality: The exam's modality; the header names it in the first line.
        body: What the report shows.
        prior: The patient's previous exam, for a comparison line.
        exam_date: This exam's date (a same-day prior is named as such).

    Returns:
        The report text, lines joined with ``\\n``.
    """
    lines = [rng.choice(body.header or HEADERS[modality])]
    if body.indication is not None or rng.random() < INDICATION_SHARE:
        indication = body.indication or rng.choice(INDICATIONS)
        lines.append(f"{rng.choice(INDICATION_LABELS)}: {indication}")
    if body.comparison and prior is not None:
        name = MODALITY_NAMES[prior.modality]
        if prior.exam_date == exam_date:
            lines.append(f"COMPARISON: {name} performed earlier the same day.")
        else:
            lines.append(f"COMPARISON: {name} of {_format_date(prior.exam_date)}.")
    elif rng.random() < NO_COMPARISON_SHARE:
        lines.append("COMPARISON: None.")
    organs = ORGAN_WRITERS[modality](rng)
    organs.update(body.organs)
    lead = body.liver_lead or _liver_background(rng, modality)
    first = [(o, w) for o, w in organs.items() if o in ORGANS_BEFORE_LIVER]
    after = [(o, w) for o, w in organs.items() if o not in ORGANS_BEFORE_LIVER]
    sectioned = rng.random() < SECTIONED_SHARE
    if sectioned:
        liver = ([lead[0]] if body.liver_background else []) + list(body.liver)
        lines.extend(f"{organ}: {wording[0]}" for organ, wording in first)
        lines.append("LIVER: " + " ".join(liver))
        lines.extend(f"{organ}: {wording[0]}" for organ, wording in after)
    else:
        liver = ([lead[1]] if body.liver_background else []) + list(body.liver)
        lines.append("FINDINGS:")
        prose = [w[1] for _, w in first] + liver + [w[1] for _, w in after]
        lines.append(" ".join(prose))
    if len(body.impression) == 1:
        lines.append(f"IMPRESSION: {body.impression[0]}")
    else:
        lines.append("IMPRESSION:")
        lines.extend(f"{i}. {item}" for i, item in enumerate(body.impression, start=1))
    return "\n".join(lines)


# --- the template bank: one writer per kind of exam ------------------------------------------

BodyWriter = Callable[[random.Random, Modality, Site], Body]


@dataclass(frozen=True)
class Kind:
    """One kind of exam: what its report says and the labels it is written to get.

    Attributes:
        name: Snake-case name, used in the scenario tables.
        triage: Triage the report is written to receive.
        followup: Whether the report recommends imaging follow-up.
        modalities: Modalities the template is written for.
        write: Builds the report body; its ``advice`` says what the recommendation states
            (modality, interval), and is empty exactly when ``followup`` is false.
        liver: Whether its recommendation is about the liver or its calcification (the
            miner's ``liver_followup_recommended``); false for one about another organ.
    """

    name: str
    triage: Triage
    followup: bool
    modalities: frozenset[Modality]
    write: BodyWriter
    liver: bool = True

    @property
    def liver_followup(self) -> bool:
        """Whether the report recommends follow-up of the liver."""
        return self.followup and self.liver

    def recommends_in(self, scope: Scope) -> bool:
        """Whether the report recommends follow-up within the audit's ``scope``."""
        return self.liver_followup if scope == "liver" else self.followup

    def level(self, scope: Scope = "liver") -> Level | None:
        """Audit level of an exam of this kind in ``scope``, or None: not an index exam."""
        if self.triage == "urgent" or self.triage == "workup":
            return self.triage
        return "recommended" if self.recommends_in(scope) else None


KINDS: dict[str, Kind] = {}
_ALL: frozenset[Modality] = frozenset({"US", "CT", "MRI"})
_US_CT: frozenset[Modality] = frozenset({"US", "CT"})


def kind(
    triage: Triage, followup: bool, modalities: frozenset[Modality] = _ALL, liver: bool = True
) -> Callable[[BodyWriter], BodyWriter]:
    """Register a body writer as a kind of exam named after the function.

    Args:
        triage: Triage the report is written to receive.
        followup: Whether the report recommends imaging follow-up.
        modalities: Modalities the template is written for.
        liver: Whether its recommendation is about the liver (False: another organ).

    Returns:
        A decorator that registers the writer in ``KINDS`` and returns it unchanged.
    """

    def register(write: BodyWriter) -> BodyWriter:
        name = write.__name__.removeprefix("_")
        KINDS[name] = Kind(name, triage, followup, modalities, write, liver)
        return write

    return register


def _no_followup(rng: random.Random) -> tuple[str, ...]:
    """An optional closing sentence that recommends nothing."""
    return rng.choice(((), ("No follow-up needed.",), ("No further imaging is required.",)))


# routine exams: no counted calcification, no recommendation


@kind("none", False)
def _normal(rng: random.Random, modality: Modality, site: Site) -> Body:
    del site
    liver = {
        "US": ("No focal lesion.", "No focal hepatic lesion. No intrahepatic ductal dilatation."),
        "CT": ("No focal lesion.", "No focal hepatic lesion. Patent portal and hepatic veins."),
        "MRI": ("No focal lesion or abnormal enhancement.", "No focal hepatic lesion."),
    }[modality]
    impression = {
        "US": ("Normal abdominal ultrasound.", "Unremarkable ultrasound of the liver."),
        "CT": ("No acute abnormality in the abdomen.", "Normal liver. No acute findings."),
        "MRI": ("Normal MRI of the liver.", "No focal liver lesion."),
    }[modality]
    return Body(liver=(rng.choice(liver),), impression=(rng.choice(impression),))


@kind("none", False)
def _steatosis(rng: random.Random, modality: Modality, site: Site) -> Body:
    del site
    liver = {
        "US": "Diffusely increased echogenicity (bright liver), consistent with steatosis.",
        "CT": "Diffusely decreased attenuation, consistent with steatosis.",
        "MRI": "Signal loss on opposed-phase images, consistent with steatosis.",
    }[modality]
    span_cm = rng.randint(160, 195) / 10
    return Body(
        liver=(liver, "No focal lesion."),
        impression=(rng.choice(("Hepatic steatosis.", "Fatty liver. No focal lesion.")),),
        liver_lead=(
            f"Enlarged, {span_cm:.1f} cm.",
            f"The liver is enlarged, measuring {span_cm:.1f} cm.",
        ),
    )


@kind("none", False)
def _simple_cyst(rng: random.Random, modality: Modality, site: Site) -> Body:
    size = lesion_size(site.lesion_tenths_cm)
    where = segment_phrase(rng, site.segment)
    liver = {
        "US": f"{an(size)} anechoic cyst with posterior acoustic enhancement in {where}.",
        "CT": f"{an(size)} homogeneous water-attenuation cyst in {where}.",
        "MRI": f"{an(size)} T2-hyperintense non-enhancing cyst in {where}.",
    }[modality]
    return Body(
        liver=(liver, "No other lesion."),
        impression=(" ".join(("Simple hepatic cyst, benign.", *_no_followup(rng))),),
    )


@kind("none", False, frozenset({"US"}))
def _hemangioma(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    size = lesion_size(site.lesion_tenths_cm)
    where = segment_phrase(rng, site.segment)
    return Body(
        liver=(
            f"{an(size)} well-defined homogeneous hyperechoic lesion without acoustic shadowing "
            f"in {where}, unchanged from prior imaging, consistent with a hemangioma.",
        ),
        impression=("Stable hepatic hemangioma.",),
    )


@kind("none", False, _US_CT)
def _splenic_granulomas(rng: random.Random, modality: Modality, site: Site) -> Body:
    del site
    largest_mm = rng.randint(3, 7)
    spleen = (
        f"Several calcified granulomas, up to {largest_mm} mm.",
        f"Several calcified granulomas are present in the spleen, up to {largest_mm} mm.",
    )
    liver = "No focal lesion." if modality == "CT" else "No focal lesion or calcification."
    return Body(
        liver=(liver,),
        organs={"SPLEEN": spleen},
        impression=("Splenic calcified granulomas, sequelae of prior granulomatous disease.",),
    )


@kind("none", False, _US_CT)
def _gallstones(rng: random.Random, modality: Modality, site: Site) -> Body:
    del site
    largest_cm = rng.randint(6, 22) / 10
    if modality == "US":
        gallbladder = (
            f"Several mobile shadowing stones, the largest {largest_cm:.1f} cm. "
            "No wall thickening.",
            f"The gallbladder contains several mobile shadowing stones, the largest "
            f"{largest_cm:.1f} cm, without wall thickening.",
        )
    else:
        gallbladder = (
            f"Layering calcified gallstones, the largest {largest_cm:.1f} cm.",
            f"Layering calcified gallstones are present, the largest {largest_cm:.1f} cm.",
        )
    return Body(
        liver=("No focal lesion.",),
        organs={"GALLBLADDER": gallbladder},
        impression=("Cholelithiasis without cholecystitis.", "Normal liver."),
    )


@kind("none", False, _US_CT)
def _aortic_calcification(rng: random.Random, modality: Modality, site: Site) -> Body:
    del rng, site
    aorta = (
        "Atherosclerotic calcification, normal caliber.",
        "The abdominal aorta shows atherosclerotic calcification with normal caliber.",
    )
    organ = "AORTA" if modality == "US" else "VESSELS"
    return Body(
        liver=("No focal lesion.",),
        organs={organ: aorta},
        impression=("Aortic atherosclerosis. Otherwise unremarkable.",),
    )


@kind("none", False, _US_CT)
def _kidney_stone(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality, site
    stone_mm = rng.randint(3, 9)
    side = rng.choice(("left", "right"))
    stone = an(f"{stone_mm} mm")
    kidneys = (
        f"{stone} nonobstructing calculus in the {side} lower pole. No hydronephrosis.",
        f"{stone} nonobstructing calculus is seen in the {side} lower pole.",
    )
    return Body(
        liver=("No focal lesion.",),
        organs={"KIDNEYS": kidneys},
        impression=(f"Nonobstructing {side} nephrolithiasis. Normal liver.",),
    )


@kind("none", False, frozenset({"CT"}))
def _calcific_pancreatitis(rng: random.Random, modality: Modality, site: Site) -> Body:
    del rng, modality, site
    pancreas = (
        "Atrophic, with coarse parenchymal calcifications, consistent with chronic pancreatitis.",
        "The pancreas is atrophic with coarse parenchymal calcifications, consistent with "
        "chronic pancreatitis.",
    )
    return Body(
        liver=("No focal lesion.",),
        organs={"PANCREAS": pancreas},
        impression=("Chronic calcific pancreatitis. No hepatic abnormality.",),
    )


@kind("none", False, _US_CT)
def _no_hepatic_calcification(rng: random.Random, modality: Modality, site: Site) -> Body:
    del site
    liver = (
        "No calcification or shadowing echogenic focus in the liver."
        if modality == "US"
        else "No hepatic calcification or focal lesion."
    )
    return Body(
        liver=(liver,),
        indication="Possible right upper quadrant density on abdominal radiograph.",
        impression=(rng.choice(("No hepatic calcification.", "Normal liver.")),),
    )


@kind("benign", False, _US_CT)
def _benign_single(rng: random.Random, modality: Modality, site: Site) -> Body:
    size = small_size(rng, site.small_mm)
    where = segment_phrase(rng, site.segment)
    if modality == "US":
        liver = rng.choice(
            (
                f"{an(size)} calcified granuloma with posterior acoustic shadowing in {where}.",
                f"A single {size} coarse calcification with acoustic shadowing in {where}.",
            )
        )
    else:
        liver = rng.choice(
            (
                f"{an(size)} calcified granuloma in {where}.",
                f"{an(size)} coarse calcification in {where} without an associated mass.",
            )
        )
    return Body(
        liver=(liver, "No other focal lesion."),
        impression=(
            " ".join(
                (
                    f"Single small hepatic calcification in {where}, likely an old granuloma.",
                    *_no_followup(rng),
                )
            ),
        ),
    )


@kind("benign", False, _US_CT)
def _benign_stable(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    size = small_size(rng, site.small_mm)
    where = segment_phrase(rng, site.segment)
    return Body(
        liver=(f"The {size} calcified granuloma in {where} is unchanged.",),
        impression=("Stable benign hepatic calcified granuloma.",),
    )


# index exams: a recommendation for a benign or normal liver (level "recommended")


def _followup_us(rng: random.Random, months: int) -> str:
    """A follow-up ultrasound in ``months`` (the report's advice: :func:`_followup_us_advice`)."""
    return rng.choice(
        (
            f"Recommend follow-up ultrasound in {months} months.",
            f"Follow-up ultrasound in {months} months is recommended.",
        )
    )


def _probable_calcification(rng: random.Random, site: Site) -> tuple[str, str]:
    size = small_size(rng, site.small_mm)
    where = segment_phrase(rng, site.segment)
    liver = (
        f"{an(size)} echogenic focus with posterior acoustic shadowing in {where}, "
        "likely a calcification."
    )
    return liver, f"Probable {size} calcification in {where}."


def _followup_us_advice(months: int) -> tuple[Advice, ...]:
    """What :func:`_followup_us` recommends: an ultrasound in ``months``."""
    return (Advice("US", months),)


@kind("benign", True, frozenset({"US"}))
def _benign_followup_6m(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    liver, impression = _probable_calcification(rng, site)
    return Body(
        liver=(liver,),
        impression=(f"{impression} {_followup_us(rng, 6)}",),
        advice=_followup_us_advice(6),
    )


@kind("benign", True, frozenset({"US"}))
def _benign_followup_12m(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    liver, impression = _probable_calcification(rng, site)
    return Body(
        liver=(liver,),
        impression=(f"{impression} {_followup_us(rng, 12)}",),
        advice=_followup_us_advice(12),
    )


@kind("none", True, _US_CT)
def _indeterminate_lesion(rng: random.Random, modality: Modality, site: Site) -> Body:
    size = lesion_size(site.lesion_tenths_cm)
    where = segment_phrase(rng, site.segment)
    if modality == "US":
        liver = f"{an(size)} ill-defined hypoechoic lesion in {where}, without shadowing."
    else:
        liver = f"{an(size)} hypoattenuating lesion in {where}, too small to characterize."
    recommend = rng.choice(
        (
            "Recommend MRI for further characterization.",
            "MRI is recommended for further characterization.",
        )
    )
    return Body(
        liver=(liver,),
        impression=(f"Indeterminate {size} lesion in {where}. {recommend}",),
        advice=(Advice("MRI"),),
    )


#: An MRI recommended (MRCP is an MRI), and an MRI named twice ("MRI with MRCP").
_MRI: tuple[Advice, ...] = (Advice("MRI"),)
_MRI_TWICE: tuple[Advice, ...] = (Advice("MRI"), Advice("MRI"))
#: Ultrasound headers of a gallbladder exam: the usual ones, those naming the liver replaced
#: (the miner places a recommendation naming no organ in the liver when the header names it).
#: As many as the usual ones, so that drawing one takes the same random numbers.
GALLBLADDER_US_HEADERS: tuple[str, ...] = tuple(
    {
        "US LIVER": "US GALLBLADDER",
        "ULTRASOUND LIVER AND BILIARY TREE": "ULTRASOUND GALLBLADDER AND BILIARY TREE",
    }.get(header, header)
    for header in HEADERS["US"]
)


@kind("none", True, frozenset({"US"}), liver=False)
def _gallbladder_wall_calcification(rng: random.Random, modality: Modality, site: Site) -> Body:
    del rng, modality, site
    gallbladder = (
        "Curvilinear calcification of the anterior wall. No stones.",
        "There is curvilinear calcification of the anterior gallbladder wall, without stones.",
    )
    return Body(
        liver=("No focal lesion.",),
        organs={"GALLBLADDER": gallbladder},
        impression=(
            "Gallbladder wall calcification; porcelain gallbladder is a consideration. "
            "CT is recommended for further evaluation.",
            "Normal liver.",
        ),
        header=GALLBLADDER_US_HEADERS,
        advice=(Advice("CT"),),
    )


@kind("none", True, frozenset({"CT"}), liver=False)
def _pancreatic_cyst(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    size = lesion_size(site.lesion_tenths_cm)
    pancreas = (
        f"{an(size)} cystic lesion in the body without solid component.",
        f"{an(size)} cystic lesion is present in the pancreatic body without solid component.",
    )
    # MRCP is an MRI: "MRI with MRCP" names it twice.
    recommend, advice = rng.choice(
        (
            ("Recommend MRI with MRCP for further characterization.", _MRI_TWICE),
            ("MRCP is recommended.", _MRI),
        )
    )
    return Body(
        liver=("No focal lesion.",),
        organs={"PANCREAS": pancreas},
        impression=(f"{size} pancreatic cystic lesion. {recommend}", "Normal liver."),
        advice=advice,
    )


# index exams: work-up (multiple, along the intrahepatic bile ducts, or diffuse)


def _duct_findings(rng: random.Random, modality: Modality, site: Site) -> tuple[str, str]:
    largest = small_size(rng, min(site.small_mm, 8))
    segments = site.segment_pair
    if modality == "US":
        liver = rng.choice(
            (
                f"Several punctate echogenic foci with posterior acoustic shadowing along the "
                f"intrahepatic bile ducts of the {site.lobe} lobe, up to {largest}, consistent "
                "with small calcifications. No ductal dilatation.",
                f"Multiple calcifications along the intrahepatic bile ducts in {segments}, "
                f"the largest {largest}. No biliary dilatation.",
            )
        )
    else:
        liver = (
            f"Multiple punctate calcifications along the intrahepatic bile ducts of {segments}, "
            f"up to {largest}, without ductal dilatation."
        )
    impression = (
        f"Calcifications along the {site.lobe} lobe intrahepatic bile ducts; small "
        "intrahepatic duct stones are possible."
    )
    return liver, impression


@kind("workup", False, _US_CT)
def _workup_ducts(rng: random.Random, modality: Modality, site: Site) -> Body:
    liver, impression = _duct_findings(rng, modality, site)
    return Body(liver=(liver,), impression=(impression,))


@kind("workup", True, _US_CT)
def _workup_ducts_mrcp(rng: random.Random, modality: Modality, site: Site) -> Body:
    liver, impression = _duct_findings(rng, modality, site)
    recommend, advice = rng.choice(
        (
            ("Recommend MRCP.", _MRI),
            ("MRI with MRCP is recommended for further evaluation.", _MRI_TWICE),
        )
    )
    return Body(
        liver=(liver,),
        impression=(f"{impression} {recommend}",),
        advice=advice,
    )


@kind("workup", False, _US_CT)
def _workup_diffuse(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    largest_mm = min(site.small_mm, 4)
    liver = rng.choice(
        (
            f"Innumerable punctate calcifications throughout the liver, up to {largest_mm} mm.",
            "Diffuse tiny calcifications scattered throughout both hepatic lobes.",
        )
    )
    return Body(
        liver=(liver,),
        impression=(
            "Diffuse hepatic calcifications, likely sequelae of prior granulomatous infection.",
        ),
    )


def _multiple_findings(rng: random.Random, site: Site) -> tuple[str, str]:
    largest = small_size(rng, site.small_mm)
    where = segment_phrase(rng, site.segment)
    second_mm = max(2, site.small_mm - rng.randint(1, 3))
    liver = rng.choice(
        (
            f"Multiple calcified granulomas in the {site.lobe} lobe, the largest {largest} "
            f"in {where}.",
            f"Two calcified foci in {site.segment_pair}, measuring "
            f"{site.small_mm} mm and {second_mm} mm.",
            f"Several coarse calcifications in {where}, up to {largest}.",
        )
    )
    return liver, "Multiple small hepatic calcifications, likely old granulomas."


@kind("workup", False, _US_CT)
def _workup_multiple(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    liver, impression = _multiple_findings(rng, site)
    return Body(liver=(liver,), impression=(impression,))


@kind("workup", True, frozenset({"US"}))
def _workup_multiple_followup(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    liver, impression = _multiple_findings(rng, site)
    return Body(
        liver=(liver,),
        impression=(f"{impression} {_followup_us(rng, 6)}",),
        advice=_followup_us_advice(6),
    )


# index exams: urgent (a calcification larger than 30 mm)


#: Recommendations of a calcified mass: the words and the modalities they name. The first
#: modality named sets the qualifying ones: a CT or better (CT, MRI), or an MRI only.
URGENT_RECOMMENDATIONS: tuple[tuple[str, tuple[Modality, ...]], ...] = (
    ("Recommend contrast-enhanced CT.", ("CT",)),
    ("Contrast-enhanced MRI is advised.", ("MRI",)),
    ("Recommend CT or MRI for further characterization.", ("CT", "MRI")),
)
#: Those a CT completes.
URGENT_CT_RECOMMENDATIONS = tuple(r for r in URGENT_RECOMMENDATIONS if r[1][0] == "CT")


def _urgent_recommendation(
    rng: random.Random, choices: Sequence[tuple[str, tuple[Modality, ...]]]
) -> tuple[str, tuple[Advice, ...]]:
    """One of ``choices`` and what it advises."""
    text, named = rng.choice(choices)
    return text, tuple(Advice(m) for m in named)


@kind("urgent", True, frozenset({"US"}))
def _urgent_mass(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    return _urgent_mass_body(rng, site, URGENT_RECOMMENDATIONS)


@kind("urgent", True, frozenset({"US"}))
def _urgent_mass_ct_advised(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    return _urgent_mass_body(rng, site, URGENT_CT_RECOMMENDATIONS)


def _urgent_mass_body(
    rng: random.Random, site: Site, choices: Sequence[tuple[str, tuple[Modality, ...]]]
) -> Body:
    """A calcified mass over 3 cm on ultrasound, recommending one of ``choices``."""
    size = large_size(rng, site.large_mm)
    short = large_size(rng, site.large_mm, two_dimensions=False)
    where = segment_phrase(rng, site.segment)
    liver = rng.choice(
        (
            f"{an(size)} coarse calcification with dense posterior acoustic shadowing in {where}.",
            f"{an(size)} calcified mass in {where}, with posterior acoustic shadowing.",
            f"In {where} there is a densely calcified lesion measuring {size}.",
        )
    )
    recommend, advice = _urgent_recommendation(rng, choices)
    return Body(
        liver=(liver, "No other focal lesion."),
        impression=(
            f"{short} calcified mass in {where}; a calcified metastasis cannot be excluded. "
            f"{recommend}",
        ),
        advice=advice,
    )


@kind("urgent", False, frozenset({"US"}))
def _urgent_calcified_cyst(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    size = large_size(rng, site.large_mm)
    short = large_size(rng, site.large_mm, two_dimensions=False)
    where = segment_phrase(rng, site.segment)
    return Body(
        liver=(
            f"{an(size)} cyst with a thick calcified rim and posterior acoustic shadowing in "
            f"{where}, consistent with an inactive hydatid cyst.",
        ),
        impression=(
            f"{short} calcified hydatid cyst in {where}, inactive. No further imaging is required.",
        ),
    )


@kind("urgent", True, frozenset({"US"}))
def _urgent_mass_unchanged(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    size = large_size(rng, site.large_mm, two_dimensions=False)
    where = segment_phrase(rng, site.segment)
    return Body(
        liver=(f"The {size} calcified mass in {where} is unchanged.",),
        impression=(
            f"Unchanged {size} calcified mass in {where}. CT or MRI is again recommended.",
        ),
        comparison=True,
        advice=(Advice("CT"), Advice("MRI")),
    )


@kind("urgent", True, frozenset({"CT"}))
def _urgent_mass_ct(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    size_mm = site.large_mm + rng.randint(-2, 2)
    size = large_size(rng, size_mm)
    short = large_size(rng, size_mm, two_dimensions=False)
    where = segment_phrase(rng, site.segment)
    return Body(
        liver=(
            f"{an(size)} coarsely calcified mass in {where}. Enhancement cannot be "
            "assessed within the calcified portion. No other hepatic lesion.",
        ),
        impression=(
            f"{short} calcified mass in {where}. Recommend MRI for further characterization.",
        ),
        comparison=True,
        advice=(Advice("MRI"),),
    )


# follow-up exams that close a chain (neither flagged nor recommending imaging)


@kind("benign", False, frozenset({"CT"}))
def _ct_single_granuloma(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    where = segment_phrase(rng, site.segment)
    return Body(
        liver=(
            f"A single {site.small_mm} mm calcified granuloma in {where}.",
            "No other hepatic calcification or mass. No biliary dilatation.",
        ),
        impression=(
            f"Single {site.small_mm} mm calcified granuloma in {where}, benign. "
            "No further imaging is needed.",
        ),
        indication=rng.choice(FOLLOWUP_INDICATIONS),
        comparison=True,
    )


@kind("benign", False, frozenset({"US"}))
def _us_single_calcification(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    where = segment_phrase(rng, site.segment)
    return Body(
        liver=(
            f"A single {site.small_mm} mm calcification with acoustic shadowing in {where}.",
            "No other echogenic focus is seen.",
        ),
        impression=("Single small hepatic calcification. No further follow-up is needed.",),
        indication=rng.choice(FOLLOWUP_INDICATIONS),
        comparison=True,
    )


@kind("benign", False, frozenset({"US"}))
def _us_calcification_stable(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    where = segment_phrase(rng, site.segment)
    return Body(
        liver=(f"The {site.small_mm} mm calcification in {where} is unchanged.",),
        impression=("Stable small hepatic calcification, benign. No further follow-up is needed.",),
        indication=rng.choice(FOLLOWUP_INDICATIONS),
        comparison=True,
    )


@kind("workup", False, frozenset({"US"}))
def _us_multiple_stable(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    where = segment_phrase(rng, site.segment)
    return Body(
        liver=(
            f"Multiple calcified granulomas, unchanged from the prior study, the largest "
            f"{site.small_mm} mm in {where}.",
        ),
        impression=("Stable multiple hepatic calcified granulomas.",),
        comparison=True,
    )


@kind("none", False, frozenset({"MRI"}))
def _mri_no_duct_stone(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality, site
    ducts = (
        "No intrahepatic or extrahepatic duct stone. No biliary dilatation or stricture.",
        "There is no intrahepatic or extrahepatic duct stone and no biliary stricture.",
    )
    return Body(
        liver=("No focal lesion.",),
        organs={"BILE DUCTS": ducts},
        impression=("No hepatolithiasis or choledocholithiasis. No further imaging is needed.",),
        indication=rng.choice(FOLLOWUP_INDICATIONS),
        comparison=True,
        header=MRCP_HEADERS,
    )


@kind("none", False, frozenset({"MRI"}))
def _mri_inactive_cyst(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    where = segment_phrase(rng, site.segment)
    return Body(
        liver=(
            f"The lesion in {where} is markedly hypointense on T1- and T2-weighted images, with "
            "no enhancing soft tissue and no restricted diffusion. No other focal lesion.",
        ),
        impression=(
            f"Non-enhancing lesion in {where}, consistent with an inactive hydatid cyst. "
            "No evidence of malignancy. No further imaging is needed.",
        ),
        indication=rng.choice(FOLLOWUP_INDICATIONS),
        comparison=True,
    )


@kind("none", False, frozenset({"MRI"}))
def _mri_hemangioma(rng: random.Random, modality: Modality, site: Site) -> Body:
    del modality
    size = lesion_size(site.lesion_tenths_cm)
    where = segment_phrase(rng, site.segment)
    return Body(
        liver=(
            f"The {size} lesion in {where} is T2-hyperintense with peripheral nodular "
            "enhancement and progressive centripetal fill-in.",
        ),
        impression=(f"Hemangioma in {where}. No further imaging is needed.",),
        indication=rng.choice(FOLLOWUP_INDICATIONS),
        comparison=True,
    )


@kind("none", False, frozenset({"CT"}))
def _ct_gallbladder_wall(rng: random.Random, modality: Modality, site: Site) -> Body:
    del rng, modality, site
    gallbladder = (
        "Thin curvilinear calcification of the anterior wall without a mass.",
        "There is thin curvilinear calcification of the gallbladder wall without a mass.",
    )
    return Body(
        liver=("No focal lesion.",),
        organs={"GALLBLADDER": gallbladder},
        impression=("Partial gallbladder wall calcification without an associated mass.",),
        comparison=True,
    )


#: Kinds of routine exams (patients without a scripted chain, and background exams before a
#: chain), with relative weights. None of them is an index exam.
ROUTINE_KINDS: Mapping[str, int] = {
    "normal": 36,
    "steatosis": 9,
    "simple_cyst": 6,
    "hemangioma": 3,
    "splenic_granulomas": 6,
    "gallstones": 7,
    "aortic_calcification": 5,
    "kidney_stone": 5,
    "calcific_pancreatitis": 2,
    "no_hepatic_calcification": 4,
    "benign_single": 12,
    "benign_stable": 5,
}
#: Modality weights of routine exams.
ROUTINE_MODALITIES: Mapping[Modality, int] = {"US": 65, "CT": 25, "MRI": 10}


# --- scenarios -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One exam of a scripted chain.

    Attributes:
        kinds: Kinds to choose from (one is drawn).
        modality: The exam's modality.
        gap_days: Days after the previous step, inclusive range (ignored for the first step).
        status: Audit status the step is designed to get when it is an index exam in the
            audit's default scope ``liver``.
        problem: A record problem the audit must report instead of using the exam.
        status_all: Its designed status in scope ``all`` when that differs (a recommendation
            about another organ); None: the same as ``status``.
    """

    kinds: tuple[str, ...]
    modality: Modality
    gap_days: tuple[int, int] = (0, 0)
    status: Status | None = None
    problem: Problem | None = None
    status_all: Status | None = None

    def designed(self, scope: Scope) -> Status | None:
        """The designed status in ``scope`` (None: not an index exam there)."""
        return (self.status_all or self.status) if scope == "all" else self.status


@dataclass(frozen=True)
class Scenario:
    """A scripted follow-up chain, given to ``copies`` patients.

    Attributes:
        name: Snake-case name, written to the labels' ``scenario`` column.
        steps: The chain's exams in order.
        copies: How many patients get the chain.
        recent_days: For chains that must end near the archive's end (pending exams): the
            first step lies this many days before the end date (inclusive range). None for a
            chain placed in the past, with its last exam at least ``STATUS_MARGIN_DAYS`` before
            the end date.
        first_dates: For a past chain, the range its first step is drawn from, if narrower
            than the whole archive.
    """

    name: str
    steps: tuple[Step, ...]
    copies: int = 1
    recent_days: tuple[int, int] | None = None
    first_dates: tuple[date, date] | None = None


_WORKUP = ("workup_ducts", "workup_ducts_mrcp", "workup_diffuse", "workup_multiple")
#: Work-ups any modality completes: no recommendation naming one (MRCP takes an MRI).
_WORKUP_ANY_MODALITY = ("workup_ducts", "workup_diffuse", "workup_multiple")
_CLOSING_CT = ("ct_single_granuloma",)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "workup_completed_by_ct",
        (
            Step(_WORKUP_ANY_MODALITY, "US", status="completed"),
            Step(_CLOSING_CT, "CT", (20, 80)),
        ),
        copies=2,
    ),
    Scenario(
        "workup_mrcp_not_completed_by_ct",
        (
            Step(("workup_ducts_mrcp",), "US", status="late"),
            Step(_CLOSING_CT, "CT", (20, 60)),
            Step(("mri_no_duct_stone",), "MRI", (120, 240)),
        ),
    ),
    Scenario(
        "workup_completed_by_mri",
        (
            Step(("workup_ducts_mrcp",), "US", status="completed"),
            Step(("mri_no_duct_stone",), "MRI", (14, 70)),
        ),
    ),
    Scenario(
        "workup_completed_by_us",
        (
            Step(("workup_multiple",), "US", status="completed"),
            Step(("us_single_calcification",), "US", (30, 85)),
        ),
    ),
    Scenario(
        "workup_late",
        (
            Step(_WORKUP_ANY_MODALITY, "US", status="late"),
            Step(_CLOSING_CT, "CT", (110, 400)),
        ),
        copies=2,
    ),
    Scenario("workup_overdue", (Step(_WORKUP, "US", status="overdue"),)),
    Scenario(
        "workup_overdue_followup_undated",
        (
            Step(_WORKUP, "US", status="overdue"),
            Step(_CLOSING_CT, "CT", (50, 80), problem="unparseable_date"),
        ),
        first_dates=(date(2020, 3, 2), date(2020, 11, 13)),
    ),
    Scenario("workup_pending", (Step(_WORKUP, "US", status="pending"),), 2, (10, 80)),
    Scenario(
        "urgent_completed_by_ct",
        (
            Step(("urgent_mass_ct_advised",), "US", status="completed"),
            Step(("urgent_mass_ct",), "CT", (3, 24), status="completed"),
            Step(("mri_inactive_cyst",), "MRI", (5, 24)),
        ),
    ),
    Scenario(
        "urgent_completed_by_mri",
        (
            Step(("urgent_mass",), "US", status="completed"),
            Step(("mri_inactive_cyst",), "MRI", (4, 25)),
        ),
    ),
    Scenario(
        "urgent_followed_by_us_only",
        (
            Step(("urgent_mass",), "US", status="overdue"),
            Step(("urgent_mass_unchanged",), "US", (7, 20), status="overdue"),
        ),
    ),
    Scenario(
        "urgent_us_then_mri",
        (
            Step(("urgent_mass",), "US", status="completed"),
            Step(("urgent_mass_unchanged",), "US", (4, 10), status="completed"),
            Step(("mri_inactive_cyst",), "MRI", (5, 15)),
        ),
    ),
    Scenario(
        "urgent_us_then_late_mri",
        (
            Step(("urgent_mass",), "US", status="late"),
            Step(("urgent_mass_unchanged",), "US", (5, 12), status="late"),
            Step(("mri_inactive_cyst",), "MRI", (45, 100)),
        ),
    ),
    Scenario(
        "urgent_ct_late_mri",
        (
            Step(("urgent_mass_ct",), "CT", status="late"),
            Step(("mri_inactive_cyst",), "MRI", (40, 120)),
        ),
    ),
    Scenario("urgent_pending", (Step(("urgent_mass",), "US", status="pending"),), 1, (2, 22)),
    Scenario(
        "urgent_same_day_us_then_ct",
        (
            Step(("urgent_mass_ct_advised",), "US", status="completed"),
            Step(("urgent_mass_ct",), "CT", (0, 0), status="completed"),
            Step(("mri_inactive_cyst",), "MRI", (6, 20)),
        ),
    ),
    Scenario(
        "urgent_not_recommended",
        (Step(("urgent_calcified_cyst",), "US", status="overdue"),),
    ),
    Scenario(
        "workup_followup_is_index",
        (
            Step(("workup_ducts",), "US", status="completed"),
            Step(("workup_ducts_mrcp",), "CT", (15, 60), status="completed"),
            Step(("mri_no_duct_stone",), "MRI", (20, 80)),
        ),
    ),
    Scenario(
        "several_index_exams",
        (
            Step(("workup_multiple",), "US", status="completed"),
            Step(("us_multiple_stable",), "US", (40, 80), status="late"),
            Step(("benign_followup_6m",), "US", (150, 260), status="completed"),
            Step(("us_calcification_stable",), "US", (140, 175)),
            Step(("workup_multiple_followup",), "US", (250, 500), status="overdue"),
        ),
    ),
    Scenario(
        "recommended_completed",
        (
            Step(("benign_followup_6m",), "US", status="completed"),
            Step(("us_calcification_stable",), "US", (120, 170)),
        ),
    ),
    Scenario(
        "recommended_completed_or_better",
        (
            Step(("benign_followup_6m",), "US", status="completed"),
            Step(_CLOSING_CT, "CT", (60, 170)),
        ),
    ),
    Scenario(
        "recommended_12m_completed_after_window",
        (
            Step(("benign_followup_12m",), "US", status="completed"),
            Step(("us_calcification_stable",), "US", (220, 340)),
        ),
    ),
    Scenario(
        "recommended_late",
        (
            Step(("benign_followup_12m",), "US", status="late"),
            Step(("us_calcification_stable",), "US", (400, 480)),
        ),
    ),
    Scenario("recommended_overdue", (Step(("benign_followup_6m",), "US", status="overdue"),)),
    Scenario(
        "recommended_mri_not_completed_by_ct",
        (
            Step(("indeterminate_lesion",), "US", status="overdue"),
            Step(_CLOSING_CT, "CT", (20, 60)),
        ),
    ),
    Scenario(
        "recommended_pending",
        (Step(("benign_followup_6m",), "US", status="pending"),),
        1,
        (20, 160),
    ),
    Scenario(
        "recommended_mri_completed",
        (
            Step(("indeterminate_lesion",), "US", status="completed"),
            Step(("mri_hemangioma",), "MRI", (10, 60)),
        ),
    ),
    Scenario(
        "recommended_mri_late",
        (
            Step(("indeterminate_lesion",), "CT", status="late"),
            Step(("mri_hemangioma",), "MRI", (200, 320)),
        ),
    ),
    # Recommendations about another organ: index exams in scope "all" only.
    Scenario(
        "other_organ_completed_in_scope_all",
        (
            Step(("gallbladder_wall_calcification",), "US", status_all="completed"),
            Step(("ct_gallbladder_wall",), "CT", (7, 45)),
        ),
    ),
    Scenario(
        "other_organ_overdue_in_scope_all",
        (Step(("pancreatic_cyst",), "CT", status_all="overdue"),),
    ),
)
#: A record with no patient id: a work-up report the audit must list as an error.
ORPHAN_KIND = "workup_ducts_mrcp"


# --- building the archive --------------------------------------------------------------------


@dataclass(frozen=True)
class Exam:
    """One generated exam, before report ids are given.

    Attributes:
        patient: Index of the patient (-1: the record without a patient id).
        exam_date: The exam's real date (the record may carry a broken one, see ``problem``).
        modality: Modality named in the header.
        kind: Name of the kind of exam.
        text: The report.
        scenario: Scenario name, ``background`` or ``routine``.
        status: Designed audit status for an index exam in scope ``liver``, else None.
        problem: Record problem, else None.
        step: Position in the patient's history (orders same-day exams).
        status_all: Designed audit status for an index exam in scope ``all``, else None.
        advice: The recommendations the report writes (what they name and state).
    """

    patient: int
    exam_date: date
    modality: Modality
    kind: str
    text: str
    scenario: str
    status: Status | None = None
    problem: Problem | None = None
    step: int = 0
    status_all: Status | None = None
    advice: tuple[Advice, ...] = ()

    def designed(self, scope: Scope) -> Status | None:
        """The designed status in ``scope`` (None: not an index exam there)."""
        return self.status_all if scope == "all" else self.status


@dataclass(frozen=True)
class Archive:
    """The generated archive: JSON Lines records and label rows, in archive order."""

    records: tuple[dict[str, str], ...]
    labels: tuple[dict[str, str], ...]

    def jsonl(self) -> str:
        """The archive as JSON Lines text."""
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.records)

    def labels_csv(self) -> str:
        """The labels as CSV text."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=LABEL_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.labels)
        return buffer.getvalue()


LABEL_COLUMNS: tuple[str, ...] = (
    "report_id",
    "intended_triage",
    "intended_followup_recommended",
    "modality",
    "scenario",
    "intended_level",
    "intended_status",
    "intended_liver_followup_recommended",
    "recommended_modality",
    "recommended_interval_days",
    "intended_level_all",
    "intended_status_all",
)


class _Builder:
    """Draws exams for every patient with one random source, in a fixed order."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.exams: list[Exam] = []

    def exam(
        self,
        patient: int,
        exam_date: date,
        modality: Modality,
        kind_name: str,
        site: Site,
        scenario: str,
        prior: Prior | None,
        step: int,
        status: Status | None = None,
        problem: Problem | None = None,
        status_all: Status | None = None,
    ) -> Exam:
        spec = KINDS[kind_name]
        if modality not in spec.modalities:
            raise ValueError(f"kind {kind_name} is not written for {modality}")
        body = spec.write(self.rng, modality, site)
        if bool(body.advice) != spec.followup:
            raise RuntimeError(f"kind {kind_name}: its advice and its follow-up flag differ")
        text = write_report(self.rng, modality, body, prior, exam_date)
        exam = Exam(
            patient,
            exam_date,
            modality,
            kind_name,
            text,
            scenario,
            status,
            problem,
            step,
            status_all,
            body.advice,
        )
        self.exams.append(exam)
        return exam

    def routine_kind(self) -> tuple[str, Modality]:
        modality = self.rng.choices(
            list(ROUTINE_MODALITIES), weights=list(ROUTINE_MODALITIES.values())
        )[0]
        names = [n for n in ROUTINE_KINDS if modality in KINDS[n].modalities]
        name = self.rng.choices(names, weights=[ROUTINE_KINDS[n] for n in names])[0]
        return name, modality

    def routine_dates(self, count: int, first: date, last: date) -> list[date]:
        span = (last - first).days
        days = sorted(self.rng.sample(range(span + 1), count))
        return [first + timedelta(days=d) for d in days]

    def background(self, patient: int, before: date, site: Site) -> int:
        """Routine exams before a chain; returns how many were drawn."""
        last = before - timedelta(days=BACKGROUND_GAP_DAYS)
        count = self.rng.randint(*BACKGROUND_EXAMS_RANGE)
        if last <= ARCHIVE_START_DATE + timedelta(days=count):
            return 0
        for step, when in enumerate(self.routine_dates(count, ARCHIVE_START_DATE, last)):
            name, modality = self.routine_kind()
            self.exam(patient, when, modality, name, site, "background", None, step)
        return count

    def chain(self, patient: int, scenario: Scenario) -> None:
        site = random_site(self.rng)
        gaps = [self.rng.randint(*s.gap_days) for s in scenario.steps[1:]]
        span = sum(gaps)
        if scenario.recent_days is not None:
            first = ARCHIVE_END_DATE - timedelta(days=self.rng.randint(*scenario.recent_days))
        else:
            low, high = scenario.first_dates or (
                ARCHIVE_START_DATE + timedelta(days=BACKGROUND_GAP_DAYS),
                ARCHIVE_END_DATE - timedelta(days=span + STATUS_MARGIN_DAYS),
            )
            first = low + timedelta(days=self.rng.randint(0, (high - low).days))
        step_index = self.background(patient, first, site)
        prior: Prior | None = None
        when = first
        for i, step in enumerate(scenario.steps):
            if i:
                when += timedelta(days=gaps[i - 1])
            name = self.rng.choice(step.kinds)
            self.exam(
                patient,
                when,
                step.modality,
                name,
                site,
                scenario.name,
                prior,
                step_index + i,
                step.designed("liver"),
                step.problem,
                step.designed("all"),
            )
            prior = Prior(step.modality, when)

    def routine_patient(self, patient: int, last_exam_on_end_date: bool) -> None:
        site = random_site(self.rng)
        count = self.rng.randint(*ROUTINE_EXAMS_RANGE)
        end = ARCHIVE_END_DATE - timedelta(days=1)
        dates = self.routine_dates(count, ARCHIVE_START_DATE, end)
        if last_exam_on_end_date:
            dates[-1] = ARCHIVE_END_DATE
        for step, when in enumerate(dates):
            name, modality = self.routine_kind()
            self.exam(patient, when, modality, name, site, "routine", None, step)


def scripted_patients() -> int:
    """Number of patients that carry a scripted chain."""
    return sum(s.copies for s in SCENARIOS)


#: Routine patients needed besides the scripted ones: the one whose last exam defines the end
#: date, and one for each of the two undated routine records.
MIN_ROUTINE_PATIENTS = 3


def generate(patients: int = DEFAULT_PATIENTS, seed: int = DEFAULT_SEED) -> Archive:
    """Generate the archive.

    Args:
        patients: Number of patients (scripted chains plus routine patients).
        seed: Seed of the random source; the same arguments give the same archive.

    Returns:
        The records and label rows in archive order.

    Raises:
        ValueError: When ``patients`` leaves too few routine patients.
    """
    minimum = scripted_patients() + MIN_ROUTINE_PATIENTS
    if patients < minimum:
        raise ValueError(f"--patients must be at least {minimum}, got {patients}")
    rng = random.Random(seed)
    builder = _Builder(rng)
    scenario_slots = [s for s in SCENARIOS for _ in range(s.copies)]
    routine = patients - len(scenario_slots)
    # Scripted and routine patients are interleaved so that ids say nothing about scenarios.
    slots: list[Scenario | None] = [*scenario_slots, *([None] * routine)]
    rng.shuffle(slots)
    routine_seen = 0
    for patient, slot in enumerate(slots):
        if slot is None:
            builder.routine_patient(patient, last_exam_on_end_date=routine_seen == 0)
            routine_seen += 1
        else:
            builder.chain(patient, slot)
    orphan_date = ARCHIVE_START_DATE + timedelta(days=rng.randint(400, 1400))
    builder.exam(-1, orphan_date, "US", ORPHAN_KIND, random_site(rng), "", None, 0)
    exams = _mark_problems(rng, builder.exams)
    ordered = _archive_order(rng, exams)
    check_statuses(ordered)
    return _records(rng, ordered, patients)


def _mark_problems(rng: random.Random, exams: list[Exam]) -> list[Exam]:
    """Give two routine exams a broken date and name the orphan record's problem."""
    routine_patients = sorted({e.patient for e in exams if e.scenario == "routine"})
    candidates = [
        i
        for i, e in enumerate(exams)
        if e.scenario == "routine" and e.exam_date != ARCHIVE_END_DATE
    ]
    first_patient, second_patient = rng.sample(routine_patients, 2)
    empty = rng.choice([i for i in candidates if exams[i].patient == first_patient])
    unknown = rng.choice([i for i in candidates if exams[i].patient == second_patient])
    marked = list(exams)
    marked[empty] = replace(exams[empty], problem="empty_date", scenario="error_empty_date")
    marked[unknown] = replace(exams[unknown], problem="unknown_date", scenario="error_unknown_date")
    for i, exam in enumerate(marked):
        if exam.patient < 0:
            marked[i] = replace(exam, problem="missing_patient_id", scenario="error_no_patient_id")
        elif exam.problem == "unparseable_date":
            marked[i] = replace(exam, scenario=f"{exam.scenario}:error_unparseable_date")
    return marked


def _archive_order(rng: random.Random, exams: list[Exam]) -> list[Exam]:
    """Archive order: by date; a patient's same-day exams stay in their chain order."""
    tiebreak = {p: rng.random() for p in sorted({e.patient for e in exams})}
    return sorted(exams, key=lambda e: (e.exam_date, tiebreak[e.patient], e.step))


def advice_in_scope(exam: Exam, scope: Scope) -> tuple[Advice, ...]:
    """The recommendations of an exam within ``scope`` (about the liver for ``liver``, any for
    ``all``)."""
    return exam.advice if KINDS[exam.kind].liver or scope == "all" else ()


def governing_advice(exam: Exam, scope: Scope) -> Advice | None:
    """The recommendation the labels name (``recommended_modality``, ``_interval_days``): the
    one in ``scope`` with the shortest stated interval, else the first naming a modality."""
    in_scope = advice_in_scope(exam, scope)
    timed = [a for a in in_scope if a.interval_days is not None]
    if timed:
        return min(timed, key=lambda a: a.interval_days or 0)
    return next((a for a in in_scope if a.modality is not None), None)


def due_rule(exam: Exam, level: Level, scope: Scope) -> tuple[date, frozenset[Modality]]:
    """The due date and qualifying modalities of an index exam in ``scope``.

    The earliest stated interval of its recommendations in scope sets the due date (else the
    level's window does); every modality they name qualifies, with its "or better" ones (else
    the level's modalities do).
    """
    in_scope = advice_in_scope(exam, scope)
    intervals = [a.interval_days for a in in_scope if a.interval_days is not None]
    days = min(intervals) if intervals else WINDOW_DAYS[level]
    named = [a.modality for a in in_scope if a.modality is not None]
    modalities = QUALIFYING_MODALITIES[level]
    if named:
        modalities = frozenset().union(*(frozenset({m}) | OR_BETTER[m] for m in named))
    return exam.exam_date + timedelta(days=days), modalities


def computed_status(exam: Exam, usable: Sequence[Exam], scope: Scope) -> Status | None:
    """An exam's audit status in ``scope``, by the audit's definitions (None: not an index exam).

    Args:
        exam: The exam (one of ``usable``).
        usable: The exams without a record problem, in archive order.
        scope: The audit's scope.
    """
    level = KINDS[exam.kind].level(scope)
    if level is None:
        return None
    due, modalities = due_rule(exam, level, scope)
    position = usable.index(exam)
    follow = next(
        (
            later
            for later in usable[position + 1 :]
            if later.patient == exam.patient and later.modality in modalities
        ),
        None,
    )
    if follow is not None:
        return "completed" if follow.exam_date <= due else "late"
    return "overdue" if due < ARCHIVE_END_DATE else "pending"


def check_statuses(exams: Sequence[Exam]) -> None:
    """Check every designed status against the audit's definitions, in both scopes.

    An index exam is triaged workup or urgent, or recommends follow-up within the scope (of
    the liver for ``liver``, of any organ for ``all``). Its recommendation within the scope
    sets the due date when it states an interval and the qualifying modalities when it names
    one ("or better" ones included); the level's window and modalities apply otherwise. The
    follow-up is the first later exam of the same patient (later date, or same date and later
    in the archive) whose modality qualifies; records with a problem are not exams. Status:
    completed (on or before the due date), late, overdue (no follow-up, due date before the
    end date) or pending.

    Args:
        exams: The exams in archive order.

    Raises:
        RuntimeError: When a designed status differs from the computed one (a generator bug).
    """
    usable = [e for e in exams if e.problem is None]
    for scope in SCOPES:
        for exam in usable:
            level = KINDS[exam.kind].level(scope)
            if exam.scenario in ("routine", "background") and level is not None:
                raise RuntimeError(f"routine kind {exam.kind} is an index exam")
            status = computed_status(exam, usable, scope)
            if status != exam.designed(scope):
                raise RuntimeError(
                    f"{exam.scenario} ({exam.kind}, scope {scope}): designed "
                    f"{exam.designed(scope)}, computed {status}"
                )
    if max(e.exam_date for e in usable) != ARCHIVE_END_DATE:
        raise RuntimeError("the last exam is not on the archive end date")


def _records(rng: random.Random, exams: Sequence[Exam], patients: int) -> Archive:
    patient_numbers = rng.sample(range(1, PATIENT_ID_MAX + 1), patients)
    records: list[dict[str, str]] = []
    labels: list[dict[str, str]] = []
    number = REPORT_ID_START
    for exam in exams:
        number += rng.randint(*REPORT_ID_STEP_RANGE)
        report_id = f"EX{number:06d}"
        record = {"report_id": report_id}
        if exam.problem != "missing_patient_id":
            record["patient_id"] = f"PT{patient_numbers[exam.patient]:04d}"
        record["exam_date"] = {
            "empty_date": "",
            "unparseable_date": UNPARSEABLE_DATE,
            "unknown_date": UNKNOWN_DATE,
        }.get(exam.problem or "", exam.exam_date.isoformat())
        record["text"] = exam.text
        records.append(record)
        spec = KINDS[exam.kind]
        advice = governing_advice(exam, "all")
        interval = None if advice is None else advice.interval_days
        labels.append(
            {
                "report_id": report_id,
                "intended_triage": spec.triage,
                "intended_followup_recommended": _flag(spec.followup),
                "modality": exam.modality,
                "scenario": exam.scenario,
                "intended_level": spec.level("liver") or "",
                "intended_status": "error" if exam.problem else (exam.status or ""),
                "intended_liver_followup_recommended": _flag(spec.liver_followup),
                "recommended_modality": (advice.modality or "") if advice else "",
                "recommended_interval_days": "" if interval is None else str(interval),
                "intended_level_all": spec.level("all") or "",
                "intended_status_all": "error" if exam.problem else (exam.status_all or ""),
            }
        )
    return Archive(tuple(records), tuple(labels))


def _flag(value: bool) -> str:
    return "true" if value else "false"


def labels_path(out: Path) -> Path:
    """Where the labels of the archive ``out`` go: ``<stem>.labels.csv`` beside it."""
    return out.with_name(f"{out.stem}.labels.csv")


def write_archive(out: Path, patients: int = DEFAULT_PATIENTS, seed: int = DEFAULT_SEED) -> Archive:
    """Generate the archive and write it, with its labels beside it.

    Args:
        out: Path of the JSON Lines archive; the labels go to ``labels_path(out)``.
        patients: Number of patients.
        seed: Seed of the random source.

    Returns:
        The archive written.
    """
    archive = generate(patients, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(archive.jsonl().encode("utf-8"))
    labels_path(out).write_bytes(archive.labels_csv().encode("utf-8"))
    return archive


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit code.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="archive path (.jsonl)")
    parser.add_argument("--patients", type=int, default=DEFAULT_PATIENTS, help="patient count")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    try:
        archive = write_archive(args.out, args.patients, args.seed)
    except ValueError as error:
        parser.error(str(error))
    patient_ids = {r["patient_id"] for r in archive.records if "patient_id" in r}
    print(
        f"wrote {len(archive.records)} exams of {len(patient_ids)} patients to {args.out} "
        f"and labels to {labels_path(args.out)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
