"""A small audit archive whose exam dates can be written in every layout the audit reads (the
API and CLI tests of dates and in-memory archives share it)."""

from __future__ import annotations

import csv
from pathlib import Path

US = "ULTRASOUND ABDOMEN\n"
CT = "CT ABDOMEN WITH CONTRAST\n"
MRI = "MRI LIVER WITHOUT AND WITH CONTRAST\n"
DUCTS = "LIVER: Multiple calcifications along the intrahepatic bile ducts of the right lobe."
BIG = "LIVER: A 4.2 cm calcified mass in segment VII."
SMALL = "LIVER: A single 4 mm calcified granuloma in segment VI."
NORMAL = "LIVER: Normal in size and echotexture. No calcification."

#: (report_id, patient_id, ISO date or "" for none, text): a workup completed by a CT, an
#: urgent exam overdue, one late, a benign one, a record without a date (E302) and one without
#: a patient (E301). Days 15 and 20 are above 12: they decide the order of dd/mm/yyyy dates.
EXAMS: tuple[tuple[str, str, str, str], ...] = (
    ("e01", "p1", "2021-01-05", US + DUCTS),
    ("e02", "p1", "2021-02-01", CT + NORMAL),
    ("e03", "p2", "2021-03-01", US + BIG),
    ("e04", "p2", "2021-03-10", US + NORMAL),
    ("e05", "p3", "2021-04-01", US + BIG),
    ("e06", "p3", "2021-06-01", MRI + NORMAL),
    ("e07", "p4", "2021-05-15", US + SMALL),
    ("e08", "p6", "", US + NORMAL),
    ("e09", "", "2021-06-01", US + NORMAL),
    ("e10", "p7", "2021-06-20", US + NORMAL),
)
#: Reports that become exams, and error rows.
EXAM_COUNT, ERROR_COUNT = 8, 2

#: Each layout, as a format of the ISO date's parts.
LAYOUTS: dict[str, str] = {
    "iso": "{y}-{m}-{d}",
    "iso_t": "{y}-{m}-{d}T08:08:00",
    "iso_space_time": "{y}-{m}-{d} 08:08",
    "year_slash": "{y}/{m}/{d}",
    "month_first": "{m}/{d}/{y}",
    "month_first_time": "{m}/{d}/{y} 08:08",
    "month_first_seconds": "{m}/{d}/{y} 08:08:30",
    "month_first_ampm": "{m}/{d}/{y} 8:08 PM",
    "day_first": "{d}/{m}/{y}",
    "day_first_time": "{d}/{m}/{y} 08:08",
    "day_first_dash": "{d}-{m}-{y}",
    "dotted": "{d}.{m}.{y}",
    "dotted_time": "{d}.{m}.{y} 08:08:00",
    "compact": "{y}{m}{d}",
    "compact_time": "{y}{m}{d} 08:08",
    "hl7": "{y}{m}{d}080800",
}


def layout_date(iso: str, layout: str) -> str:
    """An ISO date written in a layout ("" stays "")."""
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return LAYOUTS[layout].format(y=y, m=m, d=d)


def archive_rows(
    layout: str = "iso", exams: tuple[tuple[str, str, str, str], ...] = EXAMS
) -> list[dict[str, str]]:
    """The archive's records, dates in ``layout``."""
    return [
        {"report_id": r, "patient_id": p, "exam_date": layout_date(d, layout), "text": t}
        for r, p, d, t in exams
    ]


def ambiguous_exams() -> tuple[tuple[str, str, str, str], ...]:
    """The exams with every day of month 12 or less (no date decides the order)."""
    return tuple(
        (r, p, d[:8] + "0" + str(min(int(d[8:]), 9)) if d else d, t) for r, p, d, t in EXAMS
    )


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write records as a CSV archive (the columns of the first record)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
