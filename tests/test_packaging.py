"""How calcminer is built and set up: a plain (non-editable) install carries the pattern files
and works from any directory, the wheel builds without warnings, and ``make`` chooses a
supported Python (``tools/pythons.sh``, tried here with fake interpreters on PATH)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from suite_env import REPO_ROOT

from calcminer.nlp.rules.patterns import PATTERN_FILES

#: Builds the wheel the way ``pip wheel --no-build-isolation`` does (PEP 517's build_wheel hook of
#: the project's backend), in this environment (no network), with every warning shown.
BUILD_WHEEL = "import sys; from setuptools import build_meta; build_meta.build_wheel(sys.argv[1])"


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The wheel and what the build printed."""
    out = tmp_path_factory.mktemp("wheel")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    build = subprocess.run(
        [sys.executable, "-W", "default", "-c", BUILD_WHEEL, str(out)],
        cwd=REPO_ROOT,
        env={**env, "PYTHONWARNINGS": "default"},
        check=True,
        capture_output=True,
        text=True,
    )
    (path,) = out.glob("calcminer-*.whl")
    return path, build.stdout + build.stderr


@pytest.fixture(scope="module")
def wheel(built_wheel: tuple[Path, str]) -> Path:
    return built_wheel[0]


def test_packaging_wheel_builds_without_warnings(built_wheel: tuple[Path, str]) -> None:
    """pyproject.toml declares every folder it ships (patterns/ as the data package
    calcminer.patterns) and its license as an SPDX expression: setuptools warns of nothing,
    neither a package that "would be ignored" nor a deprecated field."""
    _, log = built_wheel
    assert [
        line for line in log.splitlines() if re.search(r"warning|would be ignored", line, re.I)
    ] == []


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


# --- The interpreter `make` chooses (tools/pythons.sh), tried with fake Pythons -------------

PYTHONS_SH = REPO_ROOT / "tools" / "pythons.sh"
#: The commands tools/pythons.sh and the Makefile's recipes run besides Python.
SYSTEM_TOOLS = ("sh", "ls", "grep", "sed", "sort", "cat", "rm", "mkdir", "ln", "make")
#: A fake interpreter: answers tools/pythons.sh's questions as CPython <version> at <path>
#: would, makes a "virtual environment" whose python is itself, and logs any other call.
FAKE_PYTHON = """#!/bin/sh
if [ "$1" = -c ]; then
    case "$2" in
        *version_info*) echo "{version} cpython {path}"; exit 0 ;;
        *ensurepip*) exit {venv_status} ;;
    esac
fi
if [ "$1" = -m ] && [ "$2" = venv ]; then
    mkdir -p "$3/bin" && ln -s {path} "$3/bin/python"
fi
echo "{version} $*" >> {log}
"""
#: What a pyenv shim of a version pyenv has not selected does.
REFUSING_SHIM = "#!/bin/sh\necho 'pyenv: python3.13: command not found' >&2\nexit 127\n"


class FakeMachine:
    """A PATH of fake interpreters and the system tools, a fake pyenv root and a call log."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path_dir = root / "bin"
        self.path_dir.mkdir()
        for tool in SYSTEM_TOOLS:
            found = shutil.which(tool)
            assert found is not None, tool
            (self.path_dir / tool).symlink_to(found)
        self.pyenv = root / "pyenv"
        (self.pyenv / "versions").mkdir(parents=True)
        self.log = root / "calls.log"

    def python(self, where: Path, name: str, version: str, *, venv: bool = True) -> Path:
        where.mkdir(parents=True, exist_ok=True)
        path = where / name
        path.write_text(
            FAKE_PYTHON.format(
                version=version, path=path, venv_status=0 if venv else 1, log=self.log
            ),
            encoding="utf-8",
        )
        path.chmod(0o755)
        return path

    def on_path(self, name: str, version: str, *, venv: bool = True) -> Path:
        return self.python(self.path_dir, name, version, venv=venv)

    def in_pyenv(self, version: str) -> Path:
        minor = version.rsplit(".", 1)[0]
        return self.python(self.pyenv / "versions" / version / "bin", f"python{minor}", version)

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "PATH": str(self.path_dir),
            "HOME": str(self.root),
            "PYENV_ROOT": str(self.pyenv),
            **extra,
        }

    def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["sh", str(PYTHONS_SH), *args],
            env=self.env(**extra),
            capture_output=True,
            text=True,
            check=False,
        )


@pytest.fixture
def machine(tmp_path: Path) -> FakeMachine:
    return FakeMachine(tmp_path)


def test_packaging_pick_takes_the_newest_python_that_runs(machine: FakeMachine) -> None:
    machine.on_path("python3.11", "3.11.9")
    newest = machine.on_path("python3.12", "3.12.4")
    (machine.path_dir / "python3.13").write_text(REFUSING_SHIM, encoding="utf-8")
    (machine.path_dir / "python3.13").chmod(0o755)
    picked = machine.run("pick")
    assert (picked.returncode, picked.stdout, picked.stderr) == (0, f"3.12.4 {newest}\n", "")


def test_packaging_pick_skips_a_python_without_venv_and_says_so(machine: FakeMachine) -> None:
    machine.on_path("python3.13", "3.13.1", venv=False)
    assert machine.run("pick").stdout == ""
    machine.on_path("python3", "3.11.2")
    picked = machine.run("pick")
    assert picked.stdout.startswith("3.11.2 ") and picked.returncode == 0
    machine.on_path("python3", "3.10.12")
    refused = machine.run("pick")
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.splitlines() == [
        "calcminer: found no CPython 3.11, 3.12 or 3.13 on PATH (python3.13, python3.12,"
        " python3.11, python3); python3.13 (Python 3.13.1) lacks the venv module (Debian,"
        " Ubuntu: apt install python3.13-venv); install one, or set PYTHON=/path/to/python3.x."
    ]


def test_packaging_pick_points_to_pyenv_when_path_has_none(machine: FakeMachine) -> None:
    pyenv_313 = machine.in_pyenv("3.13.0")
    refused = machine.run("pick")
    assert refused.returncode == 1
    assert f"; pyenv has one: make PYTHON={pyenv_313};" in refused.stderr


def test_packaging_pick_checks_the_python_it_is_given(machine: FakeMachine) -> None:
    machine.on_path("python3.13", "3.13.1")
    old = machine.on_path("python3.10", "3.10.12")
    given = machine.on_path("python3.11", "3.11.9")
    assert machine.run("pick", PYTHON=str(given)).stdout == f"3.11.9 {given}\n"
    assert machine.run("pick", PYTHON="python3.11").stdout == f"3.11.9 {given}\n"
    unsupported = machine.run("pick", PYTHON=str(old))
    assert (unsupported.returncode, unsupported.stdout) == (1, "")
    assert unsupported.stderr == (
        f"calcminer: PYTHON={old} is Python 3.10.12; calcminer needs CPython 3.11, 3.12 or 3.13.\n"
    )
    missing = machine.run("pick", PYTHON="python3.14")
    assert missing.returncode == 1
    assert missing.stderr.startswith("calcminer: PYTHON=python3.14 does not run;")


def test_packaging_all_lists_each_version_once_from_path_or_pyenv(machine: FakeMachine) -> None:
    on_path = machine.on_path("python3.12", "3.12.4")
    machine.in_pyenv("3.12.1")
    machine.in_pyenv("3.13.0")
    newest_313 = machine.in_pyenv("3.13.10")
    found = machine.run("all")
    assert found.stdout.splitlines() == [f"3.13.10 {newest_313}", f"3.12.4 {on_path}"]
    assert found.returncode == 0 and "no working Python 3.11" in found.stderr
    # Under CI a supported version that is neither found nor skipped fails the run.
    assert machine.run("all", CI="true").returncode == 1
    skipped = machine.run("all", CI="true", PYTHONS_SKIP="3.11 3.12")
    assert (skipped.returncode, skipped.stdout, skipped.stderr) == (
        0,
        f"3.13.10 {newest_313}\n",
        "",
    )


def _make(machine: FakeMachine, venv: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO_ROOT), f"VENV={venv}", "install"],
        env=machine.env(**extra),
        capture_output=True,
        text=True,
        check=False,
    )


def test_packaging_make_checks_python_before_making_the_venv(machine: FakeMachine) -> None:
    old = machine.on_path("python3.10", "3.10.12")
    venv = machine.root / "venv"
    made = _make(machine, venv, PYTHON=str(old))
    assert made.returncode != 0 and not venv.exists()
    assert made.stderr.splitlines()[0] == (
        f"calcminer: PYTHON={old} is Python 3.10.12; calcminer needs CPython 3.11, 3.12 or 3.13."
    )
    nothing = _make(machine, venv)
    assert nothing.returncode != 0 and not venv.exists()
    assert nothing.stderr.startswith("calcminer: found no CPython 3.11, 3.12 or 3.13 on PATH")


def test_packaging_make_rebuilds_a_venv_made_by_another_python(machine: FakeMachine) -> None:
    py311 = machine.on_path("python3.11", "3.11.9")
    venv = machine.root / "venv"
    first = _make(machine, venv)
    assert first.returncode == 0, first.stderr
    assert (venv / ".installed-stamp").read_text(encoding="utf-8") == f"3.11.9 {py311}\n"
    assert "3.11.9 -m pip install --quiet -e .[dev]" in machine.log.read_text(encoding="utf-8")
    # Made by the same interpreter, with pyproject.toml older than the stamp: nothing to do.
    again = _make(machine, venv)
    assert again.returncode == 0 and "installing" not in again.stdout
    (venv / "left-by-3.11").touch()
    py313 = machine.on_path("python3.13", "3.13.1")
    rebuilt = _make(machine, venv)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (
        f"calcminer: {venv} was made by Python 3.11.9 ({py311}); rebuilding it with"
        f" Python 3.13.1 ({py313})." in rebuilt.stdout.splitlines()
    )
    assert not (venv / "left-by-3.11").exists()
    assert (venv / ".installed-stamp").read_text(encoding="utf-8") == f"3.13.1 {py313}\n"


def test_packaging_make_demo_says_how_to_run_calcminer(machine: FakeMachine) -> None:
    """calcminer is not on PATH after `make demo`: the demo's last line (and the README's Quick
    start) say how to run it."""
    machine.on_path("python3.12", "3.12.4")
    venv = machine.root / "venv"
    assert _make(machine, venv).returncode == 0
    planned = subprocess.run(
        ["make", "--no-print-directory", "-n", "-C", str(REPO_ROOT), f"VENV={venv}", "demo"],
        env=machine.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert planned.stdout.splitlines()[-1] == (
        f'echo "calcminer is installed in {venv}, not on your PATH: run {venv}/bin/calcminer'
        f" --help, or activate the environment first (. {venv}/bin/activate) and run"
        ' calcminer --help."'
    )
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "`.venv/bin/calcminer --help`" in quick_start
    assert "`. .venv/bin/activate`" in quick_start
