"""Tests of adjudication on the review page (calcminer.nlp.views.review_adjudication and its
use by calcminer.nlp.views.review): the data the script reads, the correction template, the
deciding size, the carried columns, and, in a real browser, the gold export read back by
``calcminer evaluate``."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from browser import ChromiumMissingError, console_entries, console_errors, start_chromium
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.commands.evaluate import evaluate, read_gold
from calcminer.nlp.commands.review import parse_show_cols
from calcminer.nlp.errors import InputError
from calcminer.nlp.io.writers import write_table
from calcminer.nlp.schema import Report, ReportResult
from calcminer.nlp.views.review import PAGE_SCRIPT, PAGE_STYLE, gold_file_stem, render_review
from calcminer.nlp.views.review import write_review as write_page
from calcminer.nlp.views.review_adjudication import (
    ADJUDICATION_FIELDS,
    check_show_cols,
    deciding_size_spans,
    miner_values,
    page_fingerprint,
)

HOSTILE = "</script><script>window.__pwned=1</script>\"'<>&"
HOSTILE_ID = "x\"'<>&,y"
#: Browser page reports: id, text, input columns. Marked in the browser test as the ids say.
BROWSER_REPORTS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("ben-01", "LIVER: A 5 mm calcified granuloma in segment VI.", {"MRN": "111", "exam": "US"}),
    (
        "urg-01",
        "LIVER: A 42 mm coarsely calcified lesion in segment VII. IMPRESSION: Recommend CT.",
        {"MRN": "222", "exam": "CT"},
    ),
    ("wrk-01", "LIVER: Multiple calcified granulomas in the right lobe.", {"MRN": "333"}),
    # a formula-like id, a bullet that a spreadsheet would run, and CR LF line ends
    (
        "=id,01",
        "- LIVER: A 4 mm calcified granuloma in segment II.\r\n- KIDNEYS: Normal.",
        {"MRN": "=1+2", "exam": "US"},
    ),
    (HOSTILE_ID, f"LIVER: {HOSTILE} A 6 mm calcified granuloma in segment III.", {"MRN": "5"}),
    ("neg-01", "LIVER: Normal. No calcification is seen.", {"MRN": "666", "secret": "hidden"}),
)
SHOW_COLS = ("MRN", "exam")


class _Tags(HTMLParser):
    """The elements with their attributes, and the text, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def _cards(page: str) -> dict[str, dict[str, str | None]]:
    return {attrs["data-id"] or "": attrs for tag, attrs in _parse(page).tags if tag == "article"}


# --- data and markup ----------------------------------------------------------------------------


def test_review_adjudication_miner_values_travel_escaped(
    make_result: Callable[..., ReportResult],
) -> None:
    result = make_result(report_id=HOSTILE_ID, segments=(HOSTILE,), max_size_mm=12.5, count=None)
    page = render_review([(Report(HOSTILE_ID, "LIVER: calcified granuloma."), result)])
    data = _cards(page)[HOSTILE_ID]["data-miner"] or ""
    values = json.loads(data)
    assert values == miner_values(result)
    assert list(values) == list(ADJUDICATION_FIELDS)
    assert values["segments"] == [HOSTILE] and values["count"] is None
    assert values["max_size_mm"] == 12.5 and values["triage"] == "benign"
    # the data stays inside its attribute: one script block, and it is the constant one
    assert page.count("<script") == 1 and "window.__pwned" not in PAGE_SCRIPT
    assert re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL) == [PAGE_SCRIPT]
    assert re.findall(r"<style>(.*?)</style>", page, flags=re.DOTALL) == [PAGE_STYLE]


def test_review_adjudication_controls_and_template(
    make_result: Callable[..., ReportResult],
) -> None:
    page = render_review(
        [
            (Report(f"r{i}", "LIVER: calcified granuloma."), make_result(report_id=f"r{i}"))
            for i in (1, 2)
        ]
    )
    tags = _parse(page).tags
    radios = [attrs for tag, attrs in tags if tag == "input" and attrs.get("type") == "radio"]
    assert sorted((a["name"], a["value"]) for a in radios) == [
        ("adj-1", "correct"),
        ("adj-1", "incorrect"),
        ("adj-2", "correct"),
        ("adj-2", "incorrect"),
    ]
    template = page[page.index('<template id="correction-form">') : page.index("</template>")]
    edited = re.findall(r'data-field="(\w+)" data-kind="(\w+)"', template)
    assert [name for name, _ in edited] == list(ADJUDICATION_FIELDS)
    assert dict(edited)["count"] == "count" and dict(edited)["segments"] == "segments"
    triage = re.search(r'data-field="triage".*?</select>', template)
    assert triage and re.findall(r"<option>(\w+)</option>", triage.group(0)) == [
        "none",
        "benign",
        "workup",
        "urgent",
    ]
    bar = next(attrs for tag, attrs in tags if attrs.get("id") == "adjudication")
    assert bar["data-fields"] == ",".join(ADJUDICATION_FIELDS)
    assert bar["data-filename"] == "calcminer-review.gold" and "hidden" in bar
    exports = [attrs["data-export"] for tag, attrs in tags if "data-export" in attrs]
    assert exports == ["jsonl", "csv"]
    for _, attrs in tags:  # nothing the CSP would have to block
        assert not any(name.startswith("on") for name in attrs)
        assert not set(attrs) & {"href", "src", "style"}


def test_review_adjudication_page_fingerprint(make_result: Callable[..., ReportResult]) -> None:
    cards = [(Report("r1", "LIVER: calcified granuloma."), make_result())]
    same = page_fingerprint(cards)
    assert re.fullmatch(r"[0-9a-f]{32}", same) and same == page_fingerprint(list(cards))
    changed_text = [(Report("r1", "LIVER: calcified granulomas."), make_result())]
    changed_value = [(cards[0][0], make_result(count=2))]
    assert len({same, page_fingerprint(changed_text), page_fingerprint(changed_value)}) == 3
    assert f'data-fingerprint="{same}"' in render_review(cards)


def test_review_adjudication_gold_file_stem() -> None:
    assert gold_file_stem("calcminer review") == "calcminer-review.gold"
    assert gold_file_stem('Site "A" / 2026 <batch>') == "Site-A-2026-batch.gold"
    assert gold_file_stem("\u00e9\u00e8 ../") == "review.gold"


def test_review_adjudication_exact_text_only_for_carriage_returns(
    make_result: Callable[..., ReportResult],
) -> None:
    crlf = "LIVER: calcified\r\ngranuloma.\rEnd & <b>"
    page = render_review(
        [
            (Report("cr", crlf), make_result(report_id="cr")),
            (Report("lf", "LIVER:\ncalcified granuloma."), make_result(report_id="lf")),
        ]
    )
    cards = _cards(page)
    assert cards["cr"]["data-text"] == crlf
    assert "data-text" not in cards["lf"]


def test_review_adjudication_shows_chosen_columns_only(
    make_result: Callable[..., ReportResult],
) -> None:
    meta = {"MRN": HOSTILE, "exam_date": "2026-01-02", "secret": "do-not-show", "exam": None}
    page = render_review(
        [(Report("r1", "LIVER: calcified granuloma.", meta=meta), make_result())],
        show_cols=("exam_date", "MRN", "exam"),
    )
    carried = re.search(r'<dl class="carried".*?</dl>', page)
    assert carried is not None
    parsed = _parse(carried.group(0))
    cols = [attrs["data-col"] for tag, attrs in parsed.tags if "data-col" in attrs]
    assert cols == ["exam_date", "MRN", "exam"]
    assert "".join(parsed.text) == f"exam_date2026-01-02MRN{HOSTILE}exam\u2014"
    assert "do-not-show" not in page and "<script>window" not in page
    assert '<dl class="carried"' not in render_review(
        [(Report("r1", "x", meta=meta), make_result())]
    )


def test_review_adjudication_parse_show_cols() -> None:
    assert parse_show_cols(" MRN, exam_date ,,MRN,exam ") == ("MRN", "exam_date", "exam")
    assert parse_show_cols(["MRN,exam", "radiologist"]) == ("MRN", "exam", "radiologist")
    assert parse_show_cols(None) == () and parse_show_cols(" , ") == ()


def test_review_adjudication_missing_column_is_e406_before_writing(
    tmp_path: Path, make_result: Callable[..., ReportResult]
) -> None:
    reports = [Report("r1", "x", meta={"MRN": "1", "exam": "US"}), Report("r2", "y")]
    check_show_cols(("MRN", "exam"), reports)
    with pytest.raises(InputError, match=r"E406 .*'radiologist'.*present are: 'MRN', 'exam'"):
        check_show_cols(("MRN", "radiologist"), reports)
    page = tmp_path / "page.html"
    with pytest.raises(InputError, match="E406"):
        write_page([(reports[0], make_result())], page, show_cols=("nope",))
    assert not page.exists()


def test_review_adjudication_cli_show_cols(tmp_path: Path) -> None:
    table = tmp_path / "reports.csv"
    pd.DataFrame(
        {
            "report_id": ["a1", "a2"],
            "text": ["LIVER: A 5 mm calcified granuloma.", "LIVER: Normal."],
            "MRN": ["=cmd", "42"],
            "exam": ["US", "CT"],
            "secret": ["s3cr3t", "s3cr3t"],
        }
    ).to_csv(table, index=False)
    page = tmp_path / "page.html"
    runner = CliRunner()
    bad = runner.invoke(app, ["review", str(table), "-o", str(page), "--show-cols", "MRN,exm"])
    assert bad.exit_code != 0 and "E406" in bad.output and "'exm'" in bad.output
    assert "'exam'" in bad.output and not page.exists()
    good = runner.invoke(app, ["review", str(table), "-o", str(page), "--show-cols", "exam,MRN"])
    assert good.exit_code == 0, good.output
    html = page.read_text(encoding="utf-8")
    assert html.count('<div data-col="exam">') == 2 and "<dd>=cmd</dd>" in html
    assert "s3cr3t" not in html


def test_review_adjudication_deciding_size_marked(miner: Any) -> None:
    text = (
        "LIVER: A 5 mm calcified granuloma in segment II. A 1.2 x 0.8 cm calcified granuloma "
        "in segment VI. The spleen measures 11 cm. IMPRESSION: MRI recommended."
    )
    report = Report("r1", text)
    result = miner.mine_text(text, "r1")
    assert result.max_size_mm == 12.0
    assert [text[s:e] for s, e in deciding_size_spans(text, result)] == ["1.2 x 0.8 cm"]
    page = render_review([(report, result)])
    marked = re.findall(r'<span class="hl size-deciding" title="([^"]*)">([^<]*)</span>', page)
    assert [words for _, words in marked] == ["1.2 x 0.8 cm"]
    assert "deciding size: 12 mm" in marked[0][0]
    # the recommendation words are marked and labelled R1
    assert re.search(r'class="hl rec"[^>]*data-tag="R1">[^<]*</span>', page)
    none = miner.mine_text("LIVER: Normal. Spleen 11 cm.", "r2")
    assert deciding_size_spans("LIVER: Normal. Spleen 11 cm.", none) == []


def test_review_adjudication_csv_formula_cells_round_trip(tmp_path: Path) -> None:
    """read_gold undoes the formula neutralization of calcminer's CSV writers."""
    row = {
        "report_id": "=id",
        "text": "- LIVER: calcified granuloma.",
        "calcification": True,
        "count": 1,
        "count_category": "single",
        "max_size_mm": None,
        "segments": [],
        "lobes": [],
        "bile_duct": False,
        "diffuse": False,
        "followup_recommended": False,
        "triage": "benign",
    }
    other = {**row, "report_id": "'plain", "text": "'quoted text"}
    path = write_table(pd.DataFrame([row, other]), tmp_path / "gold.csv")
    assert "'=id" in path.read_text(encoding="utf-8")
    rows = read_gold(path)
    assert [(r["report_id"], r["text"]) for r in rows] == [
        ("=id", row["text"]),
        ("'plain", "'quoted text"),
    ]


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
def adjudication_page(miner: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review page of BROWSER_REPORTS as mined by the real miner, with carried columns."""
    reports = [Report(rid, text, meta=meta) for rid, text, meta in BROWSER_REPORTS]
    path = tmp_path_factory.mktemp("adjudicate") / "review.html"
    write_page(
        zip(reports, miner.mine(reports), strict=True),
        path,
        title="Site A review",
        show_cols=SHOW_COLS,
    )
    return path


def _open(driver: WebDriver, page: Path) -> None:
    """Load the page with no marks kept from an earlier test, and a clean console."""
    driver.get(page.as_uri())
    driver.execute_script("window.localStorage.clear();")
    driver.get(page.as_uri())
    console_entries(driver)


def _card(driver: WebDriver, report_id: str) -> WebElement:
    for card in driver.find_elements(By.CSS_SELECTOR, "article.card"):
        if card.get_attribute("data-id") == report_id:
            return card
    raise AssertionError(f"no card {report_id!r}")


def _click(element: WebElement) -> None:
    """Click an element in the middle of the window (not under the sticky filter bar)."""
    element.parent.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def _mark(card: WebElement, how: str) -> None:
    _click(card.find_element(By.CSS_SELECTOR, f"input[type=radio][value={how}]"))


def _field(card: WebElement, name: str) -> WebElement:
    return card.find_element(By.CSS_SELECTOR, f".corrections [data-field={name}]")


def _type(field: WebElement, text: str) -> None:
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    if text:
        field.send_keys(text)


def _count(driver: WebDriver, name: str) -> str:
    return driver.find_element(By.ID, f"adj-{name}").text


def _wait_for(path: Path, timeout_s: float = 10.0) -> Path:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.is_file() and not list(path.parent.glob("*.crdownload")):
            return path
        time.sleep(0.1)
    raise AssertionError(f"{path.name} was not downloaded: {sorted(path.parent.iterdir())}")


@pytest.mark.browser
def test_review_adjudication_browser_export_read_back_by_evaluate(
    driver: WebDriver, adjudication_page: Path, miner: Any, tmp_path: Path
) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    _open(driver, adjudication_page)
    assert driver.find_element(By.ID, "adjudication").is_displayed()
    assert _count(driver, "count") == "0"
    urgent = _card(driver, "urg-01")
    carried = urgent.find_element(By.CSS_SELECTOR, "dl.carried").text
    assert "MRN" in carried and "222" in carried and "CT" in carried
    assert urgent.find_element(By.CSS_SELECTOR, ".size-deciding").text == "42 mm"

    # nothing marked: nothing to export, and no file
    driver.find_element(By.CSS_SELECTOR, "button[data-export=jsonl]").click()
    assert "Nothing to export" in driver.find_element(By.ID, "adj-export-status").text

    _mark(_card(driver, "ben-01"), "correct")
    _mark(_card(driver, "=id,01"), "correct")
    _mark(_card(driver, HOSTILE_ID), "correct")
    _mark(urgent, "incorrect")
    triage = Select(_field(urgent, "triage"))
    assert triage.first_selected_option.text == "urgent"  # prefilled with the miner's values
    assert _field(urgent, "max_size_mm").get_attribute("value") == "42"
    assert _field(urgent, "segments").get_attribute("value") == "VII"
    triage.select_by_visible_text("workup")
    _type(_field(urgent, "max_size_mm"), "40")
    assert (
        "corrected: max_size_mm, triage" in urgent.find_element(By.CSS_SELECTOR, ".adj-state").text
    )

    workup = _card(driver, "wrk-01")
    _mark(workup, "incorrect")
    _type(_field(workup, "count"), "two")
    _type(_field(workup, "segments"), "VI; IX")
    assert _field(workup, "count").get_attribute("aria-invalid") == "true"
    problems = workup.find_element(By.CSS_SELECTOR, ".adj-problems").text
    assert "count" in problems and "segments" in problems
    assert (_count(driver, "count"), _count(driver, "correct")) == ("5", "3")
    assert (_count(driver, "corrected"), _count(driver, "invalid")) == ("1", "1")

    driver.find_element(By.CSS_SELECTOR, "button[data-export=jsonl]").click()
    driver.find_element(By.CSS_SELECTOR, "button[data-export=csv]").click()
    jsonl = _wait_for(downloads / "Site-A-review.gold.jsonl")
    csv = _wait_for(downloads / "Site-A-review.gold.csv")
    assert console_errors(driver) == []
    assert driver.execute_script("return typeof window.__pwned") == "undefined"

    texts = {rid: text for rid, text, _ in BROWSER_REPORTS}
    from_jsonl, from_csv = read_gold(jsonl), read_gold(csv)
    for rows in (from_jsonl, from_csv):
        assert [row["report_id"] for row in rows] == ["urg-01", "ben-01", "=id,01", HOSTILE_ID]
        assert all(row["text"] == texts[row["report_id"]] for row in rows)  # exact, CR LF too
    assert [{k: v for k, v in r.items() if k != "line"} for r in from_jsonl] == [
        {k: v for k, v in r.items() if k != "line"} for r in from_csv
    ]
    first = json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])
    assert list(first) == ["report_id", "text", *ADJUDICATION_FIELDS]
    assert "'=id,01" in csv.read_text(encoding="utf-8")  # neutralized for spreadsheets

    for gold in (jsonl, csv):
        result = evaluate(gold, miner)
        assert result.n_reports == 4
        wrong = {(m.report_id, m.field): (m.gold, m.predicted) for m in result.mismatches}
        assert wrong == {
            ("urg-01", "triage"): ("workup", "urgent"),
            ("urg-01", "max_size_mm"): (40, 42.0),
        }
    cli = CliRunner().invoke(app, ["evaluate", str(csv), "--show-mismatches"])
    assert cli.exit_code == 0, cli.output
    assert re.search(r'urg-01\s+triage\s+"workup"\s+"urgent"', cli.output)
    assert "ben-01" not in cli.output


@pytest.mark.browser
def test_review_adjudication_browser_clear_and_correct_mark(
    driver: WebDriver, adjudication_page: Path
) -> None:
    _open(driver, adjudication_page)
    card = _card(driver, "wrk-01")
    _mark(card, "incorrect")
    _type(_field(card, "count"), "3")
    _type(_field(card, "lobes"), "Left, right")
    assert _count(driver, "corrected") == "1"
    assert "count" in card.find_element(By.CSS_SELECTOR, ".adj-state").text
    _mark(card, "correct")  # the corrections hide and no longer count
    assert not card.find_element(By.CSS_SELECTOR, ".corrections").is_displayed()
    assert (_count(driver, "correct"), _count(driver, "corrected")) == ("1", "0")
    _click(card.find_element(By.CSS_SELECTOR, "button[data-adj=clear]"))
    assert _count(driver, "count") == "0"
    assert card.find_element(By.CSS_SELECTOR, ".adj-state").text == "not adjudicated"
    _mark(card, "incorrect")  # prefilled again from the miner's values
    assert _field(card, "count").get_attribute("value") == ""
    assert Select(_field(card, "count_category")).first_selected_option.text == "multiple"
    assert console_errors(driver) == []


@pytest.mark.browser
def test_review_adjudication_browser_marks_survive_a_reload(
    driver: WebDriver, adjudication_page: Path, tmp_path: Path
) -> None:
    _open(driver, adjudication_page)
    _mark(_card(driver, "ben-01"), "correct")
    urgent = _card(driver, "urg-01")
    _mark(urgent, "incorrect")
    _type(_field(urgent, "segments"), "vii, 4a")
    _type(_field(urgent, "count"), "x")
    driver.refresh()
    urgent = _card(driver, "urg-01")
    assert urgent.find_element(By.CSS_SELECTOR, "input[value=incorrect]").is_selected()
    assert _field(urgent, "segments").get_attribute("value") == "vii, 4a"
    assert _field(urgent, "count").get_attribute("aria-invalid") == "true"
    assert (
        _card(driver, "ben-01").find_element(By.CSS_SELECTOR, "input[value=correct]").is_selected()
    )
    assert (_count(driver, "count"), _count(driver, "invalid")) == ("2", "1")
    # another page (other reports) does not get these marks
    other = tmp_path / "other.html"
    render = adjudication_page.read_text(encoding="utf-8")
    fingerprint = re.search(r'data-fingerprint="(\w+)"', render)
    assert fingerprint and len(fingerprint.group(1)) == 32
    other.write_text(render.replace(fingerprint.group(1), "0" * 32), encoding="utf-8")
    driver.get(other.as_uri())
    assert _count(driver, "count") == "0"
    driver.get(adjudication_page.as_uri())
    driver.find_element(By.CSS_SELECTOR, "button[data-adj-all=clear]").click()
    assert _count(driver, "count") == "0"
    driver.refresh()
    assert _count(driver, "count") == "0"
    assert driver.execute_script("return window.localStorage.length") == 0
    assert console_errors(driver) == []
