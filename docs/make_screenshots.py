"""Make the README screenshots: render outputs of the sample reports, photograph them in Chromium.

Run from anywhere (needs ``tests/setup_browser.sh`` to have installed chromium)::

    .venv/bin/python docs/make_screenshots.py            # every screenshot
    .venv/bin/python docs/make_screenshots.py review     # only docs/review.png

To add a screenshot, write a function ``(driver, workdir) -> None`` that builds a page in
``workdir``, opens it and leaves the browser where the picture should be taken, and add it to
:data:`SCREENSHOTS` under the PNG's name. Pages are built from the synthetic
``sample_reports/`` only (never real reports).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from selenium.webdriver.remote.webdriver import WebDriver

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCS_DIR = REPO_ROOT / "docs"
SAMPLE_REPORTS = REPO_ROOT / "sample_reports"
#: Page area of every screenshot (width, height), in pixels: the PNG's size.
SCREENSHOT_WINDOW_PX: tuple[int, int] = (1280, 900)

# The headless-Chromium helper lives with the tests, which drive the same browser.
sys.path.insert(0, str(REPO_ROOT / "tests"))
from browser import chromium_session, set_viewport  # noqa: E402


def review_page(driver: WebDriver, workdir: Path) -> None:
    """The review page of the sample reports (``calcminer review``), top of the page."""
    from calcminer.nlp.io.readers import read_reports
    from calcminer.nlp.mining.miner import Miner
    from calcminer.nlp.schema import RecordError, Report
    from calcminer.nlp.views.review import write_review

    items = list(read_reports([SAMPLE_REPORTS]))
    # Sources relative to the repository: the picture must not show this machine's paths.
    reports = [
        replace(item, source=Path(item.source).relative_to(REPO_ROOT).as_posix())
        for item in items
        if isinstance(item, Report)
    ]
    errors = [item for item in items if isinstance(item, RecordError)]
    results = Miner().mine(reports)
    page = write_review(
        zip(reports, results, strict=True),
        workdir / "review.html",
        errors=errors,
        title="calcminer review: sample_reports",
    )
    driver.get(page.path.as_uri())


def audit_report_page(driver: WebDriver, workdir: Path) -> None:
    """The one-page audit report of the demo archive (``calcminer audit --report-out``)."""
    from calcminer.nlp.api import run_audit

    run_audit(
        SAMPLE_REPORTS / "audit" / "archive.jsonl",
        workdir / "audit.csv",
        report_out=workdir / "audit.html",
        by=("modality",),
        report_title="Follow-up audit: demo archive",
    )
    driver.get((workdir / "audit.html").as_uri())


#: PNG name (in docs/) -> function that puts the page to photograph in the browser.
SCREENSHOTS: dict[str, Callable[[WebDriver, Path], None]] = {
    "review": review_page,
    "audit-report": audit_report_page,
}


def main(argv: list[str] | None = None) -> int:
    """Make the screenshots named on the command line (all by default) in docs/."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(SCREENSHOTS)}")
    names = parser.parse_args(argv).names or list(SCREENSHOTS)
    unknown = sorted(set(names) - set(SCREENSHOTS))
    if unknown:
        parser.error(f"unknown screenshot(s) {', '.join(unknown)}; known: {', '.join(SCREENSHOTS)}")
    DOCS_DIR.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="calcminer-shots-") as tmp:
        workdir = Path(tmp)
        with chromium_session(workdir / "profile") as driver:
            set_viewport(driver, *SCREENSHOT_WINDOW_PX)
            for name in names:
                SCREENSHOTS[name](driver, workdir)
                target = DOCS_DIR / f"{name}.png"
                if not driver.save_screenshot(str(target)):
                    print(f"could not save {target}", file=sys.stderr)
                    return 1
                print(f"wrote {target.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
