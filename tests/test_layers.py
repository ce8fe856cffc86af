"""The architecture as a test: which layer may import which, read from the source (AST).

Layers, lowest first: the shared leaves (``errors``, ``schema``), ``rules`` (load and validate
``patterns/``), ``pipeline`` (spaCy components only), ``mining`` (reports in, results out).
A layer imports only from layers below it and from itself; ``pipeline`` and ``rules`` import
no pandas and do no file output. The application modules still at the top of ``nlp/`` (readers,
writers, engine, views, commands) sit above all of these.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

NLP = Path(__file__).resolve().parents[1] / "nlp"
SHARED = {"errors", "schema"}
#: layer -> the layers (and shared leaves) it may import from calcminer.nlp.
ALLOWED: dict[str, set[str]] = {
    "rules": {"rules"} | SHARED,
    "pipeline": {"pipeline", "rules"} | SHARED,
    "mining": {"mining", "pipeline", "rules"} | SHARED,
}
#: Third-party packages a layer must not import.
FORBIDDEN_PACKAGES: dict[str, set[str]] = {
    "rules": {"pandas", "pyarrow", "spacy", "medspacy", "matplotlib", "sqlalchemy", "typer"},
    "pipeline": {"pandas", "pyarrow", "matplotlib", "sqlalchemy", "typer"},
    "mining": {"pandas", "pyarrow", "matplotlib", "sqlalchemy", "typer"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports (absolute dotted names; relative imports are banned by
    ruff's TID252), at any depth (function-level imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}:{node.lineno}: relative import"
            found.append((node.lineno, node.module))
            # "from calcminer.nlp import engine" imports the module calcminer.nlp.engine
            if node.module in {"calcminer.nlp", "calcminer.nlp.pipeline", "calcminer.nlp.rules"}:
                found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def _layer_of(module: str) -> str | None:
    """The layer (or shared leaf) of a ``calcminer.nlp`` module name, None outside it."""
    parts = module.split(".")
    if parts[:2] != ["calcminer", "nlp"] or len(parts) < 3:
        return None
    return parts[2]


def _breaches(path: Path, layer: str) -> list[str]:
    """The imports of one file that its layer may not make."""
    found = []
    for line, module in _imports(path):
        target = _layer_of(module)
        if (target is not None and target not in ALLOWED[layer]) or (
            module.split(".")[0] in FORBIDDEN_PACKAGES[layer]
        ):
            found.append(f"{path.name}:{line} imports {module}")
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layers_import_only_downwards(layer: str) -> None:
    files = sorted((NLP / layer).rglob("*.py"))
    assert len(files) > 1
    assert [b for path in files for b in _breaches(path, layer)] == []


def test_layers_shared_leaves_import_no_layer() -> None:
    for name in SHARED:
        for line, module in _imports(NLP / f"{name}.py"):
            assert _layer_of(module) in (None, *SHARED), f"{name}.py:{line} imports {module}"


def test_layers_the_checker_sees_a_breach(tmp_path: Path) -> None:
    """An upward import, a function-level one and pandas in the pipeline are all caught."""
    source = tmp_path / "bad.py"
    source.write_text(
        "from calcminer.nlp.mining.miner import Miner\nimport pandas\n"
        "def f():\n    from calcminer.nlp import engine\n",
        encoding="utf-8",
    )
    breaches = _breaches(source, "pipeline")
    assert len(breaches) == 3
    assert any("calcminer.nlp.engine" in b for b in breaches)


def test_layers_have_no_import_cycles_between_layers() -> None:
    """Layer to layer, the graph is acyclic (a module may import its own layer)."""
    edges: dict[str, set[str]] = {}
    for path in NLP.rglob("*.py"):
        rel = path.relative_to(NLP)
        source = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        for _, module in _imports(path):
            target = _layer_of(module)
            if target is not None and target != source:
                edges.setdefault(source, set()).add(target)
    for layer in ALLOWED:
        seen: set[str] = set()
        stack = list(edges.get(layer, ()))
        while stack:
            node = stack.pop()
            if node == layer:
                pytest.fail(f"a cycle through {layer}: {sorted(edges.get(layer, ()))}")
            if node not in seen:
                seen.add(node)
                stack += edges.get(node, set()) & set(ALLOWED)


def test_layers_documented_paths_keep_importing() -> None:
    """The paths the README documents, and the package-level names, give the same objects
    as the modules that define them (spaCy's test_factory_imports, in small)."""
    import calcminer
    from calcminer.nlp import evaluate, io, schema, tables, writers
    from calcminer.nlp.mining.miner import Miner
    from calcminer.nlp.pipeline import build, build_pipeline

    assert calcminer.Miner is Miner
    assert build_pipeline is build.build_pipeline
    assert io.read_reports and tables.reports_frame and writers.write_table
    assert evaluate.evaluate and schema.Report
