"""Tests of the review page (calcminer.nlp.views.review): markup, escaping, CSP, a real browser."""

from __future__ import annotations

import base64
import hashlib
import re
import string
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from browser import ChromiumMissingError, console_entries, console_errors, start_chromium
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from calcminer.nlp.errors import CalcminerError, InputError, OutputError
from calcminer.nlp.schema import RecordError, Report, ReportResult
from calcminer.nlp.views import review_templates
from calcminer.nlp.views.review import (
    PAGE_SCRIPT,
    PAGE_STYLE,
    PageLimit,
    Segment,
    parse_modifier_span,
    render_review,
    review_order,
    select_cards,
    split_segments,
    target_status,
    write_review,
)

SCRIPT_PAYLOAD = "<script>window.__pwned=1</script>"
IMG_PAYLOAD = '<img src=x onerror="window.__pwned=1">'
ATTR_PAYLOAD = '"><img src=x onerror=alert(1)>'
HOSTILE_ID = "x\"'<>&y"
#: Reports mined by the real miner for the browser tests, in input order, with their level.
BROWSER_REPORTS: tuple[tuple[str, str, str], ...] = (
    ("neg-01", "none", "LIVER: Normal in size and echotexture. No calcification is seen."),
    ("ben-01", "benign", "LIVER: A 5 mm calcified granuloma in segment VI."),
    (
        "urg-01",
        "urgent",
        "LIVER: A 42 mm coarsely calcified lesion in segment VII. IMPRESSION: Recommend CT.",
    ),
    ("non-01", "none", "LIVER: Normal. GALLBLADDER: Cholelithiasis."),
    ("wrk-01", "workup", "LIVER: Multiple calcified granulomas in the right lobe."),
    (
        "xss-script",
        "benign",
        f"LIVER: A 4 mm calcified granuloma in segment II. {SCRIPT_PAYLOAD}",
    ),
    (
        "xss-img",
        "workup",
        f"LIVER: {IMG_PAYLOAD} Two calcified granulomas in segment IV. </textarea> "
        "javascript:alert(1)",
    ),
    (HOSTILE_ID, "benign", f"LIVER: {ATTR_PAYLOAD} A 6 mm calcified granuloma in segment III."),
)
LEVEL_ORDER = ("urgent", "workup", "benign", "none")


class _Tags(HTMLParser):
    """Collects the elements, attributes and text of a page as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.blocks: dict[str, list[str]] = {"style": [], "script": []}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = tag if tag in self.blocks else None

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.blocks[self._open].append(data)
        else:
            self.text.append(data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def _sha256(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"


def _pair(
    make_result: Callable[..., ReportResult], report_id: str, text: str, **overrides: Any
) -> tuple[Report, ReportResult]:
    return Report(report_id, text), make_result(report_id=report_id, **overrides)


# --- overlap splitting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "spans", "expected"),
    [
        (0, [], []),
        (5, [], [(0, 5, ())]),
        (10, [(2, 6)], [(0, 2, ()), (2, 6, (0,)), (6, 10, ())]),
        # overlapping
        (
            10,
            [(2, 6), (4, 8)],
            [(0, 2, ()), (2, 4, (0,)), (4, 6, (0, 1)), (6, 8, (1,)), (8, 10, ())],
        ),
        # nested, sharing the start
        (8, [(0, 8), (0, 3)], [(0, 3, (0, 1)), (3, 8, (0,))]),
        # nested inside
        (9, [(1, 8), (3, 5)], [(0, 1, ()), (1, 3, (0,)), (3, 5, (0, 1)), (5, 8, (0,)), (8, 9, ())]),
        # identical spans, touching spans, an empty span (ignored), spans at both ends
        (
            6,
            [(0, 2), (0, 2), (2, 6), (4, 4)],
            [(0, 2, (0, 1)), (2, 6, (2,))],
        ),
    ],
)
def test_review_split_segments_exact(
    length: int, spans: list[tuple[int, int]], expected: list[tuple[int, int, tuple[int, ...]]]
) -> None:
    assert split_segments(length, spans) == tuple(Segment(*e) for e in expected)


@pytest.mark.parametrize("span", [(-1, 2), (3, 2), (0, 11)])
def test_review_split_segments_rejects_spans_outside_text_e404(span: tuple[int, int]) -> None:
    with pytest.raises(CalcminerError) as info:
        split_segments(10, [span])
    assert info.value.code == "E404"


def test_review_parse_modifier_span() -> None:
    parsed = parse_modifier_span("NEGATED_EXISTENCE:neg_forward_01@7-9")
    assert (parsed.category, parsed.rule_id, parsed.start, parsed.end) == (
        "NEGATED_EXISTENCE",
        "neg_forward_01",
        7,
        9,
    )
    for bad in ("neg@7-9", "NEGATED_EXISTENCE:neg", "A:b@7", "A:b@x-9", ":b@1-2"):
        with pytest.raises(InputError) as info:
            parse_modifier_span(bad)
        assert info.value.code == "E161"


# --- order, marks, fields ------------------------------------------------------------------------


def test_review_order_flagged_first_stable(make_result: Callable[..., ReportResult]) -> None:
    levels = ["none", "benign", "urgent", "workup", "none", "urgent", "benign", "workup"]
    results = [make_result(report_id=f"r{i}", triage=level) for i, level in enumerate(levels)]
    assert review_order(results) == [2, 5, 3, 7, 1, 6, 0, 4]


def test_review_overlapping_marks_get_both_classes(
    make_result: Callable[..., ReportResult], make_finding: Callable[..., Any]
) -> None:
    text = "No calcified granuloma or calcification."
    negated = make_finding(
        report_id="r1",
        start_char=3,
        end_char=22,
        text=text[3:22],
        counted=False,
        assertion="negated",
        exclusion_reason="negated",
        modifier_ids=("neg_no",),
        modifier_spans=("NEGATED_EXISTENCE:neg_no@0-2",),
    )
    # overlaps the first target ("granuloma or calcification"), counted
    counted = make_finding(report_id="r1", index=1, start_char=13, end_char=39, text=text[13:39])
    page = render_review([_pair(make_result, "r1", text, findings=(negated, counted))])
    body = page.split('<pre class="report-text">', 1)[1].split("</pre>", 1)[0]
    pieces = re.findall(r'<span class="([^"]+)"[^>]*>([^<]*)</span>', body)
    assert pieces == [
        ("hl mod", "No"),
        ("hl t-negated", "calcified "),
        ("hl t-counted t-negated", "granuloma"),
        ("hl t-counted", " or calcification"),
    ]
    # T1 ends inside the overlap, T2 at its own end; the text reads as the original
    assert 'data-tag="T1">granuloma<' in body
    assert 'data-tag="T2"> or calcification<' in body
    assert "".join(_parse(f"<pre>{body}</pre>").text) == "\n" + text


def test_review_target_status(make_finding: Callable[..., Any]) -> None:
    assert target_status(make_finding()) == "counted"
    assert target_status(make_finding(counted=False, assertion="negated")) == "negated"
    excluded = make_finding(counted=False, exclusion_reason="organ_spleen")
    assert target_status(excluded) == "excluded"


def test_review_card_shows_fields_reason_rules_and_targets(
    make_result: Callable[..., ReportResult], make_finding: Callable[..., Any]
) -> None:
    excluded = make_finding(
        start_char=0, end_char=5, counted=False, exclusion_reason="organ_spleen", pattern_id="p_x"
    )
    page = render_review(
        [
            _pair(
                make_result,
                "r1",
                "Calc. More words here.",
                segments=("VI", "VII"),
                findings=(excluded,),
                triage_rules=("rule_a", "rule_b"),
            )
        ]
    )
    parsed = _parse(page)
    text = "".join(parsed.text)
    for expected in (
        "single focal calcification of 30 mm or less",
        "rule_a",
        "rule_b",
        "VI; VII",
        "organ_spleen",
        "p_x",
        "count_category",
        "followup_recommended",
    ):
        assert expected in text
    marked = [attrs for tag, attrs in parsed.tags if "t-excluded" in (attrs.get("class") or "")]
    assert len(marked) == 2  # the legend sample and the target
    title = marked[1]["title"] or ""
    assert "exclusion: organ_spleen" in title and "pattern: p_x" in title and "size: 5 mm" in title


# --- escaping and CSP ---------------------------------------------------------------------------


def test_review_escapes_every_data_value(
    make_result: Callable[..., ReportResult], make_finding: Callable[..., Any]
) -> None:
    hostile = f"{SCRIPT_PAYLOAD}{IMG_PAYLOAD}{ATTR_PAYLOAD}</textarea>javascript:x"
    text = f"A {hostile} calcified granuloma."
    finding = make_finding(
        report_id=HOSTILE_ID,
        start_char=2,
        end_char=len(text) - 1,
        text=hostile,
        pattern_id=hostile,
        organ=hostile,
        section=hostile,
        exclusion_reason=hostile,
        counted=False,
        modifier_ids=(hostile,),
    )
    result = make_result(
        report_id=HOSTILE_ID,
        triage_reason=hostile,
        triage_rules=(hostile,),
        segments=(hostile,),
        findings=(finding,),
    )
    error = RecordError(source=hostile, line=3, report_id=hostile, code="E110", reason=hostile)
    report = Report(HOSTILE_ID, text, source=hostile)
    page = render_review([(report, result)], errors=[error], title=hostile, generated=hostile)

    parsed = _parse(page)
    tags = [tag for tag, _ in parsed.tags]
    assert tags.count("script") == 1 and tags.count("style") == 1
    assert "img" not in tags and "textarea" not in tags
    for _, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs)
        assert not set(attrs) & {"href", "src", "srcdoc", "action", "formaction", "style"}
    assert "".join(parsed.blocks["script"]) == PAGE_SCRIPT
    assert "".join(parsed.blocks["style"]) == PAGE_STYLE
    # the data shows as text, everywhere it is used
    assert "".join(parsed.text).count(hostile) >= 8
    cards = [attrs for tag, attrs in parsed.tags if tag == "article"]
    assert cards[0]["data-id"] == HOSTILE_ID
    assert "<script>window" not in page and "<img" not in page


def test_review_csp_hashes_match_inline_blocks(make_result: Callable[..., ReportResult]) -> None:
    page = render_review([_pair(make_result, "r1", "LIVER: A 5 mm calcified granuloma.")])
    metas = [a for t, a in _parse(page).tags if t == "meta" and "http-equiv" in a]
    assert [a["http-equiv"] for a in metas] == ["Content-Security-Policy"]
    policy = metas[0]["content"] or ""
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "data:"
    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    assert len(styles) == len(scripts) == 1
    assert directives["style-src"] == _sha256(styles[0])
    assert directives["script-src"] == _sha256(scripts[0])
    # nothing the policy would block: no style or event-handler attributes, no external refs
    attributes = {name for _, attrs in _parse(page).tags for name in attrs}
    assert "style" not in attributes and "src" not in attributes and "href" not in attributes
    assert not any(name.startswith("on") for name in attributes)
    assert "innerHTML" not in PAGE_SCRIPT and "eval(" not in PAGE_SCRIPT


def test_review_templates_hold_the_markup_the_page_embeds(
    make_result: Callable[..., ReportResult],
) -> None:
    """review_templates holds the page's constant markup: the style and script blocks
    verbatim, and every literal piece (between placeholders) of each ``TPL_*`` template."""
    error = RecordError("in.jsonl", 4, None, "E110", "E110 Malformed JSON.")
    full = render_review(
        [_pair(make_result, "r1", "LIVER: A 5 mm calcified granuloma.")],
        errors=[error],
        generated="2026-01-02",
    )
    empty = render_review([])
    constants = {name: value for name, value in vars(review_templates).items() if name.isupper()}
    assert {"PAGE_STYLE", "PAGE_SCRIPT", "TPL_PAGE", "TPL_CONTROLS"} <= set(constants)
    assert constants["PAGE_STYLE"] is PAGE_STYLE and constants["PAGE_SCRIPT"] is PAGE_SCRIPT
    for name, template in constants.items():
        assert isinstance(template, str) and template.isascii(), name
        if name.startswith("TPL_"):
            pieces = [literal for literal, *_ in string.Formatter().parse(template) if literal]
        else:
            pieces = [template]
        page = empty if name == "TPL_NO_REPORTS" else full
        assert pieces and all(piece in page for piece in pieces), name


# --- whole page -----------------------------------------------------------------------------------


def test_review_deterministic_bytes(
    tmp_path: Path, make_result: Callable[..., ReportResult], make_finding: Callable[..., Any]
) -> None:
    def items() -> list[tuple[Report, ReportResult]]:
        return [
            _pair(make_result, "b", "LIVER: A 5 mm calcified granuloma.", triage="benign"),
            _pair(
                make_result,
                "u",
                "LIVER: A 45 mm calcified mass.",
                triage="urgent",
                findings=(make_finding(report_id="u"),),
            ),
        ]

    first = write_review(items(), tmp_path / "a.html")
    second = write_review(items(), tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert render_review(items()) == (tmp_path / "a.html").read_text(encoding="utf-8")
    assert first.triage == second.triage == {"none": 0, "benign": 1, "workup": 0, "urgent": 1}
    assert (first.reports, first.flagged, first.errors) == (2, 1, 0)
    assert "Generated" not in render_review(items())
    stamped = render_review(items(), generated="2026-01-02 <03:04>")
    assert '<p class="generated">Generated 2026-01-02 &lt;03:04&gt;</p>' in stamped
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html"]  # no temp files


def test_review_empty_batch_renders() -> None:
    page = render_review([])
    parsed = _parse(page)
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert not [tag for tag, _ in parsed.tags if tag == "article"]
    assert "No reports in this batch." in "".join(parsed.text)
    counts = re.findall(r'<div data-count="(\w+)"><dt>[^<]*</dt><dd>(\d+)</dd>', page)
    assert dict(counts) == {
        "reports": "0",
        "urgent": "0",
        "workup": "0",
        "benign": "0",
        "none": "0",
        "flagged": "0",
        "errors": "0",
    }


def test_review_summary_counts_and_error_rows(make_result: Callable[..., ReportResult]) -> None:
    levels = ["urgent", "none", "workup", "workup", "benign"]
    items = [_pair(make_result, f"r{i}", "x", triage=level) for i, level in enumerate(levels)]
    errors = [
        RecordError("in.jsonl", 4, None, "E110", "E110 Malformed JSON."),
        RecordError("in.jsonl", None, "r9", "E114", "E114 Text column 'text' is empty."),
    ]
    page = render_review(items, errors=errors)
    counts = dict(re.findall(r'<div data-count="(\w+)"><dt>[^<]*</dt><dd>(\d+)</dd>', page))
    assert counts == {
        "reports": "5",
        "urgent": "1",
        "workup": "2",
        "benign": "1",
        "none": "1",
        "flagged": "3",
        "errors": "2",
    }
    table = page.split('<table id="error-rows">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    cells = [re.findall(r"<td>(.*?)</td>", row) for row in rows if "<td>" in row]
    assert cells == [
        ["in.jsonl", "4", "\u2014", "E110", "E110 Malformed JSON."],
        ["in.jsonl", "\u2014", "r9", "E114", "E114 Text column &#x27;text&#x27; is empty."],
    ]
    assert "error-rows" not in render_review(items)


#: Triage levels of a batch for the page-limit tests, in input order.
LIMIT_LEVELS = ("none", "workup", "benign", "urgent", "none", "workup", "urgent", "benign")


def _limit_batch(make_result: Callable[..., ReportResult]) -> list[tuple[Report, ReportResult]]:
    return [
        _pair(make_result, f"r{i}", "LIVER: normal.", triage=level, findings=())
        for i, level in enumerate(LIMIT_LEVELS)
    ]


@pytest.mark.parametrize(
    ("max_reports", "chosen", "limit"),
    [
        (None, [3, 6, 1, 5, 2, 7, 0, 4], None),
        (0, [3, 6, 1, 5, 2, 7, 0, 4], None),
        (8, [3, 6, 1, 5, 2, 7, 0, 4], None),
        (7, [3, 6, 1, 5], PageLimit(max_reports=7, reports=8, flagged=4, shown=4)),
        (4, [3, 6, 1, 5], PageLimit(max_reports=4, reports=8, flagged=4, shown=4)),
        (3, [3, 6, 1], PageLimit(max_reports=3, reports=8, flagged=4, shown=3)),
    ],
)
def test_review_select_cards_flagged_only_above_the_limit(
    make_result: Callable[..., ReportResult],
    max_reports: int | None,
    chosen: list[int],
    limit: PageLimit | None,
) -> None:
    results = [result for _, result in _limit_batch(make_result)]
    assert select_cards(results, max_reports) == (chosen, limit)
    if limit is not None:
        assert limit.left_off == 8 - len(chosen)


def test_review_page_limit_notice_and_counts(
    tmp_path: Path, make_result: Callable[..., ReportResult]
) -> None:
    items = _limit_batch(make_result)
    summary = write_review(items, tmp_path / "r.html", max_reports=3)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert re.findall(r'data-id="(r\d)"', page) == ["r3", "r6", "r1"]
    counts = dict(re.findall(r'<div data-count="(\w+)"><dt>[^<]*</dt><dd>(\d+)</dd>', page))
    assert counts["reports"] == "8" and counts["none"] == "2" and counts["flagged"] == "4"
    assert 'Showing <span id="visible-count">3</span> of <span id="total-count">3</span>' in page
    parsed = "".join(_parse(page).text)
    assert (
        "Not every report is on this page. This page shows the first 3 of the 4 flagged reports "
        "(urgent, then workup) of the 8 in this batch. The other 5 reports have no card: a page "
        "with more than 3 reports opens too slowly. The counts above cover every report."
    ) in parsed
    assert page.index('id="left-off"') < page.index('id="controls"')
    assert (summary.reports, summary.flagged, summary.triage["none"]) == (3, 4, 2)
    assert summary.limit == PageLimit(max_reports=3, reports=8, flagged=4, shown=3)
    within = write_review(items, tmp_path / "w.html", max_reports=8)
    assert within.limit is None and within.reports == 8
    assert 'id="left-off"' not in (tmp_path / "w.html").read_text(encoding="utf-8")


def test_review_within_the_limit_page_is_unchanged(
    make_result: Callable[..., ReportResult], make_finding: Callable[..., Any]
) -> None:
    items = [
        *_limit_batch(make_result),
        _pair(
            make_result,
            "u",
            "LIVER: A 45 mm calcified mass.",
            triage="urgent",
            findings=(make_finding(report_id="u"),),
        ),
    ]
    unlimited = render_review(items)
    for max_reports in (0, len(items), len(items) + 1, 10_000):
        assert render_review(items, max_reports=max_reports) == unlimited


def test_review_negative_max_reports_is_e405(
    tmp_path: Path, make_result: Callable[..., ReportResult]
) -> None:
    for call in (
        lambda: render_review(_limit_batch(make_result), max_reports=-1),
        lambda: write_review(_limit_batch(make_result), tmp_path / "r.html", max_reports=-1),
    ):
        with pytest.raises(OutputError) as info:
            call()
        assert info.value.code == "E405"
    assert not (tmp_path / "r.html").exists()


def test_review_mismatched_pair_is_e401(make_result: Callable[..., ReportResult]) -> None:
    with pytest.raises(CalcminerError) as caught:
        render_review([(Report("a", "text"), make_result(report_id="b"))])
    assert caught.value.code == "E401"


@pytest.mark.parametrize(
    ("overrides", "kind"),
    [
        ({"start_char": 2, "end_char": 99}, "target"),
        ({"modifier_spans": ("NEGATED_EXISTENCE:neg@0-99",)}, "modifier"),
        ({"modifier_spans": ("garbled",)}, "modifier"),
    ],
)
def test_review_span_outside_text_is_e402(
    make_result: Callable[..., ReportResult],
    make_finding: Callable[..., Any],
    overrides: dict[str, Any],
    kind: str,
) -> None:
    secret = "Secret words of the report."
    finding = make_finding(**{"start_char": 0, "end_char": 6, **overrides})
    with pytest.raises(CalcminerError) as caught:
        render_review([_pair(make_result, "r1", secret, findings=(finding,))])
    assert caught.value.code == "E402"
    assert kind in str(caught.value) and "Secret" not in str(caught.value)


def test_review_write_needs_html_suffix(
    tmp_path: Path, make_result: Callable[..., ReportResult]
) -> None:
    with pytest.raises(OutputError) as caught:
        write_review([_pair(make_result, "r1", "x")], tmp_path / "review.csv")
    assert caught.value.code == "E403"
    assert not list(tmp_path.iterdir())
    summary = write_review([], tmp_path / "deep" / "er" / "review.HTM")
    assert summary.path.is_file() and summary.reports == 0


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
def review_page(miner: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review page of BROWSER_REPORTS as mined by the real miner, with one error row."""
    reports = [Report(report_id, text) for report_id, _, text in BROWSER_REPORTS]
    results = list(miner.mine(reports))
    assert [r.triage for r in results] == [level for _, level, _ in BROWSER_REPORTS]
    error = RecordError("batch.jsonl", 9, None, "E110", "E110 Malformed JSON.")
    path = tmp_path_factory.mktemp("review") / "review.html"
    write_review(zip(reports, results, strict=True), path, errors=[error])
    return path


@pytest.fixture
def page(driver: WebDriver, review_page: Path) -> Iterator[WebDriver]:
    """The review page freshly loaded; no console errors may be logged while a test uses it."""
    console_entries(driver)  # drop what earlier tests left
    driver.get(review_page.as_uri())
    yield driver
    assert console_errors(driver) == []


def _visible_cards(driver: WebDriver) -> list[tuple[str, str]]:
    cards = driver.find_elements(By.CSS_SELECTOR, "article.card")
    return [
        (card.get_attribute("data-id") or "", card.get_attribute("data-triage") or "")
        for card in cards
        if card.is_displayed()
    ]


def _type(field: WebElement, text: str) -> None:
    """Replace a field's text by typing (``clear()`` fires no input event)."""
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    if text:
        field.send_keys(text)


def _check_levels(driver: WebDriver, levels: set[str]) -> None:
    for box in driver.find_elements(By.CSS_SELECTOR, "input[data-level]"):
        if box.is_selected() != (box.get_attribute("data-level") in levels):
            box.click()


@pytest.mark.browser
def test_review_browser_loads_clean_and_inert(page: WebDriver) -> None:
    assert page.execute_script("return typeof window.__pwned") == "undefined"
    assert page.execute_script("return document.querySelectorAll('img, iframe').length") == 0
    assert page.find_element(By.ID, "controls").is_displayed()  # the script ran under the CSP
    cards = {
        card.get_attribute("data-id"): card
        for card in page.find_elements(By.CSS_SELECTOR, "article.card")
    }
    texts = {
        report_id: card.find_element(By.CSS_SELECTOR, "pre").text
        for report_id, card in cards.items()
    }
    assert SCRIPT_PAYLOAD in texts["xss-script"]
    assert IMG_PAYLOAD in texts["xss-img"] and "</textarea> javascript:alert(1)" in texts["xss-img"]
    assert ATTR_PAYLOAD in texts[HOSTILE_ID]
    # the marks (and their T1 tags) do not change the text a reader copies
    assert texts["ben-01"] == BROWSER_REPORTS[1][2]
    assert cards[HOSTILE_ID].find_element(By.TAG_NAME, "h2").text == HOSTILE_ID
    assert "E110 Malformed JSON." in page.find_element(By.ID, "error-rows").text


@pytest.mark.browser
def test_review_browser_flagged_first(page: WebDriver) -> None:
    shown = _visible_cards(page)
    assert [level for _, level in shown] == sorted(
        (level for _, level in shown), key=LEVEL_ORDER.index
    )
    assert [report_id for report_id, _ in shown] == [
        "urg-01",
        "wrk-01",
        "xss-img",
        "ben-01",
        "xss-script",
        HOSTILE_ID,
        "neg-01",
        "non-01",
    ]


@pytest.mark.browser
def test_review_browser_filter_by_level(page: WebDriver) -> None:
    count = page.find_element(By.ID, "visible-count")
    assert count.text == str(len(BROWSER_REPORTS))
    _check_levels(page, {"urgent"})
    assert _visible_cards(page) == [("urg-01", "urgent")]
    assert count.text == "1"
    page.find_element(By.CSS_SELECTOR, "button[data-preset='flagged']").click()
    assert {level for _, level in _visible_cards(page)} == {"urgent", "workup"}
    assert count.text == "3"
    _check_levels(page, set())
    assert _visible_cards(page) == [] and count.text == "0"
    assert page.find_element(By.ID, "no-match").is_displayed()
    page.find_element(By.CSS_SELECTOR, "button[data-preset='all']").click()
    assert count.text == str(len(BROWSER_REPORTS))
    assert not page.find_element(By.ID, "no-match").is_displayed()


@pytest.mark.browser
def test_review_browser_search_by_id(page: WebDriver) -> None:
    search = page.find_element(By.ID, "search")
    count = page.find_element(By.ID, "visible-count")
    _type(search, "XSS-")
    assert [report_id for report_id, _ in _visible_cards(page)] == ["xss-img", "xss-script"]
    assert count.text == "2"
    _type(search, "'<>&")
    assert _visible_cards(page) == [(HOSTILE_ID, "benign")]
    assert count.text == "1"
    _check_levels(page, {"urgent"})  # filters combine
    assert _visible_cards(page) == [] and count.text == "0"
    _type(search, "")
    search.send_keys(Keys.ENTER)  # Enter must not navigate (no form to submit)
    assert page.current_url.endswith("review.html")
    assert _visible_cards(page) == [("urg-01", "urgent")]


@pytest.mark.browser
def test_review_browser_csp_blocks_injected_script(driver: WebDriver, review_page: Path) -> None:
    # Escaping aside, markup that reached the page anyway must not run: the CSP blocks it.
    page = review_page.read_text(encoding="utf-8").replace(
        "</body>", f"{SCRIPT_PAYLOAD}<div onclick='window.__pwned=2' id='bait'>bait</div></body>"
    )
    tampered = review_page.with_name("tampered.html")
    tampered.write_text(page, encoding="utf-8")
    console_entries(driver)
    driver.get(tampered.as_uri())
    driver.find_element(By.ID, "bait").click()
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert driver.find_element(By.ID, "controls").is_displayed()  # the page's own script ran
    errors = console_errors(driver)
    assert errors and all("Content Security Policy" in message for message in errors)


@pytest.mark.browser
def test_review_browser_limited_page_loads_clean(
    driver: WebDriver, miner: Any, tmp_path: Path
) -> None:
    """A page cut by max_reports: no console errors, the notice shows, the filters count the
    cards it holds."""
    reports = [Report(report_id, text) for report_id, _, text in BROWSER_REPORTS]
    path = tmp_path / "limited.html"
    write_review(zip(reports, miner.mine(reports), strict=True), path, max_reports=2)
    console_entries(driver)
    driver.get(path.as_uri())
    assert driver.find_element(By.ID, "left-off").is_displayed()
    assert "Not every report is on this page." in driver.find_element(By.ID, "left-off").text
    assert _visible_cards(driver) == [("urg-01", "urgent"), ("wrk-01", "workup")]
    assert driver.find_element(By.ID, "visible-count").text == "2"
    _check_levels(driver, {"urgent"})
    assert _visible_cards(driver) == [("urg-01", "urgent")]
    assert console_errors(driver) == []
