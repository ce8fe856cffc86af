"""The error catalogue and how the library raises (spaCy's ``tests/test_errors.py``, and its
code conventions: every error carries a code, no naked ``assert``).

- every message of :class:`Errors` and :class:`Warnings` starts with the code that is its
  attribute name, codes are unique, internal invariants (E9xx) say "this is a bug";
- no ``raise ValueError/TypeError/KeyError/AssertionError`` and no ``assert`` in ``nlp/`` or
  ``cli.py`` (read with ``ast``), but the few listed in :data:`ALLOWED`, each with its reason;
- the internal invariants raise their coded errors.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from suite_env import REPO_ROOT

from calcminer.nlp.errors import (
    CalcminerError,
    Errors,
    InputError,
    OutputError,
    PatternError,
    Warnings,
)
from calcminer.nlp.schema import Report

ROOT = REPO_ROOT
ERRORS_FILE = ROOT / "nlp" / "errors.py"
#: A catalogue message starts with its code and a space.
CODE = re.compile(r"^([EW])(\d{3}) ")
#: Exceptions the library never raises bare: it raises coded CalcminerErrors instead.
BARE = frozenset({"ValueError", "TypeError", "KeyError", "AssertionError", "RuntimeError"})
#: The bare raises allowed, by (file, function) -> (exceptions, why): none today. An entry
#: names its reason; the test fails on an entry that no longer matches anything.
ALLOWED: dict[tuple[str, str], tuple[frozenset[str], str]] = {}


def _catalogue(cls: type) -> Iterator[tuple[str, Any]]:
    """The public attributes a catalogue class defines (its codes)."""
    return ((name, value) for name, value in vars(cls).items() if not name.startswith("_"))


@pytest.mark.parametrize("cls", [Errors, Warnings])
def test_errors_every_message_starts_with_its_own_code(cls: type) -> None:
    letter = cls.__name__[0]
    names = []
    for name, message in _catalogue(cls):
        assert isinstance(message, str), name
        found = CODE.match(message)
        assert found is not None, f"{name}: the message does not start with a code"
        assert found.group(1) == letter, f"{name}: an {found.group(1)} code in {cls.__name__}"
        assert message.split(" ", 1)[0] == name, f"{name}: the message has another code"
        names.append(name)
    assert names, cls.__name__


def test_errors_codes_are_defined_once() -> None:
    """A code assigned twice in a class body silently keeps the last message: read the
    source, not the class."""
    tree = ast.parse(ERRORS_FILE.read_text(encoding="utf-8"))
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or node.name not in {"Errors", "Warnings"}:
            continue
        targets = [
            target.id
            for statement in node.body
            if isinstance(statement, ast.Assign)
            for target in statement.targets
            if isinstance(target, ast.Name)
        ]
        repeated = sorted({name for name in targets if targets.count(name) > 1})
        assert repeated == [], f"{node.name} defines {repeated} more than once"
        catalogue = {"Errors": Errors, "Warnings": Warnings}[node.name]
        assert set(targets) == {name for name, _ in _catalogue(catalogue)}, node.name


def test_errors_internal_invariants_say_this_is_a_bug() -> None:
    bugs = [name for name, _ in _catalogue(Errors) if name.startswith("E9")]
    assert bugs
    for name in bugs:
        assert getattr(Errors, name).endswith("this is a bug."), name


@pytest.mark.parametrize("cls", [CalcminerError, PatternError, InputError, OutputError])
def test_errors_code_is_read_from_the_message(cls: type[CalcminerError]) -> None:
    error = cls(Errors.E212.format(detail="a detail"))
    assert isinstance(error, CalcminerError)
    assert error.code == "E212"


# --- no bare raises, no naked assert -------------------------------------------------------------


def _library_files() -> list[Path]:
    return sorted([*(ROOT / "nlp").rglob("*.py"), ROOT / "cli.py"])


def _bare_raises(path: Path) -> Iterator[tuple[str, str, int]]:
    """(qualified function, exception or ``assert``, line) of each bare raise and assert."""

    def visit(node: ast.AST, scope: tuple[str, ...]) -> Iterator[tuple[str, str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                yield from visit(child, (*scope, child.name))
                continue
            if isinstance(child, ast.Assert):
                yield ".".join(scope), "assert", child.lineno
            elif isinstance(child, ast.Raise) and child.exc is not None:
                raised = child.exc.func if isinstance(child.exc, ast.Call) else child.exc
                name = raised.id if isinstance(raised, ast.Name) else None
                if name is None and isinstance(raised, ast.Attribute):
                    name = raised.attr  # builtins.ValueError
                if name in BARE:
                    yield ".".join(scope), name, child.lineno
            yield from visit(child, scope)

    yield from visit(ast.parse(path.read_text(encoding="utf-8")), ())


def test_errors_library_raises_no_bare_errors_and_asserts_nothing() -> None:
    found: dict[tuple[str, str], set[str]] = {}
    unexpected = []
    for path in _library_files():
        relative = path.relative_to(ROOT).as_posix()
        for function, raised, line in _bare_raises(path):
            key = (relative, function)
            found.setdefault(key, set()).add(raised)
            if raised not in ALLOWED.get(key, (frozenset(), ""))[0]:
                unexpected.append(f"{relative}:{line} {function or '<module>'}: {raised}")
    assert unexpected == [], (
        "raise a coded CalcminerError (calcminer.nlp.errors) instead; an internal invariant "
        "is an E9xx error ending 'this is a bug.'"
    )
    stale = sorted(
        f"{key}: {sorted(raised - found.get(key, set()))}"
        for key, (raised, _) in ALLOWED.items()
        if raised - found.get(key, set())
    )
    assert stale == [], "these raises are gone: remove them from ALLOWED"


def test_errors_allowed_raises_give_a_reason() -> None:
    for key, (raised, why) in ALLOWED.items():
        assert raised <= BARE and why.strip(), key


# --- internal invariants raise coded errors ------------------------------------------------------


def test_errors_miner_without_its_section_splitter_is_e901(monkeypatch: pytest.MonkeyPatch) -> None:
    import calcminer.nlp.mining.miner as miner_module

    class FakePipeline:
        tokenizer = None

        def get_pipe(self, name: str) -> object:
            return object()

    monkeypatch.setattr(miner_module, "build_pipeline", lambda patterns: FakePipeline())
    with pytest.raises(CalcminerError) as info:
        miner_module.Miner(prefilter=False)
    assert info.value.code == "E901"


def test_errors_prefilter_steps_without_a_prefilter_are_e902(
    monkeypatch: pytest.MonkeyPatch, miner: Any
) -> None:
    monkeypatch.setattr(miner, "prefilter", None)
    with pytest.raises(CalcminerError) as info:
        miner._continued("Calcified granuloma.", [(0, 10)])
    assert info.value.code == "E902"


def _report_without_result(*args: Any, **kwargs: Any) -> Iterator[tuple[int, Report, None]]:
    yield 0, Report(report_id="r1", text="A calcified granuloma."), None


def test_errors_mine_batch_report_without_result_is_e904(
    monkeypatch: pytest.MonkeyPatch, fake_miner: Any, tmp_path: Path
) -> None:
    import calcminer.nlp.commands.batch as batch_module

    source = tmp_path / "in.jsonl"
    source.write_text('{"report_id": "r1", "text": "A calcified granuloma."}\n', encoding="utf-8")
    monkeypatch.setattr(batch_module, "mine_records", _report_without_result)
    with pytest.raises(CalcminerError) as info:
        batch_module.mine_batch([source], miner=fake_miner)
    assert info.value.code == "E904"


class _MinerWithoutResults:
    """A miner that breaks its contract: no result for any report."""

    def mine(self, reports: Any) -> Any:
        list(reports)
        return iter(())


def test_errors_audit_report_without_result_is_e205(tmp_path: Path) -> None:
    import calcminer.nlp.commands.audit as audit_module

    source = tmp_path / "archive.jsonl"
    source.write_text('{"report_id": "r1", "text": "A calcified granuloma."}\n', encoding="utf-8")
    with pytest.raises(CalcminerError) as info:
        audit_module.run_audit(source, tmp_path / "audit.csv", miner=_MinerWithoutResults())
    assert info.value.code == "E205"
    assert not (tmp_path / "audit.csv").exists()
