"""Tests for calcminer.nlp.views.plots: the audit figure (PNG bytes, determinism, atomicity),
helpers."""

from __future__ import annotations

import importlib
import math
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
import pytest
from suite_helpers import drawn_texts, png_size

import calcminer.nlp.views.plots as plots
from calcminer.nlp.audit import LEVELS, STATUSES
from calcminer.nlp.errors import CalcminerError, InputError, OutputError
from calcminer.nlp.views.plots import (
    LevelOutcome,
    StepCurve,
    audit_figure,
    axis_max_days,
    cumulative_share,
    level_colors,
    level_order,
    level_outcomes,
    on_time_rate,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WINDOWS = {"urgent": 30, "workup": 90, "recommended": 180}
AS_OF = date(2024, 6, 30)
INDEX_DATE = date(2024, 1, 2)
#: Pixel size of every figure: FIGURE_SIZE_INCHES x FIGURE_DPI.
EXPECTED_PIXELS = (1800, 750)

#: (level, status, days to follow-up): every status in every level.
EVERY_STATUS: list[tuple[str, str, int | None]] = [
    ("urgent", "completed", 0),
    ("urgent", "completed", 12),
    ("urgent", "late", 45),
    ("urgent", "overdue", None),
    ("workup", "completed", 60),
    ("workup", "late", 120),
    ("workup", "overdue", None),
    ("workup", "pending", None),
    ("recommended", "completed", 100),
    ("recommended", "late", 400),
    ("recommended", "overdue", None),
    ("recommended", "pending", None),
    ("recommended", "pending", None),
]


def _audit(rows: list[tuple[str, str, int | None]], dates: str = "datetime64") -> pd.DataFrame:
    """An audit table following the contract; ``dates="date"`` gives Python dates instead
    (as :func:`calcminer.nlp.io.tables.audit_frame` builds them)."""
    records: list[dict[str, Any]] = []
    for number, (level, status, days) in enumerate(rows):
        followup = None if days is None else INDEX_DATE + timedelta(days=days)
        records.append(
            {
                "report_id": f"rep-{number:03d}",
                "patient_id": f"pat-{number:03d}",
                "exam_date": INDEX_DATE,
                "level": level,
                "triage": level if level in {"urgent", "workup"} else "benign",
                "followup_recommended": level == "recommended",
                "due_date": INDEX_DATE + timedelta(days=WINDOWS.get(level, 0)),
                "status": status,
                "followup_report_id": None if days is None else f"fu-{number:03d}",
                "followup_modality": None if days is None else "CT",
                "followup_date": followup,
                "days_to_followup": days,
            }
        )
    columns = [
        "report_id",
        "patient_id",
        "exam_date",
        "level",
        "triage",
        "followup_recommended",
        "due_date",
        "status",
        "followup_report_id",
        "followup_modality",
        "followup_date",
        "days_to_followup",
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame["days_to_followup"] = pd.array(frame["days_to_followup"].tolist(), dtype="Int64")
    frame["followup_recommended"] = frame["followup_recommended"].astype(bool)
    for name in ("report_id", "patient_id", "followup_report_id", "followup_modality"):
        frame[name] = frame[name].astype("string")
    if dates == "datetime64":
        for name in ("exam_date", "due_date", "followup_date"):
            frame[name] = pd.to_datetime(frame[name])
    return frame


def _write(frame: pd.DataFrame, path: Path, **options: Any) -> Path:
    return audit_figure(frame, path, windows_days=WINDOWS, as_of=AS_OF, **options)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> bytes:
    """The PNG of the every-status table, drawn once for the tests that compare bytes."""
    return _write(_audit(EVERY_STATUS), tmp_path_factory.mktemp("baseline") / "a.png").read_bytes()


# --- the PNG file --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rows",
    [EVERY_STATUS, [row for row in EVERY_STATUS if row[0] == "workup"], []],
    ids=["three_levels", "one_level", "empty"],
)
def test_plots_audit_figure_writes_png_of_fixed_size(rows, tmp_path):
    path = tmp_path / "audit.png"
    written = _write(_audit(rows), path)
    assert written == path
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert png_size(data) == EXPECTED_PIXELS
    assert sorted(os.listdir(tmp_path)) == ["audit.png"]


def test_plots_audit_figure_is_byte_identical_across_runs(baseline, tmp_path):
    again = _write(_audit(EVERY_STATUS), tmp_path / "again.png").read_bytes()
    assert again == baseline
    assert b"Software" not in baseline  # no matplotlib version stamp


def test_plots_audit_figure_ignores_the_users_rc_settings(baseline, tmp_path):
    with matplotlib.rc_context({"font.size": 20, "lines.linewidth": 6, "figure.dpi": 40}):
        styled = _write(_audit(EVERY_STATUS), tmp_path / "styled.png").read_bytes()
    assert styled == baseline


def test_plots_audit_figure_reads_python_dates_like_datetime64(baseline, tmp_path):
    as_dates = _write(_audit(EVERY_STATUS, dates="date"), tmp_path / "b.png").read_bytes()
    assert as_dates == baseline


@pytest.mark.parametrize(
    "change",
    [
        lambda rows: [*rows[:3], ("urgent", "completed", 20), *rows[4:]],  # overdue -> completed
        lambda rows: [*rows[:1], ("urgent", "completed", 25), *rows[2:]],  # 12 -> 25 days
        lambda rows: [row for row in rows if row[0] != "recommended"],
    ],
    ids=["status", "days", "level_dropped"],
)
def test_plots_audit_figure_bytes_change_with_data(change, baseline, tmp_path):
    after = _write(_audit(change(EVERY_STATUS)), tmp_path / "after.png").read_bytes()
    assert after != baseline


def test_plots_audit_figure_bytes_change_with_title_and_windows(baseline, tmp_path):
    frame = _audit(EVERY_STATUS)
    titled = _write(frame, tmp_path / "titled.png", title="Audit Q2").read_bytes()
    windows = {**WINDOWS, "urgent": 14}
    shifted = audit_figure(frame, tmp_path / "w.png", windows_days=windows, as_of=AS_OF)
    assert len({baseline, titled, shifted.read_bytes()}) == 3


def test_plots_audit_figure_creates_missing_parent_folders(tmp_path):
    path = tmp_path / "new" / "deeper" / "audit.png"
    _write(_audit(EVERY_STATUS), path)
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    assert os.listdir(path.parent) == ["audit.png"]


def test_plots_audit_figure_unwritable_path_raises_e202_and_leaves_nothing(tmp_path):
    (tmp_path / "blocker").write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(OutputError) as info:
        _write(_audit(EVERY_STATUS), tmp_path / "blocker" / "audit.png")
    assert info.value.code == "E202"
    assert "audit.png" in str(info.value)
    assert os.listdir(tmp_path) == ["blocker"]


@pytest.mark.parametrize("name", ["audit.csv", "audit", "audit.png.txt"])
def test_plots_audit_figure_needs_png_suffix_e306(name, tmp_path):
    with pytest.raises(OutputError) as info:
        _write(_audit(EVERY_STATUS), tmp_path / name)
    assert info.value.code == "E306"
    assert os.listdir(tmp_path) == []


def test_plots_audit_figure_accepts_upper_case_suffix_and_str_path(tmp_path):
    written = _write(_audit(EVERY_STATUS), str(tmp_path / "AUDIT.PNG"))
    assert written == tmp_path / "AUDIT.PNG"
    assert written.read_bytes().startswith(PNG_SIGNATURE)


def test_plots_audit_figure_replaces_a_file_without_leftovers(tmp_path):
    path = tmp_path / "audit.png"
    path.write_bytes(b"old")
    _write(_audit(EVERY_STATUS), path)
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    assert os.listdir(tmp_path) == ["audit.png"]


def test_plots_audit_figure_bad_table_writes_nothing(tmp_path):
    frame = _audit(EVERY_STATUS)
    frame.loc[0, "status"] = "done"
    path = tmp_path / "audit.png"
    path.write_bytes(b"old")
    with pytest.raises(InputError) as info:
        _write(frame, path)
    assert info.value.code == "E232"
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["audit.png"]


def test_plots_audit_figure_prints_and_warns_nothing(tmp_path, capsys, recwarn):
    _write(_audit(EVERY_STATUS), tmp_path / "a.png")
    _write(_audit([]), tmp_path / "b.png")
    assert capsys.readouterr() == ("", "")
    assert [str(warning.message) for warning in recwarn] == []


#: Every public name of calcminer.nlp.views.plots when it was one module (plots.py, before the
#: split into a package), by the module that defines it now.
OLD_PLOTS_NAMES: dict[str, tuple[str, ...]] = {
    "calcminer.nlp.views.plots.render": (
        "FIGURE_DPI",
        "FIGURE_SIZE_INCHES",
        "FIGURE_STYLE",
        "PERCENT_MAX",
        "PNG_SUFFIX",
    ),
    "calcminer.nlp.views.plots.audit": (
        "AUDIT_PLOT_COLUMNS",
        "BAR_AXIS_MARGIN",
        "BAR_HEIGHT",
        "EXTRA_LEVEL_COLORS",
        "FOLLOWED_UP_STATUSES",
        "LEGEND_ANCHOR",
        "LEVEL_COLORS",
        "MAX_LEGEND_COLUMNS",
        "MIN_ANNOTATED_SHARE",
        "MIN_AXIS_DAYS",
        "NO_INDEX_EXAMS",
        "STATUS_COLORS",
        "WINDOW_AXIS_FACTOR",
        "WINDOW_LINE_ALPHA",
        "LevelOutcome",
        "StepCurve",
        "audit_figure",
        "axis_max_days",
        "cumulative_share",
        "level_colors",
        "level_order",
        "level_outcomes",
        "on_time_rate",
    ),
    "calcminer.nlp.views.plots.batch": (
        "BAR_LABEL_HEADROOM",
        "BATCH_FIGURE_SIZE_INCHES",
        "MAX_SIZE_TICKS",
        "NO_REPORTS",
        "NO_SIZES",
        "SEGMENTS_PNG",
        "SEGMENT_ALIASES",
        "SEGMENT_PLOT_COLUMNS",
        "SIZES_PNG",
        "SIZE_AXIS_MAX_MM",
        "SIZE_BAR_COLOR",
        "SIZE_BIN_WIDTH_MM",
        "SIZE_PLOT_COLUMNS",
        "THRESHOLD_LINE_COLOR",
        "TRIAGE_COLORS",
        "TRIAGE_PLOT_COLUMNS",
        "TRIAGE_PNG",
        "URGENT_BAR_COLOR",
        "SizeBins",
        "SizeSample",
        "batch_figures",
        "report_segments",
        "segment_counts",
        "segment_map_figure",
        "size_bins",
        "size_figure",
        "size_values",
        "triage_counts",
        "triage_figure",
    ),
    "calcminer.nlp.views.plots.liver_map": (
        "CAUDATE_LABEL_FONT_SIZE",
        "DARK_SHADE_SHARE",
        "LIVER_X_LIMITS",
        "LIVER_Y_LIMITS",
        "SEGMENT_COLORMAP",
        "SEGMENT_EDGE_COLOR",
        "SEGMENT_EDGE_WIDTH",
        "SEGMENT_LABEL_FONT_SIZE",
        "SEGMENT_SHAPES",
        "SegmentShape",
    ),
    "calcminer.nlp.views.plots.readback": (
        "SIZE_COLUMNS",
        "bool_cell",
        "list_cell",
        "normalize_table",
        "size_cell",
    ),
    # The vocabularies the figures draw, importable from plots as before.
    "calcminer.nlp.audit": ("LEVELS", "STATUSES"),
    "calcminer.nlp.schema": ("COUINAUD_SEGMENTS", "TRIAGE_LEVELS"),
}


def test_plots_package_keeps_every_name_of_the_old_module():
    """``from calcminer.nlp.views.plots import X`` gives the object its new module defines,
    for every name plots.py exported, and ``__all__`` lists them (and only names that exist)."""
    for module_name, names in OLD_PLOTS_NAMES.items():
        module = importlib.import_module(module_name)
        for name in names:
            assert getattr(plots, name) is getattr(module, name), name
            if callable(getattr(module, name)):
                assert getattr(module, name).__module__ == module_name, name
    old_names = {name for names in OLD_PLOTS_NAMES.values() for name in names}
    assert sorted(old_names - set(plots.__all__)) == []
    assert [name for name in plots.__all__ if not hasattr(plots, name)] == []


def test_plots_import_is_cheap():
    code = (
        "import sys, calcminer.nlp.views.plots; "
        "print(sorted(m for m in ('matplotlib', 'pandas') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


# --- what the figure shows -----------------------------------------------------------------------


def test_plots_audit_figure_draws_counts_rates_and_no_ids(tmp_path, drawn):
    frame = _audit(EVERY_STATUS)
    _write(frame, tmp_path / "audit.png")
    (fig,) = drawn
    bars, curves = fig.axes
    assert bars.get_title() == "Completion by level"
    assert curves.get_title() == "Follow-up over time"
    assert fig.get_suptitle() == "Follow-up audit as of 2024-06-30"
    # on-time rates: urgent 2/(2+1+1), workup 1/(1+1+1), recommended 1/(1+1+1)
    assert [label.get_text() for label in bars.get_yticklabels()] == [
        "urgent (n=4)\non time 50 %",
        "workup (n=4)\non time 33 %",
        "recommended (n=5)\non time 33 %",
    ]
    # one count per non-empty segment (pending urgent has none)
    annotated = sorted(text.get_text() for text in bars.texts if text.get_text())
    assert annotated == ["1"] * 9 + ["2"] * 2
    assert [text.get_text() for text in bars.get_legend().get_texts()] == list(STATUSES)
    legend = [text.get_text() for text in curves.get_legend().get_texts()]
    assert legend == [
        "urgent (n=4, window 30 d)",
        "workup (n=4, window 90 d)",
        "recommended (n=5, window 180 d)",
    ]
    assert "pending included" in curves.get_ylabel()
    identifiers = set(frame["report_id"]) | set(frame["patient_id"])
    identifiers |= set(frame["followup_report_id"].dropna())
    assert not [text for text in drawn_texts(fig) if any(i in text for i in identifiers)]


def test_plots_audit_figure_stacks_status_segments_in_order(tmp_path, drawn):
    _write(_audit(EVERY_STATUS), tmp_path / "audit.png")
    bars = drawn[0].axes[0]
    # one bar container per status, in status order, one bar per level
    widths = [[patch.get_width() for patch in container] for container in bars.containers]
    assert widths == [[2, 1, 1], [1, 1, 1], [1, 1, 1], [0, 1, 2]]
    lefts = [[patch.get_x() for patch in container] for container in bars.containers]
    assert lefts == [[0, 0, 0], [2, 1, 1], [3, 2, 2], [4, 3, 3]]
    colors = [matplotlib.colors.to_hex(c.patches[0].get_facecolor()) for c in bars.containers]
    assert colors == [plots.STATUS_COLORS[status].lower() for status in STATUSES]


def test_plots_audit_figure_draws_curves_and_window_lines(tmp_path, drawn):
    _write(_audit(EVERY_STATUS), tmp_path / "audit.png")
    curves = drawn[0].axes[1]
    steps = [line for line in curves.get_lines() if line.get_linestyle() == "-"]
    windows = [line for line in curves.get_lines() if line.get_linestyle() == "--"]
    # axis end: the longest follow-up (400 days) beats 2 x the longest window (360)
    assert curves.get_xlim() == (0.0, 400.0)
    assert curves.get_ylim() == (0.0, 100.0)
    urgent = steps[0]
    assert list(urgent.get_xdata()) == [0, 12, 45, 400]
    assert list(urgent.get_ydata()) == [25.0, 50.0, 75.0, 75.0]
    recommended = steps[2]
    assert list(recommended.get_xdata()) == [0, 100, 400]
    assert list(recommended.get_ydata()) == [0.0, 20.0, 40.0]
    assert [line.get_xdata()[0] for line in windows] == [30, 90, 180]
    assert [line.get_color() for line in windows] == [line.get_color() for line in steps]


def test_plots_audit_figure_one_level_shows_only_it(tmp_path, drawn):
    rows = [row for row in EVERY_STATUS if row[0] == "workup"]
    _write(_audit(rows), tmp_path / "audit.png")
    bars, curves = drawn[0].axes
    assert [label.get_text() for label in bars.get_yticklabels()] == ["workup (n=4)\non time 33 %"]
    assert [text.get_text() for text in curves.get_legend().get_texts()] == [
        "workup (n=4, window 90 d)"
    ]
    assert curves.get_xlim() == (0.0, 180.0)  # 2 x the workup window


def test_plots_audit_figure_empty_table_says_no_index_exams(tmp_path, drawn):
    _write(_audit([]), tmp_path / "audit.png")
    (fig,) = drawn
    assert [[text.get_text() for text in ax.texts] for ax in fig.axes] == [
        ["No index exams"],
        ["No index exams"],
    ]
    assert [ax.get_title() for ax in fig.axes] == ["Completion by level", "Follow-up over time"]


def test_plots_audit_figure_title_and_timestamp_as_of(tmp_path, drawn):
    frame = _audit(EVERY_STATUS)
    audit_figure(frame, tmp_path / "a.png", windows_days=WINDOWS, as_of=pd.Timestamp(AS_OF))
    audit_figure(frame, tmp_path / "b.png", windows_days=WINDOWS, as_of=AS_OF, title="Q2")
    assert [fig.get_suptitle() for fig in drawn] == ["Follow-up audit as of 2024-06-30", "Q2"]


def test_plots_audit_figure_level_without_window_has_no_dashed_line(tmp_path, drawn):
    rows = [
        ("urgent", "completed", 10),
        ("second_look", "late", 50),
        ("second_look", "pending", None),
    ]
    audit_figure(_audit(rows), tmp_path / "a.png", windows_days={"urgent": 30}, as_of=AS_OF)
    bars, curves = drawn[0].axes
    assert [label.get_text() for label in bars.get_yticklabels()] == [
        "urgent (n=1)\non time 100 %",
        "second_look (n=2)\non time 0 %",
    ]
    windows = [line for line in curves.get_lines() if line.get_linestyle() == "--"]
    assert [line.get_xdata()[0] for line in windows] == [30]


# --- pure helpers --------------------------------------------------------------------------------


def test_plots_colors_cover_every_status_and_level():
    assert list(plots.STATUS_COLORS) == list(STATUSES)
    assert set(LEVELS) <= set(plots.LEVEL_COLORS)
    assert not set(plots.STATUS_COLORS.values()) & set(plots.LEVEL_COLORS.values())


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"completed": 3, "late": 1, "overdue": 0, "pending": 9}, 0.75),
        ({"completed": 1, "late": 1, "overdue": 1, "pending": 0}, 1 / 3),
        ({"completed": 0, "late": 2, "overdue": 2, "pending": 0}, 0.0),
        ({"completed": 0, "late": 0, "overdue": 0, "pending": 4}, None),
        ({}, None),
    ],
)
def test_plots_on_time_rate_leaves_pending_out(counts, expected):
    assert on_time_rate(counts) == expected


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        (["recommended", "urgent", "workup", "urgent"], ["urgent", "workup", "recommended"]),
        (["zeta", "recommended", "alpha"], ["recommended", "alpha", "zeta"]),
        ([], []),
    ],
)
def test_plots_level_order(levels, expected):
    assert level_order(levels) == expected


def _counts(completed: int, late: int, overdue: int, pending: int) -> dict[str, int]:
    return {"completed": completed, "late": late, "overdue": overdue, "pending": pending}


def test_plots_level_outcomes_counts_each_level():
    outcomes = level_outcomes(_audit(EVERY_STATUS))
    assert outcomes == (
        LevelOutcome("urgent", _counts(2, 1, 1, 0), (0, 12, 45)),
        LevelOutcome("workup", _counts(1, 1, 1, 1), (60, 120)),
        LevelOutcome("recommended", _counts(1, 1, 1, 2), (100, 400)),
    )
    assert [o.index_exams for o in outcomes] == [4, 4, 5]
    assert outcomes[0].on_time_rate == 0.5


def test_plots_level_outcomes_of_empty_table():
    assert level_outcomes(_audit([])) == ()


def test_plots_level_outcomes_accepts_float_days():
    frame = pd.DataFrame(
        {
            "level": ["urgent", "urgent"],
            "status": ["late", "pending"],
            "days_to_followup": [40.0, math.nan],
        }
    )
    assert level_outcomes(frame)[0].followup_days == (40,)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("status", "done"),
        ("level", None),
        ("level", ""),
        ("days_to_followup", pd.NA),
    ],
)
def test_plots_level_outcomes_rejects_broken_rows_without_ids_e232(column, value):
    frame = _audit(EVERY_STATUS)
    frame[column] = frame[column].astype(object)
    frame.loc[1, column] = value  # row 1 is a completed urgent exam
    with pytest.raises(InputError) as info:
        level_outcomes(frame)
    assert info.value.code == "E232"
    assert "row 1" in str(info.value)
    assert "pat-" not in str(info.value) and "rep-" not in str(info.value)


@pytest.mark.parametrize("days", [-1, 2.5, "12", True])
def test_plots_level_outcomes_rejects_bad_days(days):
    frame = pd.DataFrame({"level": ["urgent"], "status": ["completed"], "days_to_followup": [days]})
    with pytest.raises(InputError) as info:
        level_outcomes(frame)
    assert info.value.code == "E232"


def test_plots_level_outcomes_rejects_an_unhashable_status_e232():
    frame = pd.DataFrame({"level": ["urgent"], "status": [["done"]], "days_to_followup": [None]})
    with pytest.raises(InputError) as info:
        level_outcomes(frame)
    assert info.value.code == "E232"


def test_plots_level_outcomes_needs_its_columns_e232():
    with pytest.raises(InputError) as info:
        level_outcomes(pd.DataFrame({"level": ["urgent"], "status": ["pending"]}))
    assert info.value.code == "E232"
    assert "['days_to_followup']" in str(info.value)


@pytest.mark.parametrize(
    ("days", "total", "max_days", "expected"),
    [
        # one of four on the same day, one at day 10, two more at day 30
        ([30, 0, 10, 30], 4, 60, StepCurve((0, 10, 30, 60), (25.0, 50.0, 100.0, 100.0))),
        # pending exams stay in the denominator
        ([5], 4, 30, StepCurve((0, 5, 30), (0.0, 25.0, 25.0))),
        # nothing followed up: a flat line at 0
        ([], 3, 30, StepCurve((0, 30), (0.0, 0.0))),
        # a follow-up after the axis end is not reached
        ([10, 50], 2, 30, StepCurve((0, 10, 30), (0.0, 50.0, 50.0))),
        # a follow-up on the last day ends the curve there
        ([30], 2, 30, StepCurve((0, 30), (0.0, 50.0))),
        ([0, 0], 2, 30, StepCurve((0, 30), (100.0, 100.0))),
    ],
)
def test_plots_cumulative_share_exact(days, total, max_days, expected):
    assert cumulative_share(days, total, max_days) == expected


def test_plots_cumulative_share_thirds():
    curve = cumulative_share([7, 14], 3, 30)
    assert curve.days == (0, 7, 14, 30)
    assert curve.percent == pytest.approx((0.0, 100 / 3, 200 / 3, 200 / 3))


@pytest.mark.parametrize(
    ("days", "total", "max_days"),
    [([], 0, 30), ([1, 2, 3], 2, 30), ([-1], 2, 30), ([], 2, -1)],
)
def test_plots_cumulative_share_rejects_bad_input_e233(days, total, max_days):
    with pytest.raises(CalcminerError) as info:
        cumulative_share(days, total, max_days)
    assert info.value.code == "E233"


@pytest.mark.parametrize(
    ("followup_days", "windows", "expected"),
    [
        ((10,), {"workup": 90}, 180),  # twice the window
        ((400,), {"workup": 90}, 400),  # the longest follow-up
        ((0,), {"workup": 3}, plots.MIN_AXIS_DAYS),  # a floor for tiny windows
        ((10,), {}, plots.MIN_AXIS_DAYS),  # no window known
        ((10,), {"workup": 90, "urgent": 500}, 180),  # only windows of levels shown count
    ],
)
def test_plots_axis_max_days(followup_days, windows, expected):
    outcome = LevelOutcome("workup", dict.fromkeys(STATUSES, 1), followup_days)
    assert axis_max_days([outcome], windows) == expected


def test_plots_level_colors_fixed_then_extra_in_turn():
    colors = level_colors(["urgent", "a", "b", "c"])
    assert colors["urgent"] == plots.LEVEL_COLORS["urgent"]
    extra = plots.EXTRA_LEVEL_COLORS
    assert [colors["a"], colors["b"], colors["c"]] == [extra[0], extra[1], extra[0]]
