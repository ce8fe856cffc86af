"""Headless Chromium for tests of the HTML outputs (and the README screenshots), via Selenium.

Drives Debian's ``chromium`` through its ``chromedriver`` (``tests/setup_browser.sh`` installs
both); never downloads a browser or driver. Browser console messages are captured so tests can
assert that a page logs no errors (``console_errors``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMEDRIVER_PATH = Path("/usr/bin/chromedriver")
SETUP_SCRIPT = "tests/setup_browser.sh"
#: Window size of every session (and so of screenshots), in CSS pixels.
WINDOW_SIZE_PX: tuple[int, int] = (1280, 900)
#: Browser console level that marks an error (uncaught exceptions, CSP violations ...).
SEVERE_LEVEL = "SEVERE"
#: Headless, sandbox-free (containers), quiet: no GPU, no network of Chromium's own.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class ChromiumMissingError(RuntimeError):
    """Chromium or chromedriver is not installed where the tests expect them."""


def check_chromium() -> None:
    """Make sure Chromium and chromedriver are installed.

    Raises:
        ChromiumMissingError: Naming what is missing and how to install it.
    """
    missing = [str(path) for path in (CHROMIUM_PATH, CHROMEDRIVER_PATH) if not path.is_file()]
    if missing:
        raise ChromiumMissingError(
            f"{' and '.join(missing)} not found: the browser tests need Debian's chromium and "
            f"chromium-driver. Run {SETUP_SCRIPT} (as root) to install them."
        )


def start_chromium(
    profile_dir: Path, window_size: tuple[int, int] = WINDOW_SIZE_PX
) -> webdriver.Chrome:
    """Start headless Chromium with a fresh profile and console logging.

    Args:
        profile_dir: An empty folder for the browser profile (``--user-data-dir``).
        window_size: Window width and height in pixels.

    Returns:
        The driver; call ``quit()`` when done (or use :func:`chromium_session`).

    Raises:
        ChromiumMissingError: When Chromium or chromedriver is not installed.
    """
    check_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM_PATH)
    for arg in (*CHROMIUM_ARGS, f"--user-data-dir={profile_dir}"):
        options.add_argument(arg)
    options.add_argument(f"--window-size={window_size[0]},{window_size[1]}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER_PATH)), options=options)
    except WebDriverException as e:
        raise ChromiumMissingError(
            f"Chromium did not start ({e.msg}). Check the install with {SETUP_SCRIPT}."
        ) from e
    driver.set_window_size(*window_size)
    return driver


@contextmanager
def chromium_session(
    profile_dir: Path, window_size: tuple[int, int] = WINDOW_SIZE_PX
) -> Iterator[webdriver.Chrome]:
    """Run headless Chromium for the length of a ``with`` block.

    Args:
        profile_dir: An empty folder for the browser profile.
        window_size: Window width and height in pixels.

    Yields:
        The driver.
    """
    driver = start_chromium(profile_dir, window_size)
    try:
        yield driver
    finally:
        driver.quit()


def set_viewport(driver: webdriver.Chrome, width: int, height: int) -> None:
    """Resize the window so the page area (what screenshots capture) is width x height pixels."""
    driver.set_window_size(width, height)
    inner: list[int] = driver.execute_script("return [window.innerWidth, window.innerHeight];")
    driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])


def console_entries(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    """Return the browser console entries logged since the last call (reading clears them)."""
    entries: list[dict[str, Any]] = driver.get_log("browser")
    return entries


def console_errors(driver: webdriver.Chrome) -> list[str]:
    """Return the SEVERE console messages logged since the last read of the console."""
    return [e["message"] for e in console_entries(driver) if e.get("level") == SEVERE_LEVEL]
