"""Plant known one-line bugs, one at a time, in a temporary copy and check the suite catches each.

For every bug: copy the repository to a temporary folder (never touching the working tree),
make the one edit, run the test files that should catch it, and report which tests failed.
The exit code is 1 when any planted bug survives (its tests pass), 2 when a bug could not be
planted (the code it targets has moved: update the plant) or the tests fail before any bug is
planted, else 0::

    PYTHONPATH=.. python tests/plant_bugs.py            # every plant, pytest -x per plant
    PYTHONPATH=.. python tests/plant_bugs.py a c        # some plants
    PYTHONPATH=.. python tests/plant_bugs.py --all      # no -x: list every test that fails

Shared material is required in the copies (``CALCMINER_REQUIRE_SHARED=1``): a gate that skips
would let a bug survive unseen. Output names tests and files, never report text.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
#: Left out of the copies: version control, caches, builds, and blind gold sets (never read).
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "__pycache__",
    ".mypy_cache",
    ".mypy_path",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "build",
    "out",
    "*.egg-info",
    "blind*",
)
#: Failing tests named per plant (the rest are counted).
FAILURES_SHOWN = 12
#: One pytest run may take this long before the plant counts as failed to run.
RUN_TIMEOUT_S = 900
#: A failing test in pytest's short summary (``-ra``).
_SUMMARY_LINE = re.compile(r"^(FAILED|ERROR) (.+?)(?: - .*)?$", re.MULTILINE)


class PlantError(Exception):
    """The code a plant targets is not where the plant expects it."""


Edit = Callable[[str], str]


def replace_once(pattern: str, replacement: str) -> Edit:
    """An edit replacing the one match of a regular expression (multi-line mode).

    Args:
        pattern: The regular expression; it must match exactly once.
        replacement: Its replacement (``re.sub`` syntax).

    Returns:
        The edit.
    """

    def edit(text: str) -> str:
        found = len(re.findall(pattern, text, flags=re.MULTILINE))
        if found != 1:
            raise PlantError(f"expected one match of {pattern!r}, found {found}")
        return re.sub(pattern, replacement, text, flags=re.MULTILINE)

    return edit


def drop_context_rule(literal: str, category: str) -> Edit:
    """An edit removing the one ConText rule with this literal and category.

    Args:
        literal: The rule's literal (case-insensitive).
        category: Its category, e.g. ``NEGATED_EXISTENCE``.

    Returns:
        The edit (the rule file is rewritten as JSON with one-space indents).
    """

    def edit(text: str) -> str:
        data = json.loads(text)
        rules = data["context_rules"]
        kept = [
            r
            for r in rules
            if not (r["literal"].lower() == literal.lower() and r["category"] == category)
        ]
        if len(rules) - len(kept) != 1:
            raise PlantError(
                f"expected one {category} rule {literal!r}, found {len(rules) - len(kept)}"
            )
        data["context_rules"] = kept
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    return edit


@dataclass(frozen=True)
class Plant:
    """One planted bug.

    Attributes:
        key: Short name on the command line.
        bug: What the bug does.
        path: The file edited, relative to the repository.
        edit: The edit.
        tests: Test files (globs, relative to the repository) that must catch it; run in this
            order, so the focused test comes first. Globs that match nothing are left out.
    """

    key: str
    bug: str
    path: str
    edit: Edit
    tests: tuple[str, ...]


PLANTS: tuple[Plant, ...] = (
    Plant(
        "a",
        'drop the "without" negation rule (patterns/context_rules.json)',
        "patterns/context_rules.json",
        drop_context_rule("without", "NEGATED_EXISTENCE"),
        (
            "tests/pipeline/test_context*.py",
            "tests/quality/test_extraction_cases.py",
            "tests/quality/test_accuracy.py",
        ),
    ),
    Plant(
        "b",
        "delete the lines where a CURRENT cue overrides a HISTORICAL one "
        "(nlp/pipeline/linking/record.py)",
        "nlp/pipeline/linking/record.py",
        replace_once(
            r'^[ \t]*if category == "HISTORICAL" and not categories\.isdisjoint\('
            r"CURRENT_CATEGORIES\):\n"
            r"[ \t]*continue\n",
            "",
        ),
        (
            "tests/pipeline/test_context*.py",
            "tests/quality/test_extraction_cases.py",
            "tests/quality/test_accuracy.py",
        ),
    ),
    Plant(
        "c",
        "urgent threshold > becomes >= (nlp/rules/triage_rules.py)",
        "nlp/rules/triage_rules.py",
        replace_once(r"max_size_mm > limit\b", "max_size_mm >= limit"),
        (
            "tests/mining/test_triage.py",
            "tests/quality/test_properties.py",
            "tests/quality/test_accuracy.py",
        ),
    ),
    Plant(
        "d",
        "prefer a prior exam's size over the current one (nlp/pipeline/linking/record.py)",
        "nlp/pipeline/linking/record.py",
        replace_once(
            r"return current or \(\[\] if inside else prior\)$",
            "return ([] if inside else prior) or current",
        ),
        (
            "tests/quality/test_extraction_cases.py",
            "tests/mining/test_findings.py",
            "tests/quality/test_accuracy.py",
        ),
    ),
)


@dataclass(frozen=True)
class Outcome:
    """What the suite did with one plant.

    Attributes:
        key: The plant (``-`` for the run before planting).
        status: ``caught``, ``SURVIVED``, ``NOT PLANTED`` or ``passed`` / ``FAILED`` (before
            planting).
        failed: The tests that failed.
        detail: Why a plant could not be made, or the last lines of pytest's output.
        seconds: How long the tests ran.
    """

    key: str
    status: str
    failed: tuple[str, ...]
    detail: str
    seconds: float


def _copy(destination: Path) -> Path:
    """Copy the repository to ``destination/calcminer`` (the package name) and return it."""
    copy = destination / "calcminer"
    shutil.copytree(REPO_ROOT, copy, ignore=COPY_IGNORE)
    return copy


def _environment(parent: Path) -> dict[str, str]:
    """The environment of a run in a copy: the copy first on the path, shared material
    required, hypothesis reproducible."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_ADDOPTS", "PYTHONPATH"}}
    shared = os.environ.get("CALCMINER_SHARED") or str(REPO_ROOT.parent / "shared")
    env.update(
        PYTHONPATH=str(parent),
        CALCMINER_SHARED=str(Path(shared).resolve()),
        CALCMINER_REQUIRE_SHARED="1",
        HYPOTHESIS_PROFILE="ci",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def _files(copy: Path, patterns: Sequence[str]) -> list[str]:
    """Expand the test globs in the copy, in order, without repeats."""
    files: list[str] = []
    for pattern in patterns:
        for path in sorted(copy.glob(pattern)):
            name = path.relative_to(copy).as_posix()
            if name not in files:
                files.append(name)
    return files


def _pytest(copy: Path, files: Sequence[str], stop_first: bool) -> tuple[int, str, float]:
    """Run pytest in a copy; return its exit code, output and duration."""
    command = [sys.executable, "-m", "pytest", *files, "-q", "-p", "no:cacheprovider", "-ra"]
    if stop_first:
        command.append("-x")
    started = time.monotonic()
    run = subprocess.run(
        command,
        cwd=copy,
        env=_environment(copy.parent),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    return run.returncode, run.stdout + run.stderr, time.monotonic() - started


def _check_import(copy: Path) -> None:
    """Make sure a run in the copy imports the copy's package, not an installed one."""
    probe = subprocess.run(
        [sys.executable, "-c", "import calcminer; print(calcminer.__file__)"],
        cwd=copy,
        env=_environment(copy.parent),
        capture_output=True,
        text=True,
        check=True,
    )
    imported = Path(probe.stdout.strip()).resolve()
    if not imported.is_relative_to(copy.resolve()):
        raise PlantError(f"the copy imports calcminer from {imported}, not from {copy}")


def _tail(output: str, lines: int = 5) -> str:
    return "\n".join(output.strip().splitlines()[-lines:])


def run_plant(plant: Plant, stop_first: bool, keep: bool = False) -> Outcome:
    """Plant one bug in a fresh copy, run its tests, and say whether they caught it.

    Args:
        plant: The bug.
        stop_first: Stop at the first failing test (``pytest -x``).
        keep: Keep the temporary copy (its path is printed).

    Returns:
        The outcome.
    """
    workdir = Path(tempfile.mkdtemp(prefix=f"calcminer-plant-{plant.key}-"))
    try:
        copy = _copy(workdir)
        _check_import(copy)
        target = copy / plant.path
        try:
            original = target.read_text(encoding="utf-8")
            planted = plant.edit(original)
        except (OSError, PlantError, ValueError, KeyError) as e:
            return Outcome(plant.key, "NOT PLANTED", (), f"{plant.path}: {e}", 0.0)
        if planted == original:
            return Outcome(plant.key, "NOT PLANTED", (), f"{plant.path}: edit changed nothing", 0.0)
        target.write_text(planted, encoding="utf-8")
        files = _files(copy, plant.tests)
        code, output, seconds = _pytest(copy, files, stop_first)
        failed = tuple(dict.fromkeys(m.group(2) for m in _SUMMARY_LINE.finditer(output)))
        if code == 0:
            return Outcome(plant.key, "SURVIVED", (), _tail(output), seconds)
        if code != 1 or not failed:
            # Interrupted, internal error or no tests: not a catch.
            return Outcome(plant.key, "NOT RUN", failed, _tail(output), seconds)
        return Outcome(plant.key, "caught", failed, "", seconds)
    finally:
        if keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run_baseline(plants: Sequence[Plant], stop_first: bool) -> Outcome:
    """Run every plant's tests once on an unplanted copy: they must pass for a catch to count."""
    workdir = Path(tempfile.mkdtemp(prefix="calcminer-plant-baseline-"))
    try:
        copy = _copy(workdir)
        _check_import(copy)
        files = _files(copy, [pattern for plant in plants for pattern in plant.tests])
        code, output, seconds = _pytest(copy, files, stop_first)
        failed = tuple(dict.fromkeys(m.group(2) for m in _SUMMARY_LINE.finditer(output)))
        status = "passed" if code == 0 else "FAILED"
        return Outcome("-", status, failed, "" if code == 0 else _tail(output), seconds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: plant the named bugs (all by default) and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plants", nargs="*", help="plant keys (default: all)")
    parser.add_argument("--all", action="store_true", help="no -x: list every failing test")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unplanted run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    args = parser.parse_args(argv)
    by_key = {plant.key: plant for plant in PLANTS}
    if unknown := [key for key in args.plants if key not in by_key]:
        parser.error(f"unknown plant(s) {', '.join(unknown)}; known: {', '.join(by_key)}")
    chosen = [by_key[key] for key in args.plants] if args.plants else list(PLANTS)
    stop_first = not args.all

    if not args.no_baseline:
        baseline = run_baseline(chosen, stop_first)
        print(f"before planting: tests {baseline.status} ({baseline.seconds:.0f} s)")
        if baseline.status != "passed":
            print("  " + "\n  ".join(baseline.failed or (baseline.detail,)))
            print("the tests fail without any planted bug: fix them first")
            return 2
    outcomes = []
    for plant in chosen:
        outcome = run_plant(plant, stop_first, keep=args.keep)
        outcomes.append(outcome)
        print(f"[{plant.key}] {plant.bug}")
        print(f"    {outcome.status} ({outcome.seconds:.0f} s)")
        for test in outcome.failed[:FAILURES_SHOWN]:
            print(f"    failed: {test}")
        if len(outcome.failed) > FAILURES_SHOWN:
            print(f"    ... and {len(outcome.failed) - FAILURES_SHOWN} more failed tests")
        if outcome.detail:
            print("    " + outcome.detail.replace("\n", "\n    "))
    survived = [o.key for o in outcomes if o.status == "SURVIVED"]
    broken = [o.key for o in outcomes if o.status in {"NOT PLANTED", "NOT RUN"}]
    caught = len(outcomes) - len(survived) - len(broken)
    print(f"{caught} of {len(outcomes)} planted bugs caught", end="")
    print(f"; survived: {', '.join(survived)}" if survived else "", end="")
    print(f"; not planted or not run: {', '.join(broken)}" if broken else "")
    if survived:
        return 1
    return 2 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
