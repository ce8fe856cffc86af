"""The suite mirrors the package: where a test module sits, and how its tests are named.

- ``tests/<package>/`` holds the tests of ``nlp/<package>/``: ``tests/mining/test_triage.py``
  tests ``nlp/mining/triage.py``; ``tests/commands/`` also holds those of ``cli.py``, the
  commands' front end. ``tests/quality/`` holds what the whole miner must do (the accuracy
  gates, real phrasing, hostile input, properties) and the checks of the suite's own scripts
  (benchmarks, planted bugs). The top level holds the tests of ``nlp/``'s own modules (``api``,
  ``audit``, ``evaluate``), of the suite's helper modules (``suite_env``) and of the repository
  as a whole (``layers``, ``layout``, ``packaging``).
- A test module is ``test_<subject>.py`` or ``test_<subject>_<more>.py``, the subject being a
  module of its package, a subpackage, or the package itself (in ``tests/quality/``, a leading
  part of the module's name); each of its tests is ``test_<subject>_<behaviour>`` (spaCy's
  convention), so a test's name says what it tests wherever it is reported.
- No ``__init__.py`` in ``tests/`` or its folders: pytest imports a test module by its base name
  (the default ``prepend`` import mode), so base names are unique across the suite, and a test
  module imports another test module only from its own folder. With an ``__init__.py`` in
  ``tests/io/`` that folder would be imported as a package ``io`` and clash with the standard
  library's; with one in ``tests/`` the import root would be the repository, itself the package
  ``calcminer``. The helper modules (``suite_env``, ``gold_rows`` ...) stay at the top of
  ``tests/`` and import from every folder (``pythonpath = ["tests"]`` in ``pyproject.toml``).
- Test modules find files through ``suite_env`` (``REPO_ROOT``, ``TESTS_DIR``, ``DATA_DIR``),
  never through their own ``__file__``: moving a test module changes no path.
- Every test file that the repository's documents and scripts name (a path, a glob, a node id)
  exists.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from suite_env import REPO_ROOT, TESTS_DIR

NLP = REPO_ROOT / "nlp"
#: The folder of the tests of the whole miner's behaviour and of the suite's scripts.
QUALITY = "quality"
#: Subjects of a package's folder besides the package's modules: ``cli.py``, at the top of the
#: repository, is the commands' front end.
EXTRA_SUBJECTS: dict[str, frozenset[str]] = {"commands": frozenset({"cli"})}
#: Subjects of the top level besides nlp/'s own modules and the suite's helper modules.
SUITE_SUBJECTS = frozenset({"layers", "layout", "packaging"})
#: Folders of tests/ that hold no test modules.
NOT_TESTS = frozenset({"data", "__pycache__"})
#: Modules of tests/ that are neither tests nor helpers.
CONFTEST = "conftest.py"
#: Files whose text may name test files.
NAMING_SUFFIXES = frozenset({".py", ".md", ".sh", ".toml"})
NAMING_FOLDERS = ("benchmarks", "docs", "sample_reports", "tests")
NAMING_FILES = ("README.md", "Makefile", "pyproject.toml", ".ci/run")
#: A test file named in a text: a path below tests/ (maybe a glob), maybe with a test's name.
NAMED_TEST_FILE = re.compile(r"(?<![\w./])tests/[\w./*?\[\]-]+?\.(?:py|sh)\b(?:::\w+)?")


def package_subjects(package: Path) -> frozenset[str]:
    """What a package's tests may be about: the package, its modules and subpackages."""
    names = {package.name}
    for path in package.rglob("*.py"):
        names.update(part for part in path.relative_to(package).with_suffix("").parts)
    names.discard("__init__")
    return frozenset(names)


def helper_modules(tests: Path) -> list[Path]:
    """The helper modules at the top of tests/ (neither tests nor the conftest)."""
    return [
        path
        for path in sorted(tests.glob("*.py"))
        if not path.name.startswith("test_") and path.name != CONFTEST
    ]


def folder_subjects(nlp: Path, tests: Path) -> dict[str, frozenset[str]]:
    """The subjects of each test folder by name (``""``: the top of tests/); tests/quality/ has
    none of its own."""
    subjects: dict[str, frozenset[str]] = {}
    for package in sorted(nlp.iterdir()):
        if (package / "__init__.py").is_file():
            extra = EXTRA_SUBJECTS.get(package.name, frozenset())
            subjects[package.name] = package_subjects(package) | extra
    top = {path.stem for path in nlp.glob("*.py")} - {"__init__"}
    helpers = {path.stem for path in helper_modules(tests)}
    subjects[""] = frozenset(top | helpers | SUITE_SUBJECTS)
    return subjects


def collected_tests(path: Path) -> list[str]:
    """The tests pytest collects from a module: its ``test*`` functions and the ``test*``
    methods of its ``Test*`` classes."""
    names: list[str] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name.startswith("test"):
                names.append(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names += [
                item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and item.name.startswith("test")
            ]
    return names


def names_subject(name: str, subject: str) -> bool:
    """Whether a test's name is ``test_<subject>`` or ``test_<subject>_<behaviour>``."""
    return name == f"test_{subject}" or name.startswith(f"test_{subject}_")


def leading_parts(stem: str) -> list[str]:
    """``"a_b_c"`` -> ``["a_b_c", "a_b", "a"]``: the leading parts of a name, longest first."""
    parts = stem.split("_")
    return ["_".join(parts[:end]) for end in range(len(parts), 0, -1)]


def subject_of(stem: str, subjects: frozenset[str] | None, tests: list[str]) -> str | None:
    """The subject of ``test_<stem>.py``: the longest leading part of the stem that is one of
    its folder's subjects; in tests/quality/ (``subjects`` None), the longest one every test
    of the module names."""
    for part in leading_parts(stem):
        if subjects is None:
            if all(names_subject(name, part) for name in tests):
                return part
        elif part in subjects:
            return part
    return None


def suite_test_modules(tests: Path) -> list[Path]:
    """Every test module of the suite."""
    return [
        path
        for path in sorted(tests.rglob("test_*.py"))
        if NOT_TESTS.isdisjoint(path.relative_to(tests).parts)
    ]


def layout_problems(tests: Path, nlp: Path) -> list[str]:
    """Modules of tests/ that sit in the wrong place or hold tests named for another subject."""
    problems: list[str] = []
    subjects = folder_subjects(nlp, tests)
    packages = ", ".join(sorted(name for name in subjects if name))
    by_stem: dict[str, list[Path]] = {}
    for path in sorted(tests.rglob("*.py")):
        where = path.relative_to(tests)
        if not NOT_TESTS.isdisjoint(where.parts):
            continue
        if path.name == "__init__.py":
            problems.append(f"{where}: no __init__.py in the suite (see tests/test_layout.py)")
            continue
        if not path.name.startswith("test_"):
            if len(where.parts) > 1 and path.name != CONFTEST:
                problems.append(f"{where}: helper modules stay at the top of tests/")
            continue
        by_stem.setdefault(path.stem, []).append(where)
        folder = "" if len(where.parts) == 1 else where.parts[0]
        if len(where.parts) > 2 or (folder and folder != QUALITY and folder not in subjects):
            problems.append(
                f"{where}: a test module sits at the top of tests/, in tests/{QUALITY}/ or in "
                f"the folder of a package of nlp/ ({packages})"
            )
            continue
        tests_in = collected_tests(path)
        stem = path.stem.removeprefix("test_")
        subject = subject_of(stem, None if folder == QUALITY else subjects[folder], tests_in)
        if subject is None:
            if folder == QUALITY:
                problems.append(f"{where}: its tests share no leading part of its name")
            else:
                place = f"nlp/{folder}/" if folder else "nlp/'s own modules or the suite's"
                problems.append(
                    f"{where}: its name starts with no module of {place}: move it to the "
                    "folder of what it tests, or rename it"
                )
            continue
        if wrong := [name for name in tests_in if not names_subject(name, subject)]:
            problems.append(f"{where}: tests not named test_{subject}_...: {', '.join(wrong)}")
    for paths in by_stem.values():
        for where in paths if len(paths) > 1 else ():
            others = ", ".join(str(other) for other in paths if other != where)
            problems.append(f"{where}: the same base name as {others}")
    return problems


def import_problems(tests: Path) -> list[str]:
    """Test modules importing a test module of another folder (importable only from its own)."""
    folders = {path.stem: path.parent for path in suite_test_modules(tests)}
    problems: list[str] = []
    for path in suite_test_modules(tests):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported = [node.module]
            elif isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            else:
                continue
            for name in imported:
                top = name.split(".")[0]
                if top in folders and folders[top] != path.parent:
                    problems.append(f"{path.relative_to(tests)} imports {top} of another folder")
    return problems


def own_file_problems(tests: Path) -> list[str]:
    """Test modules that locate files through their own ``__file__``."""
    return [
        f"{path.relative_to(tests)}: use REPO_ROOT, TESTS_DIR or DATA_DIR of suite_env"
        for path in suite_test_modules(tests)
        if any(
            isinstance(node, ast.Name) and node.id == "__file__"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]


def defined_names(path: Path) -> set[str]:
    """The functions and classes a module defines at its top."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {node.name for node in tree.body if isinstance(node, kinds)}


def named_test_file_problems(root: Path) -> list[str]:
    """Test files (paths, globs, node ids) that documents and scripts name but do not exist."""
    files = [root / name for name in NAMING_FILES]
    for folder in NAMING_FOLDERS:
        files += [
            path
            for path in sorted((root / folder).rglob("*"))
            if path.suffix in NAMING_SUFFIXES and "__pycache__" not in path.parts
        ]
    problems: list[str] = []
    for file in files:
        if not file.is_file():
            continue
        for match in NAMED_TEST_FILE.finditer(file.read_text(encoding="utf-8")):
            named, _, test = match.group().partition("::")
            if any(char in named for char in "*?["):
                found = sorted(root.glob(named))
            else:
                found = [root / named] if (root / named).is_file() else []
            if not found:
                problems.append(f"{file.relative_to(root)} names {named}: no such file")
            elif test and test not in defined_names(found[0]):
                problems.append(f"{file.relative_to(root)} names {match.group()}: no such test")
    return problems


def test_layout_test_modules_sit_in_the_folder_of_their_subject() -> None:
    assert layout_problems(TESTS_DIR, NLP) == []


def test_layout_test_modules_import_test_modules_only_from_their_folder() -> None:
    assert import_problems(TESTS_DIR) == []


def test_layout_test_modules_find_files_through_suite_env() -> None:
    assert own_file_problems(TESTS_DIR) == []


def test_layout_named_test_files_exist() -> None:
    assert named_test_file_problems(REPO_ROOT) == []


def _write(path: Path, text: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_layout_the_checks_see_misplaced_and_misnamed_modules(tmp_path: Path) -> None:
    nlp, tests = tmp_path / "nlp", tmp_path / "tests"
    for module in ("__init__", "api", "mining/__init__", "mining/triage", "commands/__init__"):
        _write(nlp / f"{module}.py")
    _write(tests / "suite_env.py")
    good = {
        "test_api.py": "def test_api_a(): pass\n",
        "test_suite_env.py": "def test_suite_env_a(): pass\n",
        "mining/test_triage_more.py": "def test_triage_a(): pass\nclass TestX:\n"
        "    def test_triage_b(self): pass\n",
        "mining/test_mining_speed.py": "def test_mining_a(): pass\n",
        "commands/test_cli.py": "def test_cli_a(): pass\n",
        "quality/test_hostile_text.py": "def test_hostile_a(): pass\n",
        "quality/test_hostile_more.py": "from test_hostile_text import X\n",
    }
    bad = {
        "test_triage.py": "starts with no module of nlp/'s own",
        "mining/test_prefilter.py": "starts with no module of nlp/mining/",
        "mining/test_findings_x.py": "starts with no module of nlp/mining/",
        "other/test_other.py": "in the folder of a package of nlp/",
        "mining/deep/test_triage_deep.py": "in the folder of a package of nlp/",
        "mining/test_triage_names.py": "tests not named test_triage_...: test_urgent, test_x",
        "quality/test_robustness.py": "share no leading part of its name",
        "mining/__init__.py": "no __init__.py",
        "mining/helper.py": "helper modules stay at the top",
        "mining/test_triage_twice.py": "the same base name as quality/test_triage_twice.py",
        "quality/test_triage_twice.py": "the same base name as mining/test_triage_twice.py",
    }
    for name, text in good.items():
        _write(tests / name, text)
    for name in bad:
        _write(tests / name, "def test_triage_ok(): pass\n")
    _write(tests / "mining/test_triage_names.py", "def test_urgent(): pass\ndef test_x(): pass\n")
    _write(tests / "quality/test_robustness.py", "def test_a(): pass\ndef test_b(): pass\n")
    problems = layout_problems(tests, nlp)
    for name, expected in bad.items():
        assert any(p.startswith(name) and expected in p for p in problems), (name, problems)
    assert not [p for p in problems if p.split(":")[0] in good], problems
    assert import_problems(tests) == []
    _write(tests / "commands/test_cli_more.py", "import test_triage_more\n__file__\n")
    assert import_problems(tests) == [
        "commands/test_cli_more.py imports test_triage_more of another folder"
    ]
    assert own_file_problems(tests) == [
        "commands/test_cli_more.py: use REPO_ROOT, TESTS_DIR or DATA_DIR of suite_env"
    ]


def test_layout_the_check_sees_a_named_test_file_that_is_gone(tmp_path: Path) -> None:
    # The names are built in pieces, so that this module names no missing file itself.
    folder = "tests"
    _write(tmp_path / folder / "mining" / "test_triage.py", "def test_triage_a(): pass\n")
    _write(
        tmp_path / "README.md",
        f"`{folder}/mining/test_triage.py`, `{folder}/mining/test_t*.py`, "
        f"`{folder}/mining/test_triage.py::test_triage_a`, `{folder}/test_triage.py`, "
        f"`{folder}/mining/test_triage.py::test_urgent`, `{folder}/quality/test_*.py`.",
    )
    assert named_test_file_problems(tmp_path) == [
        f"README.md names {folder}/test_triage.py: no such file",
        f"README.md names {folder}/mining/test_triage.py::test_urgent: no such test",
        f"README.md names {folder}/quality/test_*.py: no such file",
    ]
