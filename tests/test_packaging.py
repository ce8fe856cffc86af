"""A plain (non-editable) install carries the pattern files and works from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from suite_env import REPO_ROOT

from calcminer.nlp.rules.patterns import PATTERN_FILES


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO_ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("calcminer-*.whl")
    return path


def test_packaging_wheel_holds_package_and_patterns(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"calcminer/patterns/{name}" for name in PATTERN_FILES} <= names
    assert {"calcminer/__init__.py", "calcminer/cli.py", "calcminer/nlp/mining/miner.py"} <= names
    # Every module of nlp/ (a subpackage missing from pyproject's list would be left out).
    nlp = REPO_ROOT / "nlp"
    assert {f"calcminer/nlp/{m.relative_to(nlp).as_posix()}" for m in nlp.rglob("*.py")} <= names
    assert not any(n.startswith(("calcminer/tests/", "calcminer/sample_reports/")) for n in names)


def test_packaging_lists_every_subpackage() -> None:
    """pyproject.toml names its packages one by one: every folder of nlp/ with an __init__.py
    is listed, so a new subpackage cannot be left out of the wheel."""
    import tomllib

    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(("calcminer", *init.parent.relative_to(REPO_ROOT).parts))
        for init in (REPO_ROOT / "nlp").rglob("__init__.py")
    }
    assert sorted(found - listed) == []


def test_packaging_version_is_written_once(wheel: Path) -> None:
    """pyproject.toml takes the version from calcminer.__version__ (no second copy)."""
    import calcminer

    assert wheel.name.startswith(f"calcminer-{calcminer.__version__}-")
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert calcminer.__version__ not in pyproject


def test_packaging_installed_wheel_mines_from_another_directory(
    wheel: Path, tmp_path: Path
) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import calcminer, pathlib;"
        "from calcminer.nlp.mining.miner import Miner;"
        "print(pathlib.Path(calcminer.__file__).parent.parent.name);"
        "print(Miner().mine_text('LIVER: A 3.5 cm calcified mass in S6.').triage)"
    )
    # PYTHONSAFEPATH keeps the working directory off sys.path; the editable install of the
    # development checkout is shadowed by the target directory that comes first.
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONSAFEPATH": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["site", "urgent"]
