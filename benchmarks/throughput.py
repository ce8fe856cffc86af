"""Archive-scale throughput benchmark: calcminer vs medspaCy's default pipeline vs a regex scan.

Sits outside the miner's flow: it writes a deterministic synthetic archive (JSON Lines, the
shape of a radiology export), then runs three measurements over it, each in its own
subprocess so that time and peak memory belong to that measurement alone:

- ``calcminer``: the whole CLI process, ``calcminer extract ARCHIVE -o OUT.csv --quiet``,
  timed from spawn to exit (interpreter start-up, pipeline build, reading, mining and writing
  included);
- ``medspacy_default``: ``medspacy.load()`` (PyRuSH sentences, TargetMatcher, ConText) with
  target rules equivalent to calcminer's, over a sample of the archive, extrapolated to the
  whole archive (start-up counted once);
- ``regex_scan``: ``json.loads`` of every line plus one compiled regex over the text,
  matched case-insensitively: the floor any reader of the archive pays. By default the text
  is lower-cased and the (lower-case) pattern compiled without ``re.IGNORECASE``: the same
  matches, and about 3.5x faster in CPython than ``re.IGNORECASE`` on an alternation (which
  ``--regex-ignorecase`` measures instead).

It prints a table (reports/s and peak RSS per method), the ratios and the archive-scale
issue's targets with PASS/FAIL, optionally a memory-scaling check (calcminer on a small and
a large archive) and a JSON file of all figures.

Usage:
    .venv/bin/python benchmarks/throughput.py --reports 200000
    .venv/bin/python benchmarks/throughput.py --reports 50000 --calcminer-args "--workers 2"
    .venv/bin/python benchmarks/throughput.py --memory-scaling --json out/bench.json

Only the standard library is imported at module level; medspaCy is imported inside its
worker subprocess, and calcminer is only ever run through its CLI.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

# ---------------------------------------------------------------------------------------------
# Settings and targets
# ---------------------------------------------------------------------------------------------

DEFAULT_REPORTS = 200_000
DEFAULT_PREVALENCE = 0.05
DEFAULT_SEED = 20_240_601
DEFAULT_DISTRACTOR_SHARE = 0.10
DEFAULT_MEDSPACY_SAMPLE = 2_000
DEFAULT_MEMORY_SMALL = 30_000
DEFAULT_MEMORY_LARGE = 300_000
#: Default work folder (archives are reused from here when the same arguments are given).
DEFAULT_WORKDIR = Path(tempfile.gettempdir()) / "calcminer-bench"

#: Issue targets: calcminer end to end vs medspaCy's default pipeline (ratio of reports/s).
TARGET_VS_MEDSPACY_X = 100.0
#: The archive-scale issue's target against the bare JSON-decode + regex scan, withdrawn by the
#: owner (the floor analysis, ``benchmarks/floor.py``): the ratio is still measured and printed,
#: with the withdrawn figure for reference, and passes or fails nothing.
TARGET_VS_REGEX_X = 0.2
#: Issue targets: peak RSS on the large archive / peak RSS on the small archive.
TARGET_RSS_RATIO_X = 1.3
#: Issue targets: peak RSS on the large archive.
TARGET_RSS_LARGE_MIB = 1024.0

#: The bare scan's pattern (lower case): the calcification words any miner must look for.
REGEX_SCAN_PATTERN = r"calcif|granulom|echogenic focus|shadow|hepatolith|duct stone"

#: Report lengths of the synthetic archive, in characters.
MIN_REPORT_CHARS = 300
MAX_REPORT_CHARS = 1500
#: How often the memory sampler reads the process tree's memory (PSS).
MEMORY_SAMPLE_INTERVAL_S = 0.2
#: Synthetic patients per report (several exams per patient, as in a real archive).
PATIENTS_PER_REPORT = 0.6
#: First exam date and span of the synthetic archive.
FIRST_EXAM_DATE = dt.date(2014, 1, 1)
EXAM_DATE_SPAN_DAYS = 3650

MIB = 1024 * 1024

# ---------------------------------------------------------------------------------------------
# Synthetic report bank (written for this benchmark; see /work/shared/gold/dev.jsonl for the
# styles it imitates). Placeholders are filled per report by _ReportValues, so a finding and
# its impression agree on segment and size.
# ---------------------------------------------------------------------------------------------

Style = Literal["sectioned_us", "ct", "narrative", "bmode", "brief"]
Level = Literal["benign", "multiple", "bile_duct", "diffuse", "urgent"]
Voice = Literal["us", "ct", "bmode"]

#: Report styles and their share of the archive.
STYLE_WEIGHTS: tuple[tuple[Style, float], ...] = (
    ("sectioned_us", 0.35),
    ("ct", 0.25),
    ("narrative", 0.18),
    ("bmode", 0.10),
    ("brief", 0.12),
)
#: Liver-positive findings by kind and their share among positives.
LEVEL_WEIGHTS: tuple[tuple[Level, float], ...] = (
    ("benign", 0.50),
    ("multiple", 0.18),
    ("bile_duct", 0.07),
    ("diffuse", 0.05),
    ("urgent", 0.20),
)
#: Triage level (GOLD_GUIDE) the generator intends for each finding kind.
LEVEL_TRIAGE: dict[Level, str] = {
    "benign": "benign",
    "multiple": "workup",
    "bile_duct": "workup",
    "diffuse": "workup",
    "urgent": "urgent",
}
#: Distractor kinds (not intrahepatic calcifications) and their share among distractors.
DISTRACTOR_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("spleen_granulomas", 0.22),
    ("aortic_calcification", 0.28),
    ("gallstones", 0.25),
    ("kidney_stones", 0.15),
    ("pancreatic_calcifications", 0.10),
)
#: Share of distractor reports with two distractors instead of one.
TWO_DISTRACTORS_SHARE = 0.2
#: Share of liver-negative reports with a liver mimic (hemangioma, pneumobilia, ...).
MIMIC_SHARE = 0.06
#: Share of the other liver-negative reports that mention a calcification negated or gone.
NEGATED_MENTION_SHARE = 0.04
#: Share of reports whose impression adds an unrelated follow-up recommendation.
INCIDENTAL_FOLLOWUP_SHARE = 0.04
#: Distractor kind -> the organ slot it replaces.
DISTRACTOR_ORGAN: dict[str, str] = {
    "spleen_granulomas": "spleen",
    "aortic_calcification": "aorta",
    "gallstones": "gallbladder",
    "kidney_stones": "kidneys",
    "pancreatic_calcifications": "pancreas",
}

US_HEADERS = (
    "ULTRASOUND ABDOMEN",
    "US ABDOMEN COMPLETE",
    "ABDOMINAL ULTRASOUND",
    "ULTRASOUND OF THE ABDOMEN",
    "US ABDOMEN LIMITED, RIGHT UPPER QUADRANT",
)
CT_HEADERS = (
    "CT ABDOMEN AND PELVIS WITH IV CONTRAST",
    "CT ABDOMEN AND PELVIS WITHOUT CONTRAST",
    "CT ABDOMEN WITH AND WITHOUT CONTRAST",
    "CT ABDOMEN/PELVIS WITH ORAL AND IV CONTRAST",
)
INDICATIONS = (
    "Right upper quadrant pain.",
    "Abnormal liver function tests.",
    "Epigastric pain and nausea.",
    "Elevated transaminases.",
    "Follow-up of fatty liver.",
    "Unintentional weight loss.",
    "Abdominal pain and fever.",
    "Microscopic hematuria.",
    "Staging, history of colorectal cancer.",
    "Abdominal distension.",
    "Jaundice.",
    "Left flank pain.",
    "Surveillance, chronic hepatitis B.",
    "Dyspepsia.",
    "Palpable abdominal mass.",
    "Recurrent urinary tract infections.",
)
COMPARISONS = (
    "None.",
    "None available.",
    "Ultrasound dated {prior}.",
    "CT abdomen dated {prior}.",
    "Prior ultrasound of {prior}.",
)
US_TECHNIQUE = (
    "Real-time grayscale and color Doppler sonography of the abdomen was performed.",
    "Transabdominal grayscale and Doppler images were obtained.",
    "Multiple grayscale and color Doppler images of the upper abdomen were obtained.",
)
CT_TECHNIQUE = (
    "Axial images of the abdomen and pelvis were acquired after intravenous contrast. "
    "Coronal and sagittal reformats were reviewed.",
    "Helical CT of the abdomen and pelvis in the portal venous phase with oral contrast.",
    "Non-contrast axial images of the abdomen and pelvis with multiplanar reformats.",
)

#: Organ slots of each sectioned style: (organ key, header spellings, always included).
US_ORGANS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("liver", ("LIVER", "Liver"), True),
    ("gallbladder", ("GALLBLADDER", "Gallbladder"), True),
    ("cbd", ("CBD", "COMMON BILE DUCT"), True),
    ("pancreas", ("PANCREAS", "Pancreas"), True),
    ("spleen", ("SPLEEN", "Spleen"), True),
    ("kidneys", ("KIDNEYS", "Kidneys"), True),
    ("aorta", ("AORTA", "Aorta"), False),
    ("ascites", ("ASCITES", "Free fluid"), False),
)
CT_ORGANS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("liver", ("LIVER", "Liver"), True),
    ("biliary", ("BILIARY", "Biliary"), True),
    ("gallbladder", ("GALLBLADDER", "Gallbladder"), True),
    ("pancreas", ("PANCREAS", "Pancreas"), True),
    ("spleen", ("SPLEEN", "Spleen"), True),
    ("adrenals", ("ADRENALS", "Adrenal glands"), False),
    ("kidneys", ("KIDNEYS", "Kidneys and ureters"), True),
    ("aorta", ("VESSELS", "Vasculature"), True),
    ("bowel", ("BOWEL", "Bowel"), False),
    ("nodes", ("LYMPH NODES", "Lymph nodes"), False),
    ("pelvis", ("PELVIS", "Pelvic organs"), False),
    ("bones", ("BONES", "Osseous structures"), False),
    ("lung_bases", ("LUNG BASES", "Lung bases"), False),
)
#: Share of optional organ slots that appear.
OPTIONAL_ORGAN_SHARE = 0.5

US_NORMAL: dict[str, tuple[str, ...]] = {
    "liver": (
        "Normal in size and echotexture. No focal lesion.",
        "Measures {span} cm in length. Homogeneous echotexture. No focal lesion or "
        "intrahepatic biliary dilatation.",
        "The liver spans {span} cm. Smooth contour and normal echogenicity. No focal mass.",
        "Diffusely increased echogenicity, consistent with hepatic steatosis. Liver span "
        "{span} cm. No focal lesion.",
        "Coarsened echotexture with a nodular surface contour, in keeping with chronic liver "
        "disease. No focal lesion. Hepatopetal portal venous flow.",
        "{span} cm. Normal echotexture. A {cyst_cm} cm simple cyst in {seg}.",
        "Mildly enlarged at {span_big} cm with increased echogenicity. No focal lesion.",
    ),
    "gallbladder": (
        "Normal. No stones or wall thickening.",
        "Well distended. No gallstones, sludge or pericholecystic fluid. Negative sonographic "
        "Murphy sign.",
        "Surgically absent.",
        "Contracted, limited assessment.",
        "Normal wall thickness ({gbw} mm). No cholelithiasis.",
        "Small amount of layering sludge. Wall {gbw} mm.",
    ),
    "cbd": ("{cbd} mm.", "Not dilated, {cbd} mm.", "Normal caliber, measuring {cbd} mm."),
    "pancreas": (
        "Normal where visualized.",
        "Head and body unremarkable; the tail is obscured by bowel gas.",
        "Normal.",
        "Not well seen due to overlying bowel gas.",
        "Normal size and echogenicity.",
    ),
    "spleen": (
        "Normal in size ({spleen} cm) and echotexture.",
        "Normal.",
        "Measures {spleen} cm. No focal lesion.",
        "Mildly enlarged at {spleen_big} cm.",
    ),
    "kidneys": (
        "Right kidney {rk} cm, left kidney {lk} cm. Normal corticomedullary differentiation. "
        "No hydronephrosis or calculi.",
        "Normal size and echogenicity bilaterally. No hydronephrosis.",
        "Right {rk} cm, left {lk} cm. A {cyst_cm} cm simple cortical cyst in the left upper "
        "pole. No hydronephrosis.",
        "Normal. No hydronephrosis.",
    ),
    "aorta": (
        "Normal caliber, {ao} cm.",
        "Not aneurysmal, maximal diameter {ao} cm.",
        "Visualized portions are normal in caliber.",
    ),
    "ascites": ("None.", "No free fluid.", "Trace perihepatic fluid."),
}
CT_NORMAL: dict[str, tuple[str, ...]] = {
    "liver": (
        "Normal size and attenuation. No focal hepatic lesion.",
        "Diffuse hypoattenuation consistent with hepatic steatosis. No focal lesion.",
        "Normal size. Subcentimeter hypodensity in {seg}, too small to characterize, likely a "
        "cyst.",
        "Normal enhancement. No focal lesion. Patent hepatic and portal veins.",
        "Nodular contour with caudate hypertrophy, in keeping with cirrhosis. No arterially "
        "enhancing lesion.",
    ),
    "biliary": (
        "No intrahepatic or extrahepatic biliary ductal dilatation.",
        "Normal caliber common duct.",
        "Unremarkable.",
    ),
    "gallbladder": (
        "Unremarkable.",
        "Surgically absent.",
        "Distended without wall thickening or pericholecystic stranding.",
    ),
    "pancreas": (
        "Normal enhancement without ductal dilatation or peripancreatic stranding.",
        "Unremarkable.",
        "Fatty infiltration. No mass.",
    ),
    "spleen": ("Normal size.", "Unremarkable.", "Normal size, measuring {spleen} cm."),
    "adrenals": (
        "No nodule.",
        "Unremarkable.",
        "A {cyst_cm} cm left adrenal nodule measuring below 10 HU, consistent with an adenoma.",
    ),
    "kidneys": (
        "Symmetric enhancement. No hydronephrosis or renal mass.",
        "Subcentimeter hypodensities, too small to characterize, likely cysts. No hydronephrosis.",
        "Normal. No hydronephrosis or perinephric stranding.",
    ),
    "aorta": (
        "Normal caliber abdominal aorta. Patent portal and splenic veins.",
        "Normal caliber. Patent mesenteric vessels.",
    ),
    "bowel": (
        "No obstruction or wall thickening. Normal appendix.",
        "Scattered colonic diverticula without diverticulitis.",
        "Normal caliber small and large bowel. The appendix is not visualized; no secondary "
        "signs of inflammation.",
    ),
    "nodes": (
        "No enlarged abdominal or pelvic lymph nodes.",
        "Subcentimeter mesenteric nodes, not pathologically enlarged.",
    ),
    "pelvis": (
        "The urinary bladder is unremarkable. No free fluid.",
        "Unremarkable. No pelvic free fluid.",
    ),
    "bones": (
        "Degenerative changes of the lumbar spine. No aggressive osseous lesion.",
        "No suspicious osseous lesion.",
    ),
    "lung_bases": ("Clear.", "Minor dependent atelectasis.", "Mild bibasilar atelectasis."),
}
NARRATIVE_NORMAL: dict[str, tuple[str, ...]] = {
    "liver": (
        "The liver is normal in size, measuring {span} cm, with homogeneous echotexture. No "
        "focal hepatic lesion is seen.",
        "The liver is diffusely echogenic, consistent with fatty infiltration, and measures "
        "{span} cm. No focal lesion.",
        "The liver measures {span} cm and is normal in echotexture without focal lesion.",
        "The liver is normal. There is hepatopetal flow in the main portal vein.",
    ),
    "gallbladder": (
        "The gallbladder is normal without stones or wall thickening.",
        "The gallbladder has been removed.",
        "The gallbladder is well distended with no gallstones or sludge.",
    ),
    "cbd": ("The common bile duct measures {cbd} mm.", "The common duct is not dilated."),
    "pancreas": (
        "The pancreas is unremarkable where seen.",
        "The pancreatic tail is obscured by bowel gas; the head and body are normal.",
    ),
    "spleen": ("The spleen is normal in size at {spleen} cm.", "The spleen is unremarkable."),
    "kidneys": (
        "Both kidneys are normal in size and echogenicity without hydronephrosis.",
        "The right kidney measures {rk} cm and the left {lk} cm. No hydronephrosis or mass.",
    ),
    "aorta": ("The visualized abdominal aorta is of normal caliber.",),
}
BMODE_NORMAL: dict[str, tuple[str, ...]] = {
    "liver": (
        "Liver size normal, capsule smooth, parenchymal echo homogeneous, no obvious "
        "space-occupying lesion. Intrahepatic bile ducts not dilated. Portal vein {pv} cm.",
        "Liver size normal, surface smooth, parenchymal echo slightly coarse, intrahepatic "
        "vessels clear. Intrahepatic ducts not dilated.",
        "Liver slightly enlarged, parenchymal echo fine and dense with far-field attenuation. "
        "Portal vein {pv} cm.",
    ),
    "gallbladder": (
        "Gallbladder {gbl} x {gbw2} cm, wall smooth, lumen clear.",
        "Gallbladder normal in size, wall smooth, no abnormal echo in the lumen.",
    ),
    "cbd": ("CBD {cbd_cm} cm.", "Common bile duct {cbd_cm} cm, not dilated."),
    "pancreas": (
        "Pancreas normal in size and shape, echo uniform.",
        "Pancreas no obvious abnormality.",
    ),
    "spleen": ("Spleen thickness {st} cm, echo uniform.", "Spleen normal in size and echo."),
    "kidneys": (
        "Both kidneys normal in size and shape, no separation of the collecting system.",
        "Both kidneys no obvious abnormality.",
    ),
}
BMODE_ORGANS = ("liver", "gallbladder", "cbd", "pancreas", "spleen", "kidneys")

#: Distractor texts per voice: kind -> organ-slot texts.
US_DISTRACTORS: dict[str, tuple[str, ...]] = {
    "spleen_granulomas": (
        "Normal in size ({spleen} cm). Several punctate echogenic foci with faint posterior "
        "shadowing, consistent with calcified granulomas.",
        "Multiple tiny splenic calcifications, the largest {tiny_mm} mm, sequelae of prior "
        "granulomatous disease. Normal size.",
        "Measures {spleen} cm. A {tiny_mm} mm calcified granuloma in the lower pole.",
    ),
    "aortic_calcification": (
        "Normal caliber ({ao} cm) with scattered atherosclerotic wall calcification.",
        "Atherosclerotic calcification of the aortic wall without aneurysm, maximal diameter "
        "{ao} cm.",
    ),
    "gallstones": (
        "Multiple mobile shadowing gallstones, the largest {gs_mm} mm. No wall thickening or "
        "pericholecystic fluid.",
        "A {gs_mm} mm echogenic stone with posterior acoustic shadowing in the gallbladder "
        "neck. Wall {gbw} mm.",
        "Contracted around several calcified gallstones, with a wall-echo-shadow sign.",
    ),
    "kidney_stones": (
        "Right kidney {rk} cm, left kidney {lk} cm. A {ks_mm} mm non-obstructing calculus with "
        "posterior acoustic shadowing in the right lower pole. No hydronephrosis.",
        "Normal size. Echogenic foci with twinkling artifact in the left interpolar region, "
        "consistent with {ks_mm} mm nephrolithiasis. No hydronephrosis.",
    ),
    "pancreatic_calcifications": (
        "Atrophic with coarse parenchymal calcifications in the head and body, consistent with "
        "chronic calcific pancreatitis.",
        "Multiple punctate calcifications in the pancreatic head. Main duct {mpd} mm.",
    ),
}
CT_DISTRACTORS: dict[str, tuple[str, ...]] = {
    "spleen_granulomas": (
        "Several punctate calcified granulomas. Normal size.",
        "Normal size with scattered tiny calcifications, sequelae of prior granulomatous disease.",
    ),
    "aortic_calcification": (
        "Moderate atherosclerotic calcification of the abdominal aorta and iliac arteries. No "
        "aneurysm.",
        "Calcified plaque at the origin of the splenic artery and along the infrarenal aorta.",
        "Extensive aortoiliac calcified atherosclerosis. Patent mesenteric vessels.",
    ),
    "gallstones": (
        "Calcified gallstones layering dependently. No wall thickening.",
        "A {gs_mm} mm calcified gallstone in the gallbladder neck. No pericholecystic stranding.",
    ),
    "kidney_stones": (
        "A {ks_mm} mm non-obstructing calculus in the left interpolar region. No hydronephrosis.",
        "Bilateral punctate non-obstructing renal calculi, the largest {ks_mm} mm on the right.",
    ),
    "pancreatic_calcifications": (
        "Atrophic gland with coarse parenchymal calcifications, consistent with chronic "
        "calcific pancreatitis.",
        "Punctate calcifications in the pancreatic head. No ductal dilatation.",
    ),
}
NARRATIVE_DISTRACTORS: dict[str, tuple[str, ...]] = {
    "spleen_granulomas": (
        "Several punctate calcified granulomas are noted in the spleen, which is normal in size.",
        "The spleen contains a few tiny echogenic foci with faint shadowing, consistent with "
        "calcified granulomas.",
    ),
    "aortic_calcification": (
        "There is atherosclerotic calcification of the abdominal aortic wall without aneurysm.",
    ),
    "gallstones": (
        "Multiple mobile shadowing gallstones are present, the largest {gs_mm} mm, without "
        "gallbladder wall thickening.",
        "A {gs_mm} mm shadowing stone is seen in the gallbladder neck.",
    ),
    "kidney_stones": (
        "A {ks_mm} mm non-obstructing calculus is seen in the lower pole of the right kidney.",
    ),
    "pancreatic_calcifications": (
        "The pancreas is atrophic with scattered coarse calcifications, compatible with chronic "
        "pancreatitis.",
    ),
}
BMODE_DISTRACTORS: dict[str, tuple[str, ...]] = {
    "spleen_granulomas": ("Several punctate strong echoes in the spleen, the larger 0.3 cm.",),
    "aortic_calcification": (
        "Abdominal aortic wall shows patchy strong echoes (atherosclerotic plaques).",
    ),
    "gallstones": (
        "A strong echo with acoustic shadow in the gallbladder lumen, about {gs_cm} cm, moving "
        "with position change.",
    ),
    "kidney_stones": (
        "A strong echo with acoustic shadow in the right kidney, about {ks_cm} cm, no "
        "hydronephrosis.",
    ),
    "pancreatic_calcifications": (
        "Pancreas echo coarse with scattered strong echoes, main duct {mpd_cm} cm.",
    ),
}
DISTRACTOR_IMPRESSIONS: dict[str, tuple[str, ...]] = {
    "spleen_granulomas": (
        "Splenic calcified granulomas, likely sequelae of prior granulomatous infection.",
        "Incidental splenic granulomas.",
    ),
    "aortic_calcification": (
        "Aortic atherosclerotic calcification without aneurysm.",
        "Atherosclerotic disease of the abdominal aorta.",
    ),
    "gallstones": (
        "Cholelithiasis without evidence of acute cholecystitis.",
        "Gallstones.",
    ),
    "kidney_stones": (
        "Non-obstructing nephrolithiasis.",
        "Small renal calculus without hydronephrosis.",
    ),
    "pancreatic_calcifications": (
        "Chronic calcific pancreatitis.",
        "Pancreatic calcifications, likely chronic pancreatitis.",
    ),
}
BMODE_DISTRACTOR_DIAGNOSES: dict[str, tuple[str, ...]] = {
    "spleen_granulomas": ("Multiple splenic calcifications.",),
    "aortic_calcification": ("Abdominal aortic atherosclerosis.",),
    "gallstones": ("Gallbladder stone.",),
    "kidney_stones": ("Right kidney stone.",),
    "pancreatic_calcifications": ("Chronic pancreatitis with pancreatic calcifications.",),
}

#: Liver findings: voice -> kind -> (finding sentence(s), impression).
LIVER_FINDINGS: dict[Voice, dict[Level, tuple[tuple[str, str], ...]]] = {
    "us": {
        "benign": (
            ("A {small_mm} mm calcified granuloma in {seg}.", "Incidental calcified granuloma."),
            (
                "A single punctate calcification in the {lobe}, measuring {tiny_mm} mm.",
                "Single punctate hepatic calcification, likely granulomatous. No further "
                "imaging is needed.",
            ),
            (
                "An echogenic focus with posterior acoustic shadowing measuring {small_mm} mm "
                "in {seg}, consistent with a calcified granuloma.",
                "Calcified granuloma in {seg}.",
            ),
            (
                "A {small_cm} cm coarse calcification with dense posterior acoustic shadowing "
                "in {seg}. No surrounding mass.",
                "Benign-appearing {small_cm} cm hepatic calcification in {seg}.",
            ),
            (
                "Stable {small_mm} mm calcified focus in the {lobe}, unchanged from the prior "
                "study.",
                "Stable benign hepatic calcification.",
            ),
            (
                "A small calcified granuloma in the {lobe}.",
                "Small hepatic calcified granuloma, of no clinical significance.",
            ),
        ),
        "multiple": (
            (
                "Several punctate calcifications in the {lobe}, the largest {small_mm} mm.",
                "Scattered punctate hepatic calcifications, likely granulomatous.",
            ),
            (
                "Two calcified granulomas, in {seg} ({tiny_mm} mm) and {seg2} ({small_mm} mm).",
                "Two small hepatic calcified granulomas.",
            ),
            (
                "Multiple echogenic foci with posterior acoustic shadowing in the {lobe}, up to "
                "{small_mm} mm, in keeping with calcifications.",
                "Multiple hepatic calcifications in the {lobe}.",
            ),
            (
                "Coarse calcifications in {seg}, the largest {small_cm} cm. No associated mass.",
                "Coarse calcifications in {seg}.",
            ),
        ),
        "bile_duct": (
            (
                "Echogenic foci with acoustic shadowing along the intrahepatic bile ducts of "
                "the {side} lobe, the largest {small_mm} mm, with mild upstream ductal "
                "dilatation.",
                "Intrahepatic duct stones in the {side} lobe (hepatolithiasis). Recommend MRCP.",
            ),
            (
                "A {small_mm} mm calcified stone within a mildly dilated intrahepatic duct in "
                "{seg}.",
                "Intrahepatic duct stone in {seg}. MRCP is suggested.",
            ),
        ),
        "diffuse": (
            (
                "Innumerable tiny calcifications scattered throughout the liver.",
                "Diffuse hepatic calcifications, likely sequelae of prior infection.",
            ),
            (
                "Diffuse punctate parenchymal calcifications throughout both lobes.",
                "Diffuse hepatic calcifications. Recommend further evaluation.",
            ),
        ),
        "urgent": (
            (
                "A {big_cm} cm coarsely calcified mass in {seg}.",
                "{big_cm} cm calcified hepatic mass in {seg}. Recommend contrast-enhanced CT or "
                "MRI to exclude a calcified metastasis.",
            ),
            (
                "A {big_cm} x {big2_cm} cm densely calcified lesion in {seg} with posterior "
                "acoustic shadowing.",
                "Large calcified lesion in {seg}; a calcified metastasis cannot be excluded. "
                "Recommend MRI.",
            ),
            (
                "A calcified mass measuring {big_mm} mm in the {lobe}, with dense posterior "
                "acoustic shadowing.",
                "Calcified mass in the {lobe}. Further characterization with CT is recommended.",
            ),
            (
                "A {big_cm} cm calcified cyst in {seg}, likely an inactive hydatid cyst.",
                "{big_cm} cm calcified cyst in {seg}, likely hydatid. Recommend CT and "
                "echinococcal serology.",
            ),
        ),
    },
    "ct": {
        "benign": (
            ("A {small_mm} mm calcified granuloma in {seg}.", "Incidental hepatic granuloma."),
            (
                "Punctate calcification in {seg}, likely granulomatous.",
                "Incidental punctate hepatic calcification.",
            ),
            (
                "A {small_mm} mm coarse calcification in the {lobe} without associated mass.",
                "Benign hepatic calcification.",
            ),
        ),
        "multiple": (
            (
                "Scattered coarse calcifications in {seg} and {seg2}, up to {small_mm} mm. No "
                "mass.",
                "Scattered hepatic calcifications, likely post-inflammatory.",
            ),
            (
                "Multiple calcified granulomas in the {lobe}, the largest {small_mm} mm.",
                "Multiple hepatic calcified granulomas.",
            ),
        ),
        "bile_duct": (
            (
                "Calcified stones within mildly dilated intrahepatic ducts of the {side} lobe, "
                "the largest {small_mm} mm.",
                "Hepatolithiasis in the {side} lobe. Recommend MRCP.",
            ),
            ("Calcified intrahepatic duct stones in {seg}.", "Intrahepatic duct stones."),
        ),
        "diffuse": (
            (
                "Innumerable punctate calcifications throughout the liver.",
                "Diffuse hepatic calcifications, likely post-infectious.",
            ),
        ),
        "urgent": (
            (
                "A {big_cm} x {big2_cm} cm peripherally calcified mass in {seg}.",
                "{big_cm} cm calcified hepatic mass in {seg}, suspicious for a calcified "
                "metastasis. Recommend MRI.",
            ),
            (
                "A {big_cm} cm densely calcified lesion in the {lobe}.",
                "Large calcified hepatic lesion. Recommend multiphase MRI.",
            ),
        ),
    },
    "bmode": {
        "benign": (
            (
                "A strong echo with acoustic shadow is seen in the {blobe} of liver, about "
                "{tiny_cm} cm.",
                "{Blobe} liver calcification.",
            ),
            (
                "A strong light spot followed by an acoustic shadow in the {blobe} of liver, "
                "about {small_cm} cm.",
                "Calcification in the {blobe} of liver.",
            ),
        ),
        "multiple": (
            (
                "Multiple strong echoes with acoustic shadows in the {blobe} of liver, the "
                "larger about {small_cm} cm.",
                "Multiple calcifications in the {blobe} of liver.",
            ),
        ),
        "bile_duct": (
            (
                "Several strong echoes with acoustic shadows along the intrahepatic bile duct "
                "of the {side} lobe, the largest about {small_cm} cm, with mild dilatation of "
                "the proximal duct.",
                "{Side} lobe intrahepatic bile duct stones (hepatolithiasis). Suggest MRCP.",
            ),
        ),
        "diffuse": (
            (
                "Innumerable punctate strong echoes with acoustic shadows scattered throughout "
                "the liver.",
                "Diffuse liver calcifications.",
            ),
        ),
        "urgent": (
            (
                "A strong echo with acoustic shadow in the {blobe} of liver, about {big_cm} x "
                "{big2_cm} cm, boundary clear.",
                "{Blobe} liver calcified lesion. Suggest further CT examination.",
            ),
        ),
    },
}
#: Openings of a liver section that goes on with a finding.
LIVER_PREFIXES: dict[Voice, tuple[str, ...]] = {
    "us": (
        "Normal in size.",
        "Measures {span} cm.",
        "Normal size and echotexture.",
        "The liver spans {span} cm.",
        "Mildly increased echogenicity.",
    ),
    "ct": ("Normal size.", "Normal size and enhancement.", "Mild diffuse hypoattenuation."),
    "bmode": ("Liver size normal, capsule smooth.",),
}
#: Negated or no-longer-seen liver calcifications (not counted), after the liver's opening.
LIVER_NEGATED: dict[Voice, tuple[str, ...]] = {
    "us": (
        "No focal lesion, calcification or biliary dilatation.",
        "No hepatic calcification or mass.",
        "The previously described calcified granuloma in {seg} is no longer visualized.",
        "No calcification or focal lesion.",
    ),
    "ct": (
        "No hepatic calcification or mass.",
        "The previously noted hepatic calcification is no longer seen.",
    ),
    "bmode": (),
}
#: Liver mimics in liver-negative reports (not counted by GOLD_GUIDE): (finding, impression).
LIVER_MIMICS: dict[Voice, tuple[tuple[str, str], ...]] = {
    "us": (
        (
            "A {hem_mm} mm well-defined hyperechoic lesion without posterior acoustic shadowing in "
            "{seg}, likely a hemangioma.",
            "Probable hepatic hemangioma. Follow-up ultrasound in 6 months is suggested.",
        ),
        (
            "Echogenic foci with dirty shadowing in the left lobe bile ducts, consistent with "
            "pneumobilia after sphincterotomy.",
            "Pneumobilia, expected after sphincterotomy.",
        ),
        (
            "No calcification or focal lesion. Surgical clips in the gallbladder fossa.",
            "Post-cholecystectomy. Normal liver.",
        ),
        (
            "The liver is diffusely echogenic and enlarged, consistent with fatty infiltration. No "
            "focal lesion.",
            "Hepatomegaly with steatosis.",
        ),
    ),
    "ct": (
        (
            "A {hem_mm} mm lesion in {seg} with peripheral nodular enhancement, consistent "
            "with a hemangioma.",
            "Hepatic hemangioma.",
        ),
        (
            "Pneumobilia in the left lobe ducts after sphincterotomy.",
            "Pneumobilia, expected after sphincterotomy.",
        ),
        ("Surgical clips in the gallbladder fossa.", "Post-cholecystectomy."),
    ),
    "bmode": (),
}
NORMAL_IMPRESSIONS: dict[Voice, tuple[str, ...]] = {
    "us": (
        "Normal abdominal ultrasound.",
        "No acute abnormality.",
        "Unremarkable ultrasound of the abdomen.",
        "No sonographic abnormality to account for the symptoms.",
    ),
    "ct": (
        "No acute abdominopelvic abnormality.",
        "No CT evidence of an acute process in the abdomen or pelvis.",
        "Unremarkable CT of the abdomen and pelvis.",
    ),
    "bmode": (
        "No obvious abnormality of the liver, gallbladder, pancreas, spleen or kidneys.",
        "No obvious abnormality on abdominal ultrasound.",
    ),
}
INCIDENTAL_FOLLOWUPS = (
    "Follow-up ultrasound in 12 months is suggested for the renal cyst.",
    "Recommend clinical correlation and repeat ultrasound if symptoms persist.",
    "Consider MRI for further characterization of the adrenal nodule.",
)
#: Segments as reports write them (Couinaud I is the caudate lobe; named as a lobe instead).
SEGMENTS_ROMAN = ("II", "III", "IVa", "IVb", "IV", "V", "VI", "VII", "VIII")
SEGMENTS_ARABIC = ("2", "3", "4a", "4b", "4", "5", "6", "7", "8")
LOBES = (
    "right lobe",
    "left lobe",
    "right hepatic lobe",
    "left hepatic lobe",
    "caudate lobe",
    "left lobe of the liver",
)
SIDES = ("right", "left")


def _bank_digest() -> str:
    """A short digest of the report bank: archives are regenerated when the bank changes."""
    bank = [
        STYLE_WEIGHTS,
        LEVEL_WEIGHTS,
        DISTRACTOR_WEIGHTS,
        US_HEADERS,
        CT_HEADERS,
        INDICATIONS,
        COMPARISONS,
        US_TECHNIQUE,
        CT_TECHNIQUE,
        US_ORGANS,
        CT_ORGANS,
        US_NORMAL,
        CT_NORMAL,
        NARRATIVE_NORMAL,
        BMODE_NORMAL,
        US_DISTRACTORS,
        CT_DISTRACTORS,
        NARRATIVE_DISTRACTORS,
        BMODE_DISTRACTORS,
        DISTRACTOR_IMPRESSIONS,
        BMODE_DISTRACTOR_DIAGNOSES,
        LIVER_FINDINGS,
        LIVER_PREFIXES,
        LIVER_NEGATED,
        LIVER_MIMICS,
        NEGATED_MENTION_SHARE,
        NORMAL_IMPRESSIONS,
        INCIDENTAL_FOLLOWUPS,
        [TWO_DISTRACTORS_SHARE, MIMIC_SHARE, INCIDENTAL_FOLLOWUP_SHARE, OPTIONAL_ORGAN_SHARE],
        [MIN_REPORT_CHARS, MAX_REPORT_CHARS, GENERATOR_VERSION],
    ]
    return hashlib.sha256(json.dumps(bank).encode()).hexdigest()[:10]


#: Bump when the generator's logic (not only the bank) changes.
GENERATOR_VERSION = 1

# ---------------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------------


def _mm_as_cm(mm: int) -> str:
    return f"{mm / 10:.1f}"


def _segment(rng: random.Random) -> str:
    i = rng.randrange(len(SEGMENTS_ROMAN))
    form = rng.random()
    if form < 0.6:
        return f"segment {SEGMENTS_ROMAN[i]}"
    if form < 0.9:
        return f"segment {SEGMENTS_ARABIC[i]}"
    return f"hepatic segment {SEGMENTS_ROMAN[i]}"


def _second_segment(rng: random.Random, values: Mapping[str, str]) -> str:
    first = values["seg"]
    while (second := _segment(rng)) == first:
        pass
    return second


#: Placeholder -> how to draw it (given the report's generator and the values drawn so far).
_FACTORIES: dict[str, Callable[[random.Random, Mapping[str, str]], str]] = {
    "span": lambda rng, v: f"{12.5 + 4.5 * rng.random():.1f}",
    "span_big": lambda rng, v: f"{17.5 + 3.0 * rng.random():.1f}",
    "seg": lambda rng, v: _segment(rng),
    "seg2": _second_segment,
    "lobe": lambda rng, v: rng.choice(LOBES),
    "side": lambda rng, v: rng.choice(SIDES),
    "Side": lambda rng, v: v["side"].capitalize(),
    "blobe": lambda rng, v: f"{rng.choice(SIDES)} lobe",
    "Blobe": lambda rng, v: v["blobe"].capitalize(),
    "tiny_mm": lambda rng, v: str(rng.randint(2, 5)),
    "tiny_cm": lambda rng, v: _mm_as_cm(int(v["tiny_mm"])),
    "small_mm": lambda rng, v: str(rng.randint(4, 25)),
    "small_cm": lambda rng, v: _mm_as_cm(int(v["small_mm"])),
    # Urgent sizes stay clear of the 30 mm threshold, so the intended triage is unambiguous.
    "big_mm": lambda rng, v: str(rng.randint(32, 65)),
    "big_cm": lambda rng, v: _mm_as_cm(int(v["big_mm"])),
    "big2_cm": lambda rng, v: _mm_as_cm(int(int(v["big_mm"]) * (0.55 + 0.4 * rng.random()))),
    "hem_mm": lambda rng, v: str(rng.randint(6, 18)),
    "cyst_cm": lambda rng, v: f"{0.6 + 2.0 * rng.random():.1f}",
    "cbd": lambda rng, v: str(rng.randint(2, 6)),
    "cbd_cm": lambda rng, v: f"0.{rng.randint(3, 6)}",
    "gbw": lambda rng, v: str(rng.randint(2, 3)),
    "gbl": lambda rng, v: f"{6.0 + 2.5 * rng.random():.1f}",
    "gbw2": lambda rng, v: f"{2.3 + 1.2 * rng.random():.1f}",
    "spleen": lambda rng, v: f"{8.5 + 3.5 * rng.random():.1f}",
    "spleen_big": lambda rng, v: f"{13.2 + 2.5 * rng.random():.1f}",
    "st": lambda rng, v: f"{3.0 + 1.0 * rng.random():.1f}",
    "rk": lambda rng, v: f"{9.6 + 2.4 * rng.random():.1f}",
    "lk": lambda rng, v: f"{9.8 + 2.4 * rng.random():.1f}",
    "ao": lambda rng, v: f"{1.6 + 0.8 * rng.random():.1f}",
    "pv": lambda rng, v: f"{1.0 + 0.3 * rng.random():.1f}",
    "gs_mm": lambda rng, v: str(rng.randint(4, 22)),
    "gs_cm": lambda rng, v: _mm_as_cm(rng.randint(4, 22)),
    "ks_mm": lambda rng, v: str(rng.randint(3, 9)),
    "ks_cm": lambda rng, v: _mm_as_cm(rng.randint(3, 9)),
    "mpd": lambda rng, v: str(rng.randint(2, 5)),
    "mpd_cm": lambda rng, v: f"0.{rng.randint(2, 5)}",
    "prior": lambda rng, v: (
        FIRST_EXAM_DATE + dt.timedelta(days=rng.randrange(EXAM_DATE_SPAN_DAYS))
    ).strftime("%m/%d/%Y"),
}


class _ReportValues(dict[str, str]):
    """Placeholder values of one report, drawn on first use and then kept.

    Drawing lazily keeps generation fast (a template names two or three fields); keeping
    them makes a finding and its impression agree (same segment, same size).
    """

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        value = _FACTORIES[key](self.rng, self)
        self[key] = value
        return value


@dataclasses.dataclass(frozen=True)
class ReportLabel:
    """What the generator put into one report (its own labels, not a gold standard).

    Attributes:
        report_id: The report's id.
        style: Report style.
        liver_triage: Intended GOLD_GUIDE triage of the liver finding (``none`` if none).
        liver_kind: Kind of liver finding (``benign``, ``multiple``, ``bile_duct``,
            ``diffuse``, ``urgent``); for liver-negative reports ``mimic`` (hemangioma,
            pneumobilia, clips), ``negated`` (a calcification negated or no longer seen) or
            ``none``.
        distractors: Distractor kinds in the report, in report order.
    """

    report_id: str
    style: str
    liver_triage: str
    liver_kind: str
    distractors: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class _Plan:
    """What one report will contain, drawn before its text is assembled."""

    style: Style
    level: Level | None
    liver_kind: str
    distractors: tuple[str, ...]
    incidental_followup: bool


def _weighted(rng: random.Random, weights: Sequence[tuple[Any, float]]) -> Any:
    """Draw one option from (option, weight) pairs whose weights sum to 1."""
    point = rng.random()
    for option, weight in weights:
        point -= weight
        if point < 0:
            return option
    return weights[-1][0]


def _plan(rng: random.Random, prevalence: float, distractor_share: float) -> _Plan:
    style: Style = _weighted(rng, STYLE_WEIGHTS)
    level: Level | None = _weighted(rng, LEVEL_WEIGHTS) if rng.random() < prevalence else None
    liver_kind: str = level or "none"
    if level is None and style != "bmode":
        draw = rng.random()
        if draw < MIMIC_SHARE:
            liver_kind = "mimic"
        elif draw < MIMIC_SHARE + NEGATED_MENTION_SHARE:
            liver_kind = "negated"
    distractors: tuple[str, ...] = ()
    if rng.random() < distractor_share:
        first = _weighted(rng, DISTRACTOR_WEIGHTS)
        distractors = (first,)
        if rng.random() < TWO_DISTRACTORS_SHARE:
            second = _weighted(rng, DISTRACTOR_WEIGHTS)
            if second != first:
                distractors = (first, second)
    incidental_followup = rng.random() < INCIDENTAL_FOLLOWUP_SHARE
    return _Plan(style, level, liver_kind, distractors, incidental_followup)


def _voice(style: Style) -> Voice:
    if style == "ct":
        return "ct"
    if style == "bmode":
        return "bmode"
    return "us"


def _liver_parts(rng: random.Random, plan: _Plan) -> tuple[str | None, str | None]:
    """The liver finding and its impression (None, None for a plain normal liver)."""
    voice = _voice(plan.style)
    if plan.level is not None:
        return rng.choice(LIVER_FINDINGS[voice][plan.level])
    if plan.liver_kind == "mimic":
        return rng.choice(LIVER_MIMICS[voice])
    if plan.liver_kind == "negated":
        return rng.choice(LIVER_NEGATED[voice]), None
    return None, None


def _impression_items(rng: random.Random, plan: _Plan, liver_impression: str | None) -> list[str]:
    items = [liver_impression] if liver_impression else []
    table = BMODE_DISTRACTOR_DIAGNOSES if plan.style == "bmode" else DISTRACTOR_IMPRESSIONS
    items += [rng.choice(table[kind]) for kind in plan.distractors]
    if not items:
        items.append(rng.choice(NORMAL_IMPRESSIONS[_voice(plan.style)]))
    if plan.incidental_followup:
        items.append(rng.choice(INCIDENTAL_FOLLOWUPS))
    return items


def _numbered(rng: random.Random, items: list[str]) -> str:
    if len(items) > 1 and rng.random() < 0.5:
        return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
    return " ".join(items)


def _organ_text(
    rng: random.Random,
    organ: str,
    normal: Mapping[str, tuple[str, ...]],
    distractors: Mapping[str, tuple[str, ...]],
    plan: _Plan,
) -> str:
    for kind in plan.distractors:
        if DISTRACTOR_ORGAN[kind] == organ:
            return rng.choice(distractors[kind])
    return rng.choice(normal[organ])


def _sectioned(rng: random.Random, plan: _Plan) -> list[tuple[str, bool]]:
    """A sectioned multi-organ report (ultrasound or CT): ``(line, optional)`` pairs."""
    is_ct = plan.style == "ct"
    organs, normal, distractors = (
        (CT_ORGANS, CT_NORMAL, CT_DISTRACTORS) if is_ct else (US_ORGANS, US_NORMAL, US_DISTRACTORS)
    )
    upper = rng.random() < 0.75
    lines: list[tuple[str, bool]] = [(rng.choice(CT_HEADERS if is_ct else US_HEADERS), False)]
    lines.append((f"{'INDICATION' if upper else 'Indication'}: {rng.choice(INDICATIONS)}", False))
    if is_ct or rng.random() < 0.4:
        technique = rng.choice(CT_TECHNIQUE if is_ct else US_TECHNIQUE)
        lines.append((f"{'TECHNIQUE' if upper else 'Technique'}: {technique}", True))
    if rng.random() < 0.5:
        lines.append(
            (f"{'COMPARISON' if upper else 'Comparison'}: {rng.choice(COMPARISONS)}", True)
        )
    if is_ct or rng.random() < 0.5:
        lines.append(("FINDINGS:" if upper else "Findings:", False))
    finding, impression = _liver_parts(rng, plan)
    distractor_organs = {DISTRACTOR_ORGAN[kind] for kind in plan.distractors}
    for organ, headers, always in organs:
        wanted = always or organ in distractor_organs or rng.random() < OPTIONAL_ORGAN_SHARE
        if not wanted:
            continue
        header = headers[0] if upper else headers[1]
        if organ == "liver" and finding is not None:
            prefixes = LIVER_PREFIXES["ct" if is_ct else "us"]
            text = finding if rng.random() < 0.4 else f"{rng.choice(prefixes)} {finding}"
        else:
            text = _organ_text(rng, organ, normal, distractors, plan)
        lines.append((f"{header}: {text}", not always and organ not in distractor_organs))
    items = _impression_items(rng, plan, impression)
    lines.append((f"{'IMPRESSION' if upper else 'Impression'}:\n{_numbered(rng, items)}", False))
    return lines


def _narrative(rng: random.Random, plan: _Plan) -> list[tuple[str, bool]]:
    """A narrative ultrasound report: one findings paragraph and an impression."""
    finding, impression = _liver_parts(rng, plan)
    sentences = []
    for organ in ("liver", "gallbladder", "cbd", "pancreas", "spleen", "kidneys", "aorta"):
        if organ == "liver" and finding is not None:
            sentences.append(f"The liver measures {{span}} cm. {finding}")
        elif organ == "aorta" and "aortic_calcification" not in plan.distractors:
            continue
        else:
            sentences.append(_organ_text(rng, organ, NARRATIVE_NORMAL, NARRATIVE_DISTRACTORS, plan))
    opener = f"Ultrasound of the abdomen. Indication: {rng.choice(INDICATIONS)}"
    items = _impression_items(rng, plan, impression)
    return [
        (opener, False),
        (f"Comparison: {rng.choice(COMPARISONS)}", True),
        (" ".join(sentences), False),
        (f"IMPRESSION: {' '.join(items)}", False),
    ]


def _brief(rng: random.Random, plan: _Plan) -> list[tuple[str, bool]]:
    """A brief report: flattened findings on one line, then the impression."""
    finding, impression = _liver_parts(rng, plan)
    if finding is None:
        liver = rng.choice(NARRATIVE_NORMAL["liver"])
    elif plan.liver_kind == "negated":
        liver = f"The liver is normal in size. {finding}"
    else:
        liver = finding
    others = [
        _organ_text(rng, organ, NARRATIVE_NORMAL, NARRATIVE_DISTRACTORS, plan)
        for organ in ("gallbladder", "spleen", "kidneys", "pancreas", "aorta")
        if organ != "aorta" or "aortic_calcification" in plan.distractors
    ]
    items = _impression_items(rng, plan, impression)
    return [
        (f"EXAM: Limited abdominal ultrasound. CLINICAL: {rng.choice(INDICATIONS)}", False),
        (f"FINDINGS: {liver} {' '.join(others)}", False),
        (f"IMPRESSION: {' '.join(items)}", False),
    ]


def _bmode(rng: random.Random, plan: _Plan) -> list[tuple[str, bool]]:
    """A translated B-mode report ("strong echo with acoustic shadow")."""
    finding, diagnosis = _liver_parts(rng, plan)
    sentences = []
    for organ in BMODE_ORGANS:
        if organ == "liver" and finding is not None:
            sentences.append(f"{LIVER_PREFIXES['bmode'][0]} {finding}")
        else:
            sentences.append(_organ_text(rng, organ, BMODE_NORMAL, BMODE_DISTRACTORS, plan))
    if "aortic_calcification" in plan.distractors:
        sentences.append(rng.choice(BMODE_DISTRACTORS["aortic_calcification"]))
    items = _impression_items(rng, plan, diagnosis)
    return [
        (f"Ultrasound findings: {' '.join(sentences)}", False),
        (f"Ultrasound diagnosis: {' '.join(items)}", False),
    ]


_ASSEMBLERS: dict[Style, Callable[[random.Random, _Plan], list[tuple[str, bool]]]] = {
    "sectioned_us": _sectioned,
    "ct": _sectioned,
    "narrative": _narrative,
    "brief": _brief,
    "bmode": _bmode,
}


def _fit_length(rng: random.Random, lines: list[tuple[str, bool]], style: Style) -> str:
    """Join the (filled-in) lines, dropping optional ones (last first) or adding technique
    text so that the report lands within MIN_REPORT_CHARS..MAX_REPORT_CHARS."""
    text = "\n".join(line for line, _ in lines)
    while len(text) > MAX_REPORT_CHARS and any(optional for _, optional in lines):
        drop = max(i for i, (_, optional) in enumerate(lines) if optional)
        del lines[drop]
        text = "\n".join(line for line, _ in lines)
    technique = CT_TECHNIQUE if style == "ct" else US_TECHNIQUE
    while len(text) < MIN_REPORT_CHARS:
        lines.insert(1, (f"Technique: {rng.choice(technique)}", False))
        text = "\n".join(line for line, _ in lines)
    return text


def generate_report(
    rng: random.Random, report_id: str, prevalence: float, distractor_share: float
) -> tuple[str, ReportLabel]:
    """Draw one synthetic report.

    Args:
        rng: The archive's random generator (advanced by this call).
        report_id: Id to label the report with.
        prevalence: Probability that the report has a liver calcification.
        distractor_share: Probability that the report has a distractor calcification.

    Returns:
        The report text and the generator's label for it.
    """
    plan = _plan(rng, prevalence, distractor_share)
    values = _ReportValues(rng)
    lines = [
        (line.format_map(values), optional) for line, optional in _ASSEMBLERS[plan.style](rng, plan)
    ]
    text = _fit_length(rng, lines, plan.style)
    label = ReportLabel(
        report_id=report_id,
        style=plan.style,
        liver_triage=LEVEL_TRIAGE[plan.level] if plan.level else "none",
        liver_kind=plan.liver_kind,
        distractors=plan.distractors,
    )
    return text, label


@dataclasses.dataclass(frozen=True)
class ArchiveSummary:
    """What :func:`generate_archive` wrote.

    Attributes:
        path: The archive (JSON Lines: ``report_id``, ``patient_id``, ``exam_date``, ``text``).
        labels_path: Side file with the generator's labels, one CSV row per report.
        reports: Reports written.
        liver_positive: Reports with a liver calcification (by the generator's labels).
        triage: Reports per intended triage level.
        distractor_reports: Reports with at least one distractor calcification.
        distractors: Reports per distractor kind.
        styles: Reports per style.
        bytes: Size of the archive.
        seconds: Generation time (None when an existing archive was reused).
    """

    path: Path
    labels_path: Path
    reports: int
    liver_positive: int
    triage: dict[str, int]
    distractor_reports: int
    distractors: dict[str, int]
    styles: dict[str, int]
    bytes: int
    seconds: float | None = None


def labels_path_for(archive: str | Path) -> Path:
    """The labels side file of an archive: ``<archive stem>.labels.csv`` beside it."""
    path = Path(archive)
    return path.with_name(path.stem + ".labels.csv")


LABEL_COLUMNS = ("report_id", "style", "liver_triage", "liver_kind", "distractors")


@dataclasses.dataclass
class _LabelTally:
    """Counts of generator labels, for an :class:`ArchiveSummary`."""

    reports: int = 0
    distractor_reports: int = 0
    triage: Counter[str] = dataclasses.field(default_factory=Counter)
    distractors: Counter[str] = dataclasses.field(default_factory=Counter)
    styles: Counter[str] = dataclasses.field(default_factory=Counter)

    def add(self, label: ReportLabel) -> None:
        self.reports += 1
        self.triage[label.liver_triage] += 1
        self.styles[label.style] += 1
        self.distractors.update(label.distractors)
        self.distractor_reports += bool(label.distractors)

    def summary(self, path: Path, labels_path: Path, seconds: float | None) -> ArchiveSummary:
        return ArchiveSummary(
            path=path,
            labels_path=labels_path,
            reports=self.reports,
            liver_positive=self.reports - self.triage["none"],
            triage={level: self.triage[level] for level in ("none", "benign", "workup", "urgent")},
            distractor_reports=self.distractor_reports,
            distractors=dict(sorted(self.distractors.items())),
            styles=dict(sorted(self.styles.items())),
            bytes=path.stat().st_size,
            seconds=seconds,
        )


def generate_archive(
    path: str | Path,
    n_reports: int,
    prevalence: float,
    seed: int,
    distractor_share: float = DEFAULT_DISTRACTOR_SHARE,
) -> ArchiveSummary:
    """Write a deterministic synthetic archive of radiology reports, streaming.

    The same arguments give a byte-identical file. The generator's labels go to a CSV side
    file (:func:`labels_path_for`), so the archive itself looks like a plain export. Both
    files are written to temporary names and renamed when complete, so an existing archive
    is always whole.

    Args:
        path: Archive path (``.jsonl``).
        n_reports: Number of reports.
        prevalence: Share of reports with an intrahepatic calcification (every triage level).
        seed: Seed of ``random.Random``.
        distractor_share: Share of reports with a distractor calcification (spleen, aorta,
            gallstones, kidney stones, pancreas).

    Returns:
        Counts of what was written.
    """
    if not 0.0 <= prevalence <= 1.0 or not 0.0 <= distractor_share <= 1.0:
        raise ValueError("prevalence and distractor_share must lie in [0, 1]")
    started = time.perf_counter()
    path = Path(path)
    labels_path = labels_path_for(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    n_patients = max(1, int(n_reports * PATIENTS_PER_REPORT))
    tally = _LabelTally()
    tmp_archive = path.with_name(path.name + ".tmp")
    tmp_labels = labels_path.with_name(labels_path.name + ".tmp")
    with (
        tmp_archive.open("w", encoding="utf-8", newline="\n") as archive,
        tmp_labels.open("w", encoding="utf-8", newline="\n") as labels,
    ):
        labels.write(",".join(LABEL_COLUMNS) + "\n")
        for index in range(n_reports):
            report_id = f"ACC{index + 1:08d}"
            text, label = generate_report(rng, report_id, prevalence, distractor_share)
            exam_date = FIRST_EXAM_DATE + dt.timedelta(days=rng.randrange(EXAM_DATE_SPAN_DAYS))
            record = {
                "report_id": report_id,
                "patient_id": f"P{rng.randrange(n_patients):08d}",
                "exam_date": exam_date.isoformat(),
                "text": text,
            }
            archive.write(json.dumps(record) + "\n")
            labels.write(
                f"{report_id},{label.style},{label.liver_triage},{label.liver_kind},"
                f"{';'.join(label.distractors)}\n"
            )
            tally.add(label)
    os.replace(tmp_labels, labels_path)
    os.replace(tmp_archive, path)
    return tally.summary(path, labels_path, seconds=time.perf_counter() - started)


def read_labels(path: str | Path) -> Iterator[ReportLabel]:
    """Read a labels side file written by :func:`generate_archive`."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield ReportLabel(
                report_id=row["report_id"],
                style=row["style"],
                liver_triage=row["liver_triage"],
                liver_kind=row["liver_kind"],
                distractors=tuple(filter(None, row["distractors"].split(";"))),
            )


def summarize_labels(archive: str | Path) -> ArchiveSummary:
    """Count an existing archive's labels (for a reused archive)."""
    archive = Path(archive)
    labels_path = labels_path_for(archive)
    tally = _LabelTally()
    for label in read_labels(labels_path):
        tally.add(label)
    return tally.summary(archive, labels_path, seconds=None)


def archive_path(
    workdir: Path, n_reports: int, prevalence: float, seed: int, distractor_share: float
) -> Path:
    """Where the archive for these arguments lives in the work folder (names the arguments
    and the report bank's digest, so a changed bank never reuses a stale archive)."""
    name = (
        f"archive-n{n_reports}-p{prevalence:g}-s{seed}-d{distractor_share:g}-{_bank_digest()}.jsonl"
    )
    return workdir / name


def ensure_archive(
    workdir: Path, n_reports: int, prevalence: float, seed: int, distractor_share: float
) -> ArchiveSummary:
    """Reuse the archive for these arguments if the work folder has it, else generate it."""
    path = archive_path(workdir, n_reports, prevalence, seed, distractor_share)
    if path.exists() and labels_path_for(path).exists():
        return summarize_labels(path)
    return generate_archive(path, n_reports, prevalence, seed, distractor_share)


# ---------------------------------------------------------------------------------------------
# Running one measurement in a subprocess
# ---------------------------------------------------------------------------------------------


def _process_pss_bytes(pid: int) -> int:
    """A process's proportional set size (shared pages split among their sharers), or its
    RSS where ``smaps_rollup`` is unavailable."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    with open(f"/proc/{pid}/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _tree_pss_bytes(root: int) -> int:
    """Summed PSS of a process and its descendants (Linux ``/proc``; 0 elsewhere).

    PSS rather than RSS: forked workers share the parent's pages copy-on-write, and a sum of
    RSS would count those pages once per process.
    """
    total = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            total += _process_pss_bytes(pid)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    pending.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError, IndexError):
            continue
    return total


class _TreeMemorySampler(threading.Thread):
    """Samples the process tree's summed PSS, for engines that fork workers (the kernel's
    ``ru_maxrss`` is the largest single process, not the sum)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_bytes = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_bytes = max(self.peak_bytes, _tree_pss_bytes(self.pid))
            self._stop_event.wait(MEMORY_SAMPLE_INTERVAL_S)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


@dataclasses.dataclass(frozen=True)
class ProcessRun:
    """One measured subprocess.

    Attributes:
        command: The command run.
        returncode: Exit code (negative: killed by that signal).
        seconds: Wall time from spawn to exit.
        peak_rss_mib: Peak RSS of the largest single process of the tree (kernel figure,
            ``ru_maxrss`` from ``wait4``).
        tree_pss_mib: Peak of the tree's summed PSS, sampled every MEMORY_SAMPLE_INTERVAL_S
            (None where ``/proc`` is unavailable).
        cpu_seconds: User + system CPU time of the process and the children it waited for,
            plus (Linux) descendants it left running at exit, such as a fork server.
        other_load: Cores used on average by other processes on the machine meanwhile (from
            ``/proc/stat``, minus this process tree and the benchmark itself; None where
            ``/proc/stat`` is unavailable).
        stdout: The process's standard output.
        stderr: The end of its standard error.
    """

    command: tuple[str, ...]
    returncode: int
    seconds: float
    peak_rss_mib: float
    tree_pss_mib: float | None
    cpu_seconds: float
    other_load: float | None
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        """Whether the process exited with code 0."""
        return self.returncode == 0


def _maxrss_mib(usage: resource.struct_rusage) -> float:
    # Linux reports KiB, macOS bytes.
    scale = 1 if sys.platform == "darwin" else 1024
    return usage.ru_maxrss * scale / MIB


def _machine_busy_seconds() -> float | None:
    """CPU time spent by the whole machine since boot, all cores (None without /proc/stat)."""
    try:
        with open("/proc/stat") as handle:
            fields = handle.readline().split()
    except OSError:
        return None
    # cpu  user nice system idle iowait irq softirq steal [guest guest_nice: inside user]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


#: prctl option that makes this process adopt its orphaned descendants (Linux).
_PR_SET_CHILD_SUBREAPER = 36


def _adopt_orphans() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux; False elsewhere).

    calcminer's workers are forked by a fork server, a child of the measured process that
    outlives it by a moment and that it never waits for. Adopted, the fork server is waited
    for here, and its CPU time (which holds its workers') is counted with the measured
    process's.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _reap_adopted_cpu_seconds() -> float:
    """Wait for every adopted descendant to exit; return their CPU time (with their children's)."""
    seconds = 0.0
    while True:
        try:
            _, _, usage = os.wait4(-1, 0)
        except ChildProcessError:
            return seconds
        seconds += usage.ru_utime + usage.ru_stime


def _self_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_measured(command: Sequence[str], logdir: Path, name: str) -> ProcessRun:
    """Run a command to completion; measure its wall time and peak memory.

    ``os.wait4`` gives this child's own resource usage (unlike ``RUSAGE_CHILDREN``, which
    keeps the maximum over every child the benchmark has run so far).

    Args:
        command: The command line.
        logdir: Folder for the captured stdout and stderr.
        name: File stem of the captured output.

    Returns:
        The measurement.
    """
    logdir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = logdir / f"{name}.stdout", logdir / f"{name}.stderr"
    busy_before, self_before = _machine_busy_seconds(), _self_cpu_seconds()
    adopting = _adopt_orphans()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(command), stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = _TreeMemorySampler(proc.pid) if Path("/proc").is_dir() else None
        if sampler:
            sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            if sampler:
                sampler.stop()
        seconds = time.perf_counter() - started
    cpu_seconds = usage.ru_utime + usage.ru_stime
    if adopting:
        cpu_seconds += _reap_adopted_cpu_seconds()
    busy_after, self_after = _machine_busy_seconds(), _self_cpu_seconds()
    other_load = None
    if busy_before is not None and busy_after is not None:
        others = busy_after - busy_before - cpu_seconds - (self_after - self_before)
        other_load = max(0.0, others) / seconds
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    return ProcessRun(
        command=tuple(command),
        returncode=proc.returncode,
        seconds=seconds,
        peak_rss_mib=_maxrss_mib(usage),
        tree_pss_mib=sampler.peak_bytes / MIB if sampler and sampler.peak_bytes else None,
        cpu_seconds=cpu_seconds,
        other_load=other_load,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=stderr[-4000:],
    )


# ---------------------------------------------------------------------------------------------
# The three methods
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Measurement:
    """Throughput and memory of one method over the archive.

    Attributes:
        method: ``calcminer``, ``medspacy_default`` or ``regex_scan``.
        reports: Reports the figures apply to (the whole archive).
        seconds: Wall time for all of them (extrapolated when ``extrapolated``).
        reports_per_s: ``reports / seconds``.
        peak_rss_mib: Largest single-process peak RSS.
        tree_pss_mib: Sampled peak of the process tree's summed PSS.
        returncode: Exit code of the subprocess.
        cpu_seconds: CPU time (user + system) for all the reports (extrapolated when
            ``extrapolated``).
        other_load: Cores used on average by other processes during the measurement.
        extrapolated: Whether the figures come from a sample.
        detail: Method-specific figures (sample size, start-up, hits, ...).
        command: The command line run.
    """

    method: str
    reports: int
    seconds: float
    reports_per_s: float
    peak_rss_mib: float
    tree_pss_mib: float | None
    returncode: int
    cpu_seconds: float
    other_load: float | None
    extrapolated: bool = False
    detail: dict[str, Any] = dataclasses.field(default_factory=dict)
    command: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the measurement's subprocess succeeded."""
        return self.returncode == 0

    @property
    def memory_mib(self) -> float:
        """Peak memory for the targets: the largest process's peak RSS, or the tree's summed
        PSS when that is larger (worker pools)."""
        return max(self.peak_rss_mib, self.tree_pss_mib or 0.0)


def _measured(
    method: str,
    reports: int,
    run: ProcessRun,
    detail: dict[str, Any],
    seconds: float | None = None,
) -> Measurement:
    """A Measurement from a subprocess run; ``seconds`` given means extrapolated from a sample."""
    total = run.seconds if seconds is None else seconds
    return Measurement(
        method=method,
        reports=reports,
        seconds=total,
        reports_per_s=reports / total if total == total else float("nan"),
        peak_rss_mib=run.peak_rss_mib,
        tree_pss_mib=run.tree_pss_mib,
        returncode=run.returncode,
        cpu_seconds=run.cpu_seconds * total / run.seconds,
        other_load=run.other_load,
        extrapolated=seconds is not None,
        detail=detail,
        command=run.command,
    )


def calcminer_command(archive: Path, output: Path, extra_args: Sequence[str]) -> list[str]:
    """The ``calcminer extract`` command line (the console script of this interpreter's
    environment when there is one)."""
    script = Path(sys.executable).with_name("calcminer")
    found = str(script) if script.exists() else shutil.which("calcminer")
    base = [found] if found else [sys.executable, "-m", "calcminer.cli"]
    return [*base, "extract", str(archive), "-o", str(output), "--quiet", *extra_args]


def measure_calcminer(
    archive: ArchiveSummary, workdir: Path, extra_args: Sequence[str]
) -> Measurement:
    """Time the whole ``calcminer extract`` process over the archive and check its output."""
    output = workdir / "runs" / f"calcminer-{archive.path.stem}.csv"
    output.unlink(missing_ok=True)
    command = calcminer_command(archive.path, output, extra_args)
    run = run_measured(command, workdir / "logs", f"calcminer-n{archive.reports}")
    detail: dict[str, Any] = {"output": str(output)}
    if run.ok and output.exists():
        detail["agreement"] = compare_with_labels(output, archive.labels_path)
    if not run.ok:
        detail["stderr"] = run.stderr
    return _measured("calcminer", archive.reports, run, detail)


def compare_with_labels(report_table: Path, labels_path: Path) -> dict[str, int]:
    """Compare calcminer's ``calcification`` column with the generator's labels.

    A sanity check that the benchmark measured real work (not a GOLD_GUIDE evaluation: the
    labels are the generator's intent).

    Returns:
        Row counts: rows, label_positive, found_positive (label positive, calcminer true),
        false_positive (label negative, calcminer true), false_positive_in_distractor_reports,
        triage_agree (calcminer's triage equals the intended one), missing_rows.
    """
    counts: Counter[str] = Counter()
    with (
        report_table.open(encoding="utf-8", newline="") as table_handle,
        labels_path.open(encoding="utf-8", newline="") as labels_handle,
    ):
        rows = csv.DictReader(table_handle)
        labels = csv.DictReader(labels_handle)
        for label in labels:
            row = next(rows, None)
            if row is None:
                counts["missing_rows"] += 1
                continue
            counts["rows"] += 1
            positive = label["liver_triage"] != "none"
            found = row.get("calcification") == "true"
            counts["label_positive"] += positive
            counts["found_positive"] += positive and found
            counts["false_positive"] += found and not positive
            counts["false_positive_in_distractor_reports"] += (
                found and not positive and bool(label["distractors"])
            )
            counts["triage_agree"] += row.get("triage") == label["liver_triage"]
            counts["id_mismatch"] += row.get("report_id") != label["report_id"]
    keys = (
        "rows",
        "missing_rows",
        "id_mismatch",
        "label_positive",
        "found_positive",
        "false_positive",
        "false_positive_in_distractor_reports",
        "triage_agree",
    )
    return {key: counts[key] for key in keys}


def _worker_command(method: str, archive: Path, sample: int | None = None) -> list[str]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", method]
    command += ["--archive", str(archive)]
    if sample is not None:
        command += ["--sample", str(sample)]
    return command


def _worker_result(run: ProcessRun) -> dict[str, Any]:
    """The JSON line a worker prints last."""
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    return json.loads(lines[-1]) if run.ok and lines else {}


def measure_regex(archive: ArchiveSummary, workdir: Path, ignorecase: bool = False) -> Measurement:
    """Time the bare JSON-decode + regex scan over the whole archive (whole process).

    Args:
        archive: The archive.
        workdir: Work folder (for the captured output).
        ignorecase: Match with ``re.IGNORECASE`` instead of lower-casing the text.
    """
    command = _worker_command("regex_scan", archive.path)
    if ignorecase:
        command.append("--ignorecase")
    run = run_measured(command, workdir / "logs", "regex_scan")
    detail = _worker_result(run)
    if not run.ok:
        detail["stderr"] = run.stderr
    return _measured("regex_scan", archive.reports, run, detail)


def measure_medspacy(archive: ArchiveSummary, workdir: Path, sample: int) -> Measurement:
    """Time medspaCy's default pipeline on a sample and extrapolate to the whole archive.

    The extrapolated time is the process's fixed cost (wall time minus the ``nlp.pipe``
    time: interpreter, imports, ``medspacy.load()``, reading the sample) plus the per-report
    pipe time times the archive size, so start-up counts once, as for calcminer.
    """
    sample = min(sample, archive.reports)
    run = run_measured(
        _worker_command("medspacy_default", archive.path, sample),
        workdir / "logs",
        "medspacy_default",
    )
    detail = _worker_result(run)
    if run.ok and detail.get("reports"):
        pipe_s = float(detail["pipe_seconds"])
        fixed_s = max(0.0, run.seconds - pipe_s)
        seconds = fixed_s + pipe_s * archive.reports / int(detail["reports"])
        detail["fixed_seconds"] = fixed_s
        detail["sample_wall_seconds"] = run.seconds
    else:
        seconds = float("nan")
        detail["stderr"] = run.stderr
    return _measured("medspacy_default", archive.reports, run, detail, seconds=seconds)


# ---------------------------------------------------------------------------------------------
# Workers (run in their own subprocess by the measurements above)
# ---------------------------------------------------------------------------------------------

#: medspaCy target rules equivalent to calcminer's targets: (literal, category, pattern);
#: a None pattern is a phrase match on the literal.
MEDSPACY_TARGET_RULES: tuple[tuple[str, str, list[dict[str, Any]] | None], ...] = (
    (
        "calcification",
        "CALCIFICATION",
        [{"LOWER": {"IN": ["calcification", "calcifications", "microcalcifications"]}}],
    ),
    (
        "calcified focus",
        "CALCIFICATION",
        [
            {"LOWER": {"IN": ["densely", "coarsely", "peripherally", "rim"]}, "OP": "?"},
            {"LOWER": {"IN": ["calcified", "calcific"]}},
            {
                "LOWER": {
                    "IN": [
                        "focus",
                        "foci",
                        "granuloma",
                        "granulomas",
                        "nodule",
                        "nodules",
                        "lesion",
                        "lesions",
                        "mass",
                        "masses",
                        "cyst",
                        "cysts",
                    ]
                }
            },
        ],
    ),
    (
        "echogenic focus with shadowing",
        "ECHO_SHADOW",
        [
            {"LOWER": {"IN": ["echogenic", "hyperechoic"]}},
            {"LOWER": {"IN": ["focus", "foci"]}},
            {"LOWER": "with"},
            {"LOWER": {"IN": ["posterior", "acoustic", "dense", "faint"]}, "OP": "*"},
            {"LOWER": {"IN": ["shadowing", "shadow", "shadows"]}},
        ],
    ),
    (
        "strong echo with acoustic shadow",
        "ECHO_SHADOW",
        [
            {"LOWER": "strong"},
            {"LOWER": {"IN": ["echo", "echoes"]}},
            {"LOWER": "with"},
            {"LOWER": "acoustic"},
            {"LOWER": {"IN": ["shadow", "shadows"]}},
        ],
    ),
    ("hepatolithiasis", "DUCT_STONE", None),
    (
        "intrahepatic duct stones",
        "DUCT_STONE",
        [
            {"LOWER": "intrahepatic"},
            {"LOWER": {"IN": ["bile", "biliary"]}, "OP": "?"},
            {"LOWER": {"IN": ["duct", "ducts"]}},
            {"LOWER": {"IN": ["stone", "stones", "calculi"]}},
        ],
    ),
)


def _read_texts(archive: Path, limit: int | None = None) -> Iterator[str]:
    with archive.open(encoding="utf-8") as handle:
        count = 0
        for line in handle:
            if limit is not None and count >= limit:
                return
            if line.strip():
                count += 1
                yield json.loads(line)["text"]


def worker_regex_scan(archive: Path, ignorecase: bool = False) -> dict[str, Any]:
    """Decode every line of the archive and match one compiled regex, case-insensitively.

    Args:
        archive: The JSON Lines archive.
        ignorecase: Compile with ``re.IGNORECASE`` instead of lower-casing the text (same
            matches; in CPython about 3.5x slower on this alternation).

    Returns:
        reports, hits (all matches), reports_with_hit, scan_seconds (inside the process),
        mode.
    """
    started = time.perf_counter()
    pattern = re.compile(REGEX_SCAN_PATTERN, re.IGNORECASE if ignorecase else 0)
    reports = hits = with_hit = 0
    for text in _read_texts(archive):
        reports += 1
        found = len(pattern.findall(text if ignorecase else text.lower()))
        hits += found
        with_hit += found > 0
    return {
        "reports": reports,
        "hits": hits,
        "reports_with_hit": with_hit,
        "scan_seconds": time.perf_counter() - started,
        "mode": "re.IGNORECASE" if ignorecase else "text.lower()",
    }


def worker_medspacy_default(archive: Path, sample: int) -> dict[str, Any]:
    """Run ``medspacy.load()`` plus equivalent target rules over the archive's first reports.

    Returns:
        reports, import_seconds, load_seconds, pipe_seconds, targets, negated_targets,
        reports_with_target, pipe_names.
    """
    started = time.perf_counter()
    try:
        from loguru import logger

        # PyRuSH logs every sentence at DEBUG through loguru; that is not the pipeline's cost.
        logger.disable("PyRuSH")
    except ImportError:
        pass
    import medspacy
    from medspacy.target_matcher import TargetRule

    imported = time.perf_counter()
    nlp = medspacy.load()
    matcher = nlp.get_pipe("medspacy_target_matcher")
    matcher.add(
        [
            TargetRule(literal, category, pattern=pattern)
            for literal, category, pattern in MEDSPACY_TARGET_RULES
        ]
    )
    texts = list(_read_texts(archive, sample))
    loaded = time.perf_counter()
    targets = negated = with_target = 0
    # One process: medspaCy's n_process=2 crashes once a TargetRule matches.
    for doc in nlp.pipe(texts, n_process=1):
        targets += len(doc.ents)
        negated += sum(bool(ent._.is_negated) for ent in doc.ents)
        with_target += any(not ent._.is_negated for ent in doc.ents)
    done = time.perf_counter()
    return {
        "reports": len(texts),
        "import_seconds": imported - started,
        "load_seconds": loaded - imported,
        "pipe_seconds": done - loaded,
        "targets": targets,
        "negated_targets": negated,
        "reports_with_target": with_target,
        "pipe_names": list(nlp.pipe_names),
    }


def _worker_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description="benchmark worker (internal)")
    parser.add_argument("--worker", choices=("regex_scan", "medspacy_default"), required=True)
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--sample", type=int, default=DEFAULT_MEDSPACY_SAMPLE)
    parser.add_argument("--ignorecase", action="store_true")
    args = parser.parse_args(argv)
    if args.worker == "regex_scan":
        result = worker_regex_scan(args.archive, ignorecase=args.ignorecase)
    else:
        result = worker_medspacy_default(args.archive, args.sample)
    print(json.dumps(result))
    return 0


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TargetCheck:
    """One of the issue's targets and how this run fared."""

    name: str
    target: str
    value: str
    status: Literal["PASS", "FAIL", "n/a"]


def _ratio(numerator: Measurement | None, denominator: Measurement | None) -> float | None:
    if numerator is None or denominator is None or not (numerator.ok and denominator.ok):
        return None
    value = numerator.reports_per_s / denominator.reports_per_s
    return value if value == value else None


def _at_least(value: float | None, threshold: float) -> Literal["PASS", "FAIL", "n/a"]:
    if value is None:
        return "n/a"
    return "PASS" if value >= threshold else "FAIL"


def throughput_targets(
    calcminer: Measurement | None, medspacy: Measurement | None, regex: Measurement | None
) -> tuple[dict[str, float | None], list[TargetCheck]]:
    """The ratios and the issue's throughput targets."""
    vs_medspacy = _ratio(calcminer, medspacy)
    vs_regex = _ratio(calcminer, regex)
    ratios = {"calcminer/medspacy_default": vs_medspacy, "calcminer/regex_scan": vs_regex}
    checks = [
        TargetCheck(
            "calcminer / medspacy_default",
            f">= {TARGET_VS_MEDSPACY_X:g}x",
            "-" if vs_medspacy is None else f"{vs_medspacy:.2f}x",
            _at_least(vs_medspacy, TARGET_VS_MEDSPACY_X),
        ),
        TargetCheck(
            "calcminer / regex_scan",
            f"withdrawn (was >= {TARGET_VS_REGEX_X:g}x)",
            "-" if vs_regex is None else f"{vs_regex:.4f}x",
            "n/a",
        ),
    ]
    return ratios, checks


def memory_targets(small: Measurement, large: Measurement) -> list[TargetCheck]:
    """The issue's memory targets from a small and a large calcminer run."""
    if not (small.ok and large.ok):
        return [
            TargetCheck("RSS large / small", f"<= {TARGET_RSS_RATIO_X:g}x", "-", "n/a"),
            TargetCheck("RSS large", f"< {TARGET_RSS_LARGE_MIB:g} MiB", "-", "n/a"),
        ]
    ratio = large.memory_mib / small.memory_mib
    return [
        TargetCheck(
            f"RSS {large.reports:,} / {small.reports:,} reports",
            f"<= {TARGET_RSS_RATIO_X:g}x",
            f"{ratio:.2f}x",
            "PASS" if ratio <= TARGET_RSS_RATIO_X else "FAIL",
        ),
        TargetCheck(
            f"RSS at {large.reports:,} reports",
            f"< {TARGET_RSS_LARGE_MIB:g} MiB",
            f"{large.memory_mib:,.0f} MiB",
            "PASS" if large.memory_mib < TARGET_RSS_LARGE_MIB else "FAIL",
        ),
    ]


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None or value != value:
        return "-"
    return f"{value:,.{digits}f}"


def format_table(measurements: Sequence[Measurement], first_column: str = "method") -> str:
    """Render measurements as an aligned plain-text table."""
    header = (
        first_column,
        "reports",
        "seconds",
        "reports/s",
        "CPU s",
        "peak RSS MiB",
        "tree PSS MiB",
        "other load",
    )
    rows = [header]
    for m in measurements:
        status = "" if m.ok else f" (FAILED, exit {m.returncode})"
        name = (m.method if first_column == "method" else f"{m.reports:,}") + status
        rows.append(
            (
                name,
                f"{m.reports:,}{'*' if m.extrapolated else ''}",
                _fmt(m.seconds),
                _fmt(m.reports_per_s),
                _fmt(m.cpu_seconds),
                _fmt(m.peak_rss_mib),
                _fmt(m.tree_pss_mib),
                _fmt(m.other_load, 2),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def format_targets(checks: Sequence[TargetCheck]) -> str:
    """Render target checks, one a line."""
    width = max((len(check.name) for check in checks), default=0)
    return "\n".join(
        f"  {check.name.ljust(width)}  {check.value:>12}   target {check.target:<12} {check.status}"
        for check in checks
    )


def _describe_archive(summary: ArchiveSummary) -> str:
    made = "reused" if summary.seconds is None else f"generated in {summary.seconds:.1f} s"
    share = summary.liver_positive / summary.reports if summary.reports else 0.0
    triage = ", ".join(f"{k} {v:,}" for k, v in summary.triage.items() if k != "none")
    distractor_share = summary.distractor_reports / summary.reports if summary.reports else 0.0
    return (
        f"archive: {summary.path}\n"
        f"  {summary.reports:,} reports, {summary.bytes / MIB:,.1f} MiB ({made}); "
        f"liver positive {summary.liver_positive:,} ({share:.1%}: {triage}); "
        f"with distractors {summary.distractor_reports:,} ({distractor_share:.1%})"
    )


def _describe_notes(
    calcminer: Measurement | None, medspacy: Measurement | None, regex: Measurement | None
) -> list[str]:
    notes = [
        "seconds: wall time of the whole subprocess, spawn to exit (start-up and writing "
        "included). peak RSS: largest single process (kernel ru_maxrss); tree PSS: summed "
        "proportional set size of the process tree (worker pools), sampled every "
        f"{MEMORY_SAMPLE_INTERVAL_S:g} s. Memory targets use the larger of the two. CPU s: "
        "user + system time of the process tree. other load: cores used on average by other "
        "processes on the machine during the measurement; above a few tenths, the figures "
        "are slowed by other work.",
    ]
    if medspacy is not None and medspacy.ok:
        d = medspacy.detail
        notes.append(
            f"* medspacy_default: measured on the first {d['reports']:,} reports "
            f"(nlp.pipe {d['pipe_seconds']:.1f} s = {d['reports'] / d['pipe_seconds']:,.1f} "
            f"reports/s; fixed cost {d['fixed_seconds']:.1f} s: imports "
            f"{d['import_seconds']:.1f} s, medspacy.load() + sample read "
            f"{d['load_seconds']:.1f} s), extrapolated to {medspacy.reports:,} reports; "
            f"pipeline {', '.join(d['pipe_names'])}; {d['reports_with_target']:,} sample "
            "reports with a non-negated target."
        )
    if regex is not None and regex.ok:
        d = regex.detail
        notes.append(
            f"regex_scan: /{REGEX_SCAN_PATTERN}/ over {d['mode']}; "
            f"{d['reports_with_hit']:,} reports with a "
            f"hit ({d['reports_with_hit'] / max(1, d['reports']):.1%}), {d['hits']:,} hits; "
            f"in-process scan {d['scan_seconds']:.2f} s."
        )
    if calcminer is not None and calcminer.ok and "agreement" in calcminer.detail:
        a = calcminer.detail["agreement"]
        notes.append(
            f"calcminer output: {a['rows']:,} rows (missing {a['missing_rows']}, id "
            f"mismatches {a['id_mismatch']}); calcification=true for {a['found_positive']:,} "
            f"of {a['label_positive']:,} generator positives and {a['false_positive']:,} "
            f"generator negatives ({a['false_positive_in_distractor_reports']:,} of them "
            f"with distractors); triage equals the generator's intent in "
            f"{a['triage_agree']:,} rows."
        )
    for m in (calcminer, medspacy, regex):
        if m is not None and not m.ok:
            tail = str(m.detail.get("stderr", "")).strip().splitlines()[-5:]
            notes.append(f"{m.method} FAILED (exit {m.returncode}): " + " | ".join(tail))
    return notes


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the benchmark's command line."""
    parser = argparse.ArgumentParser(
        description="Throughput benchmark: calcminer vs medspaCy's default pipeline vs a "
        "JSON-decode + regex scan, over a deterministic synthetic archive.",
    )
    parser.add_argument("--reports", type=int, default=DEFAULT_REPORTS, help="archive size")
    parser.add_argument(
        "--prevalence", type=float, default=DEFAULT_PREVALENCE, help="share of liver positives"
    )
    parser.add_argument(
        "--distractor-share",
        type=float,
        default=DEFAULT_DISTRACTOR_SHARE,
        help="share of reports with distractor calcifications (spleen, aorta, stones, ...)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=DEFAULT_WORKDIR,
        help=f"archives, outputs and logs (default {DEFAULT_WORKDIR}; archives are reused "
        "when the same arguments are given)",
    )
    parser.add_argument(
        "--calcminer-args",
        default="",
        help='extra arguments for calcminer extract, e.g. "--workers 2"',
    )
    parser.add_argument("--skip-medspacy", action="store_true", help="skip medspacy_default")
    parser.add_argument(
        "--regex-ignorecase",
        action="store_true",
        help="regex_scan with re.IGNORECASE instead of lower-casing the text (slower)",
    )
    parser.add_argument(
        "--medspacy-sample",
        type=int,
        default=DEFAULT_MEDSPACY_SAMPLE,
        help="reports medspacy_default runs on before extrapolating (0 skips it)",
    )
    parser.add_argument(
        "--memory-scaling",
        action="store_true",
        help="also run calcminer on --memory-small and --memory-large reports and check the "
        "peak RSS targets",
    )
    parser.add_argument("--memory-small", type=int, default=DEFAULT_MEMORY_SMALL)
    parser.add_argument("--memory-large", type=int, default=DEFAULT_MEMORY_LARGE)
    parser.add_argument("--json", type=Path, help="write all figures to this JSON file")
    args = parser.parse_args(argv)
    if args.reports < 1:
        parser.error("--reports must be at least 1")
    if not 0.0 <= args.prevalence <= 1.0:
        parser.error("--prevalence must lie in [0, 1]")
    if not 0.0 <= args.distractor_share <= 1.0:
        parser.error("--distractor-share must lie in [0, 1]")
    return args


def _print(text: str = "") -> None:
    print(text, flush=True)


def run_benchmark(args: argparse.Namespace) -> int:
    """Run the benchmark described by the parsed arguments; print and optionally save it.

    Returns:
        The exit code: 0, or 1 when a measured process crashed (a missed target is not a
        failure).
    """
    workdir: Path = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    extra_args = shlex.split(args.calcminer_args)
    load_before = _load_average()
    _print(
        f"calcminer throughput benchmark ({os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {platform.platform(terse=True)}; load average "
        f"{_fmt(load_before, 2)} before the run)"
    )
    archive = ensure_archive(
        workdir, args.reports, args.prevalence, args.seed, args.distractor_share
    )
    _print(_describe_archive(archive))
    _warm_page_cache(archive.path)

    measurements: list[Measurement] = []
    shown = shlex.join(calcminer_command(archive.path, Path("OUT.csv"), extra_args))
    _print(f"running calcminer: {shown}")
    calcminer = measure_calcminer(archive, workdir, extra_args)
    measurements.append(calcminer)
    medspacy = None
    if args.skip_medspacy or args.medspacy_sample <= 0:
        _print("medspacy_default: skipped")
    else:
        _print(
            f"running medspacy_default on {min(args.medspacy_sample, archive.reports):,} reports"
        )
        medspacy = measure_medspacy(archive, workdir, args.medspacy_sample)
        measurements.append(medspacy)
    _print("running regex_scan")
    regex = measure_regex(archive, workdir, ignorecase=args.regex_ignorecase)
    measurements.append(regex)

    _print()
    _print(format_table(measurements))
    for note in _describe_notes(calcminer, medspacy, regex):
        _print(note)
    ratios, checks = throughput_targets(calcminer, medspacy, regex)
    _print()
    _print("targets (archive-scale issue; measured on a 2-core machine at 200k reports, 5%):")
    _print(format_targets(checks))

    scaling: dict[str, Any] | None = None
    if args.memory_scaling:
        scaling, memory_checks = _memory_scaling(args, calcminer, workdir, extra_args)
        checks += memory_checks
    else:
        _print("  memory targets: not measured (use --memory-scaling)")

    crashed = [m.method for m in measurements if not m.ok]
    if scaling:
        crashed += [f"calcminer@{m['reports']}" for m in scaling["runs"] if m["returncode"]]
    if args.json:
        machine = {"load_average_before": load_before}
        _write_json(args, archive, measurements, ratios, checks, scaling, crashed, machine)
        _print(f"wrote {args.json}")
    return 1 if crashed else 0


def _memory_scaling(
    args: argparse.Namespace, main_run: Measurement, workdir: Path, extra_args: Sequence[str]
) -> tuple[dict[str, Any], list[TargetCheck]]:
    """Run calcminer on the small and large archives (reusing the main run when its size
    matches) and check the memory targets."""
    runs: list[Measurement] = []
    for size in (args.memory_small, args.memory_large):
        if size == args.reports:
            runs.append(main_run)
            continue
        archive = ensure_archive(workdir, size, args.prevalence, args.seed, args.distractor_share)
        _warm_page_cache(archive.path)
        _print(f"running calcminer on {size:,} reports (memory scaling)")
        runs.append(measure_calcminer(archive, workdir, extra_args))
    small, large = runs
    checks = memory_targets(small, large)
    _print()
    _print("memory scaling (calcminer):")
    _print(format_table(runs, first_column="archive"))
    _print(format_targets(checks))
    return {"runs": [_measurement_json(m) for m in runs]}, checks


def _load_average() -> float | None:
    """The one-minute load average (None where the platform has none)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def _warm_page_cache(path: Path) -> None:
    """Read the archive once so every method starts with it in the page cache."""
    with path.open("rb") as handle:
        while handle.read(1 << 20):
            pass


def _measurement_json(m: Measurement) -> dict[str, Any]:
    data = dataclasses.asdict(m)
    data["memory_mib"] = m.memory_mib
    return data


def _write_json(
    args: argparse.Namespace,
    archive: ArchiveSummary,
    measurements: Sequence[Measurement],
    ratios: Mapping[str, float | None],
    checks: Sequence[TargetCheck],
    scaling: Mapping[str, Any] | None,
    crashed: Sequence[str],
    machine: Mapping[str, Any],
) -> None:
    arguments = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    archive_data = dataclasses.asdict(archive)
    archive_data["path"] = str(archive.path)
    archive_data["labels_path"] = str(archive.labels_path)
    payload = {
        "benchmark": "calcminer throughput",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            **machine,
        },
        "arguments": arguments,
        "archive": archive_data,
        "measurements": {m.method: _measurement_json(m) for m in measurements},
        "ratios": dict(ratios),
        "targets": [dataclasses.asdict(check) for check in checks],
        "memory_scaling": scaling,
        "crashed": list(crashed),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: the benchmark, or a worker when called with ``--worker``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        return _worker_main(argv)
    return run_benchmark(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
