"""Tests of the audit's one-page report (calcminer.nlp.views.audit_report): markup, escaping,
CSP, what it never shows, the caps that keep it on one page, and a real browser (load, no
network, one printed page on A4 and on Letter)."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from browser import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    ChromiumMissingError,
    console_entries,
    console_errors,
    start_chromium,
)
from selenium.webdriver.remote.webdriver import WebDriver

from calcminer.nlp.audit import AuditResult, AuditRow, SummaryRow, summarize, summary_row
from calcminer.nlp.errors import CalcminerError, OutputError
from calcminer.nlp.views.audit_report import (
    MAX_CELL_CHARS,
    MAX_GROUP_SCOPES,
    MAX_GROUPS_PER_SCOPE,
    MAX_OVERDUE_GROUP_COLUMNS,
    MAX_OVERDUE_ROWS,
    MAX_TITLE_CHARS,
    PNG_SIGNATURE,
    AuditReport,
    OverdueItem,
    audit_plot_png,
    audit_report_from_result,
    content_security_policy,
    overdue_items,
    render_audit_report,
    write_audit_report,
)
from calcminer.nlp.views.audit_report_templates import PAGE_STYLE

AS_OF = date(2026, 6, 30)
WINDOWS = {"urgent": 30, "workup": 90, "recommended": 180}
LEVEL_CYCLE = ("urgent", "workup", "recommended")
STATUS_CYCLE = ("completed", "late", "overdue", "pending")
HOSTILE = ("<script>window.__pwned=1</script>", '"onload=alert(1) x="', "</style><b>x</b>")
#: Text a report might hold; none of it may reach the page.
REPORT_TEXT = "LIVER: A 42 mm calcified lesion in segment VII. Mrs Jane Roe, DOB 1950-01-01."
PATIENT_NAME = "Jane Roe"
#: Paper sizes (width, height) in inches.
PAPERS: dict[str, tuple[float, float]] = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}
#: The media box of the Letter paper Chromium prints on by default, in points.
LETTER_MEDIA_BOX = (612, 792)
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
PDF_TIMEOUT_S = 120


class _Tags(HTMLParser):
    """Elements, attributes, text and style blocks of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def _table_rows(page: str, cls: str) -> list[list[str]]:
    """The body rows (cell texts) of the tables of a class, in page order."""
    rows: list[list[str]] = []
    for table in re.findall(rf'<table class="{cls}">(.*?)</table>', page, flags=re.S):
        body = table.split("<tbody>", 1)[1]
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            rows.append([_parse(cell).text[0] if cell else "" for cell in cells])
    return rows


def _with_meta(row: AuditRow, meta: dict[str, Any]) -> AuditRow:
    """The row carrying input columns (``meta``)."""
    return replace(row, meta=meta)


def _rows(count: int, *, status: str | None = None, step_days: int = 3) -> list[AuditRow]:
    """Index exams cycling through the levels and statuses, one every ``step_days``."""
    rows = []
    for i in range(count):
        level = LEVEL_CYCLE[i % len(LEVEL_CYCLE)]
        state = status or STATUS_CYCLE[i % len(STATUS_CYCLE)]
        exam_date = date(2025, 1, 1) + timedelta(days=i * step_days)
        followed = state in ("completed", "late")
        row = AuditRow(
            report_id=f"R{i:04d}",
            patient_id=f"PAT-{i:04d}",
            exam_date=exam_date,
            triage=level if level != "recommended" else "benign",
            followup_recommended=True,
            due_date=exam_date + timedelta(days=WINDOWS[level]),
            status=state,  # type: ignore[arg-type]
            followup_report_id=f"F{i:04d}" if followed else None,
            followup_modality="CT" if followed else None,
            followup_date=exam_date + timedelta(days=10) if followed else None,
            days_to_followup=10 + i % 40 if followed else None,
            level=level,
            modality="US",
            concordance="flagged_and_recommended",
        )
        meta = {"radiologist": f"Dr {i % 5}", "site": f"Site {i % 3}", "text": REPORT_TEXT}
        rows.append(_with_meta(row, meta | {"patient_name": PATIENT_NAME}))
    return rows


def _result(rows: Sequence[AuditRow]) -> AuditResult:
    return AuditResult(tuple(rows), AS_OF, 3 * len(rows), 0, 0, dict(WINDOWS))


def _report(
    rows: Sequence[AuditRow],
    *,
    extra: Sequence[SummaryRow] = (),
    group_columns: Sequence[str] = ("radiologist",),
    **overrides: Any,
) -> AuditReport:
    summary = (*summarize(rows), *extra)
    report = audit_report_from_result(
        _result(rows), summary, scope="all: any recommendation", group_columns=group_columns
    )
    return replace(report, **overrides)


def _scope_rows(scope: str, rows: Sequence[AuditRow], groups: int) -> list[SummaryRow]:
    """``groups`` groups of a scope; group g holds rows g, g + groups ... (so larger first)."""
    return [summary_row(scope, f"{scope} {g:02d}", rows[g::groups]) for g in range(groups)]


def _worst_report(plot: bool = True) -> AuditReport:
    """Many groups, scopes, overdue rows and group columns, long names and ids, hostile text."""
    rows = _rows(400, step_days=2)
    long = "Department of Interventional and Diagnostic Radiology, North Campus " * 3
    extra = [
        *_scope_rows("radiologist", rows, 30),
        *[summary_row("site", f"{long}{g} {HOSTILE[g % 3]}", rows[g::12]) for g in range(12)],
        *_scope_rows("shift", rows, 3),
        *_scope_rows("modality", rows, 4),
        *_scope_rows("referrer", rows, 40),
    ]
    report = _report(
        rows,
        extra=extra,
        group_columns=("radiologist", "site", "shift", "referrer"),
        title="Follow-up audit of the liver calcification work-up, North Campus, 2025-2026 " * 3,
        scope="liver: triage urgent/workup and liver follow-up recommendations " + long,
        since=date(2025, 1, 1),
        until=date(2026, 3, 31),
        generated="2026-06-30 08:00 UTC",
    )
    overdue = tuple(
        replace(item, report_id=item.report_id + "-" + "9" * 70, groups=(long, long, "night", "x"))
        for item in report.overdue
    )
    png = audit_plot_png_cached() if plot else None
    return replace(report, overdue=overdue, plot_png=png)


_PLOT: dict[str, bytes] = {}


def audit_plot_png_cached() -> bytes:
    """The audit plot of the worst case's rows, drawn once per session."""
    if "png" not in _PLOT:
        from calcminer.nlp.io.tables import audit_frame

        _PLOT["png"] = audit_plot_png(
            audit_frame(_rows(400, step_days=2)), windows_days=WINDOWS, as_of=AS_OF
        )
    return _PLOT["png"]


def _sha256(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"


# --- content --------------------------------------------------------------------------------------


def test_audit_report_from_result_fills_counts_levels_and_overdue() -> None:
    rows = _rows(24)
    report = audit_report_from_result(
        _result(rows), summarize(rows), scope="all", group_columns=("site", "radiologist")
    )
    overdue = [row for row in rows if row.status == "overdue"]
    assert report.levels == LEVEL_CYCLE
    assert (report.exams, report.index_exams) == (3 * len(rows), len(rows))
    assert len(report.overdue) == len(overdue)
    by_id = {row.report_id: row for row in overdue}
    for item in report.overdue:
        row = by_id[item.report_id]
        assert item.days_overdue == (AS_OF - row.due_date).days > 0
        assert item.groups == (
            f"Site {int(row.report_id[1:]) % 3}",
            f"Dr {int(row.report_id[1:]) % 5}",
        )
    assert [item.days_overdue for item in report.overdue] == sorted(
        (item.days_overdue for item in report.overdue), reverse=True
    )


def test_audit_report_overdue_items_read_meta_and_missing_columns() -> None:
    row = _with_meta(_rows(3, status="overdue")[0], {"radiologist": "Dr P", "site": None})
    items = overdue_items(_result([row]), ("radiologist", "site", "absent"))
    assert items[0].groups == ("Dr P", "", "")


def test_audit_report_shows_period_scope_windows_and_rates() -> None:
    rows = _rows(40)
    report = _report(rows, since=date(2025, 2, 1), until=date(2025, 9, 30), generated="today")
    page = render_audit_report(report)
    text = " ".join(_parse(page).text)
    assert "As of 2026-06-30: index exams dated 2025-02-01 to 2025-09-30" in text
    assert "Scope: all: any recommendation" in text
    assert "urgent 30 days, workup 90 days, recommended 180 days" in text
    assert "Generated today" in text
    headline = _table_rows(page, "headline")
    overall = next(row for row in summarize(rows) if row.scope == "overall")
    assert headline[0][:3] == ["All levels", "", str(overall.index_exams)]
    assert headline[0][3] == f"{100 * (overall.on_time_rate or 0):.0f}%"
    assert [row[0] for row in headline[1:]] == list(LEVEL_CYCLE)
    assert [row[1] for row in headline[1:]] == [str(WINDOWS[level]) for level in LEVEL_CYCLE]


def test_audit_report_never_shows_report_text_or_patient() -> None:
    rows = _rows(40)
    page = render_audit_report(_report(rows, group_columns=("radiologist", "site")))
    for secret in (REPORT_TEXT, "calcified lesion", PATIENT_NAME, "PAT-0", "F0001"):
        assert secret not in page
    overdue = _table_rows(page, "overdue")
    assert overdue and all(
        row[1].startswith("Dr ") and row[2].startswith("Site ") for row in overdue
    )
    # only the chosen columns: report id, the group columns, level, dates, days overdue
    assert {len(row) for row in overdue} == {1 + 2 + 4}


def test_audit_report_escapes_every_data_value() -> None:
    rows = _rows(12, status="overdue")
    hostile_rows = [
        _with_meta(
            replace(row, report_id=HOSTILE[i % 3], level=HOSTILE[(i + 1) % 3]),
            {HOSTILE[0]: HOSTILE[(i + 2) % 3]},
        )
        for i, row in enumerate(rows)
    ]
    extra = [summary_row(HOSTILE[1], name, rows) for name in HOSTILE]
    report = replace(
        _report(hostile_rows, extra=extra, group_columns=(HOSTILE[0],)),
        title=HOSTILE[0],
        scope=HOSTILE[2],
        generated=HOSTILE[1],
    )
    page = render_audit_report(report)
    tags = _parse(page)
    assert [tag for tag, _ in tags.tags if tag in ("script", "b", "iframe", "object")] == []
    assert all(not name.startswith("on") for _, attrs in tags.tags for name in attrs)
    assert tags.styles == [PAGE_STYLE]
    text = "".join(tags.text)
    titles = [attrs.get("title") for _, attrs in tags.tags]
    for payload in HOSTILE:
        assert payload in text and payload in titles  # shown as text, whole in the cell title


def test_audit_report_csp_allows_only_its_own_style_and_data_images() -> None:
    report = replace(_report(_rows(8)), plot_png=PNG_SIGNATURE + b"rest")
    tags = _parse(render_audit_report(report))
    metas = [a for tag, a in tags.tags if tag == "meta" and a.get("http-equiv")]
    assert [a["content"] for a in metas] == [content_security_policy()]
    policy = dict(part.strip().split(" ", 1) for part in content_security_policy().split(";"))
    assert policy["default-src"] == "'none'" and "script-src" not in policy
    assert policy["style-src"] == _sha256(PAGE_STYLE) == _sha256("".join(tags.styles))
    assert policy["img-src"] == "data:"
    images = [a["src"] for tag, a in tags.tags if tag == "img"]
    assert images == ["data:image/png;base64," + base64.b64encode(report.plot_png or b"").decode()]
    assert not any("style" in attrs for _, attrs in tags.tags)  # no inline style attribute
    assert PAGE_STYLE.isascii()


def test_audit_report_caps_overdue_rows_longest_first() -> None:
    rows = _rows(MAX_OVERDUE_ROWS + 25, status="overdue")
    page = render_audit_report(_report(rows))
    listed = _table_rows(page, "overdue")
    assert len(listed) == MAX_OVERDUE_ROWS
    expected = sorted(rows, key=lambda r: r.due_date)[:MAX_OVERDUE_ROWS]
    assert [row[0] for row in listed] == [row.report_id for row in expected]
    assert f"Overdue index exams: {len(rows)} (longest overdue first)" in page
    assert "And 25 more in the overdue table." in page


def test_audit_report_caps_groups_largest_or_latest() -> None:
    rows = _rows(120, step_days=9)
    extra = _scope_rows("radiologist", rows, MAX_GROUPS_PER_SCOPE + 4)
    page = render_audit_report(_report(rows, extra=extra))
    months = sorted({row.exam_date.strftime("%Y-%m") for row in rows})
    assert len(months) > MAX_GROUPS_PER_SCOPE
    scope_rows = _table_rows(page, "scope")
    shown_months = [row[0] for row in scope_rows if re.fullmatch(r"\d{4}-\d{2}", row[0])]
    assert shown_months == months[-MAX_GROUPS_PER_SCOPE:]
    shown = [row for row in scope_rows if row[0].startswith("radiologist")]
    largest = sorted(extra, key=lambda r: -r.index_exams)[:MAX_GROUPS_PER_SCOPE]
    assert [row[0] for row in shown] == [r.group for r in largest]
    assert f"Largest {MAX_GROUPS_PER_SCOPE} of {MAX_GROUPS_PER_SCOPE + 4} groups" in page
    assert "4 more in the summary table." in page


def test_audit_report_caps_scopes_and_overdue_group_columns() -> None:
    rows = _rows(30)
    names = [f"scope{n}" for n in range(MAX_GROUP_SCOPES + 2)]
    extra = [row for name in names for row in _scope_rows(name, rows, 2)]
    columns = tuple(f"col{n}" for n in range(MAX_OVERDUE_GROUP_COLUMNS + 1))
    page = render_audit_report(_report(rows, extra=extra, group_columns=columns))
    captions = re.findall(r"<caption>By ([^<]*)</caption>", page)
    assert captions == ["month", "concordance", *names][:MAX_GROUP_SCOPES]
    left = ["month", "concordance", *names][MAX_GROUP_SCOPES:]
    assert f"{len(left)} more scopes in the summary table: {', '.join(left)}." in page
    assert "1 more group column in the overdue table." in page
    assert f">{columns[-1]}<" not in page


def test_audit_report_cuts_long_values_keeping_them_in_the_title() -> None:
    long = "x" * (MAX_CELL_CHARS + 30)
    rows = [replace(_rows(1, status="overdue")[0], report_id=long)]
    page = render_audit_report(_report(rows))
    assert f'title="{long}"' in page
    assert f">{long[: MAX_CELL_CHARS - 1]}\u2026<" in page


def test_audit_report_without_overdue_or_plot() -> None:
    page = render_audit_report(_report(_rows(8, status="completed")))
    assert "Overdue index exams: none." in page
    assert "<img" not in page and '<table class="overdue"' not in page
    empty = render_audit_report(_report([]))
    assert _table_rows(empty, "headline")[0][2:4] == ["0", "n/a"]
    assert "Overdue index exams: none." in empty


def test_audit_report_cuts_a_long_title() -> None:
    title = "Audit " + "x" * (2 * MAX_TITLE_CHARS)
    page = render_audit_report(_report(_rows(4), title=title))
    found = re.search(r"<h1>(.*?)</h1>", page)
    assert found is not None
    heading = found.group(1)
    assert len(heading) == MAX_TITLE_CHARS and heading.endswith("\u2026")


def test_audit_report_deterministic_bytes(tmp_path: Path) -> None:
    first = write_audit_report(_worst_report(), tmp_path / "a.html").read_bytes()
    second = write_audit_report(_worst_report(), tmp_path / "b.html").read_bytes()
    assert first == second


def test_audit_report_plot_png_is_a_png() -> None:
    png = audit_plot_png_cached()
    assert png.startswith(PNG_SIGNATURE)


def test_audit_report_write_needs_html_suffix_e335(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"^E335 .*report\.pdf.*'\.pdf'"):
        write_audit_report(_report(_rows(4)), tmp_path / "report.pdf")
    assert not list(tmp_path.iterdir())
    written = write_audit_report(_report(_rows(4)), tmp_path / "deep" / "er" / "audit.HTM")
    assert written.is_file() and written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_audit_report_plot_must_be_png_e336() -> None:
    with pytest.raises(CalcminerError, match=r"^E336 .*7 bytes"):
        replace(_report(_rows(4)), plot_png=b"GIF89a!")


def test_audit_report_overdue_groups_must_match_columns_e337() -> None:
    item = OverdueItem("R1", AS_OF, "urgent", AS_OF, 0, groups=("a",))
    with pytest.raises(CalcminerError, match=r"^E337 Overdue item 0 .*1 group value"):
        replace(_report(_rows(4), group_columns=("a", "b")), overdue=(item,))


# --- in a real browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One headless Chromium for the module; fails (not skips) when it is not installed."""
    try:
        session = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    except ChromiumMissingError as e:
        pytest.fail(str(e), pytrace=False)
    yield session
    session.quit()


@pytest.fixture(scope="module")
def worst_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page of the worst case, written once for the module."""
    return write_audit_report(_worst_report(), tmp_path_factory.mktemp("audit") / "audit.html")


def _pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF Chromium wrote (its page objects are plain dictionaries)."""
    assert pdf.startswith(b"%PDF-")
    return len(PDF_PAGE.findall(pdf))


def _print_cli(page: Path, pdf: Path, profile: Path) -> bytes:
    """Print a page to PDF with Chromium's command line, no header or footer."""
    command = [
        str(CHROMIUM_PATH),
        *CHROMIUM_ARGS,
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=PDF_TIMEOUT_S)
    return pdf.read_bytes()


@pytest.mark.browser
def test_audit_report_browser_loads_clean_without_network(
    driver: WebDriver, worst_page: Path
) -> None:
    console_entries(driver)
    driver.get(worst_page.as_uri())
    assert console_errors(driver) == []
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert driver.execute_script("return document.scripts.length") == 0
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert all(name.startswith("data:") for name in resources)
    loaded = driver.execute_script(
        "const img = document.querySelector('img.plot'); return img.complete && img.naturalWidth"
    )
    assert loaded > 0  # the CSP lets the data: plot in
    assert driver.execute_script("return document.querySelectorAll('tbody tr').length") > 0


@pytest.mark.browser
@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_audit_report_browser_prints_one_page(
    driver: WebDriver, worst_page: Path, paper: str
) -> None:
    driver.get(worst_page.as_uri())
    width, height = PAPERS[paper]
    printed = driver.execute_cdp_cmd(
        "Page.printToPDF",
        {"paperWidth": width, "paperHeight": height, "printBackground": True},
    )
    assert _pdf_pages(base64.b64decode(printed["data"])) == 1


@pytest.mark.browser
@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_audit_report_browser_cli_prints_one_page(
    worst_page: Path, tmp_path: Path, paper: str
) -> None:
    """``chromium --print-to-pdf`` prints on Letter; for A4 the page's @page rule gets a size
    (and the CSP the new style's hash), as a printer set to A4 would lay it out."""
    page = worst_page
    if paper == "A4":
        html = worst_page.read_text(encoding="utf-8")
        style = PAGE_STYLE + "@page { size: A4; }\n"
        html = html.replace(PAGE_STYLE, style).replace(_sha256(PAGE_STYLE), _sha256(style))
        page = tmp_path / "a4.html"
        page.write_text(html, encoding="utf-8")
    pdf = _print_cli(page, tmp_path / "audit.pdf", tmp_path / "profile")
    assert _pdf_pages(pdf) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box is not None
    size = (round(float(box.group(1))), round(float(box.group(2))))
    assert (size == LETTER_MEDIA_BOX) == (paper == "Letter")
