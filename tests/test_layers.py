"""The architecture as a test: which layer may import which, read from the source (AST).

Layers, lowest first: the shared leaves (``errors``, ``schema``); ``rules`` (load and validate
``patterns/``); ``pipeline`` (spaCy components only); ``mining`` (reports in, results out) and
``audit`` (the follow-up audit's domain); ``io`` (readers, tables, writers) and ``views`` (review
page, figures, show); ``engine`` (archives, workers, Dask); ``commands`` (one module per
command: may use every layer); above them only the facade ``api.py`` (the Python API,
re-exported from the commands) and ``cli.py``. A layer imports only from the layers it may use
(below it, and itself); ``rules``, ``pipeline``, ``mining`` and ``audit`` import no pandas and
do no file output; nothing but the facade (and ``cli.py``) imports the commands.
"""

import ast
from pathlib import Path

import pytest
from suite_env import REPO_ROOT

NLP = REPO_ROOT / "nlp"
SHARED = {"errors", "schema"}
#: layer -> the layers (and shared leaves) it may import from calcminer.nlp.
ALLOWED: dict[str, set[str]] = {
    "rules": {"rules"} | SHARED,
    "pipeline": {"pipeline", "rules"} | SHARED,
    "mining": {"mining", "pipeline", "rules"} | SHARED,
    "audit": {"audit", "rules"} | SHARED,
    "io": {"io", "audit", "rules"} | SHARED,
    "views": {"views", "io", "mining", "audit", "rules"} | SHARED,
    "engine": {"engine", "io", "mining", "pipeline", "audit", "rules"} | SHARED,
    "commands": {"commands", "engine", "views", "io", "mining", "pipeline", "audit", "rules"}
    | SHARED,
}
#: Modules at the top of nlp/ that sit in a layer: the modules kept at a documented path, in
#: the layer of the module they re-export.
TOP_MODULES: dict[str, str] = {
    "tables": "io",
    "writers": "io",
    "evaluate": "commands",
}
#: The facade above every layer (the Python API): it imports the commands and nothing else.
FACADE = "api"
#: Third-party packages a layer must not import.
_NO_TABLES = {"pandas", "pyarrow", "matplotlib", "sqlalchemy", "typer"}
FORBIDDEN_PACKAGES: dict[str, set[str]] = {
    "rules": _NO_TABLES | {"spacy", "medspacy"},
    "pipeline": _NO_TABLES,
    "mining": _NO_TABLES,
    "audit": _NO_TABLES,
    "io": {"spacy", "medspacy", "matplotlib", "typer"},
    "views": {"spacy", "medspacy", "typer"},
    "engine": {"matplotlib", "typer"},
    "commands": {"typer"},
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
            # "from calcminer.nlp import engine": from a package, a name may be a module
            if _is_package(node.module):
                found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def _is_package(module: str) -> bool:
    """Whether a ``calcminer.nlp`` module name is a package (a folder of ``nlp/``)."""
    parts = module.split(".")
    return parts[:2] == ["calcminer", "nlp"] and NLP.joinpath(*parts[2:]).is_dir()


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


@pytest.mark.parametrize(("module", "layer"), sorted(TOP_MODULES.items()))
def test_layers_top_modules_keep_to_their_layer(module: str, layer: str) -> None:
    assert _breaches(NLP / f"{module}.py", layer) == []


def test_layers_every_top_module_has_a_place() -> None:
    """A new module at the top of nlp/ must be put in a layer (or be the facade)."""
    top = {path.stem for path in NLP.glob("*.py")} - {"__init__"}
    assert top == SHARED | set(TOP_MODULES) | {FACADE}


def test_layers_only_the_facade_imports_the_commands() -> None:
    """The commands sit at the top: no layer below them imports one (only ``api.py`` and the
    ``calcminer.nlp.evaluate`` path, which re-export them)."""
    for path in NLP.rglob("*.py"):
        rel = path.relative_to(NLP)
        layer = rel.parts[0] if len(rel.parts) > 1 else TOP_MODULES.get(rel.stem, rel.stem)
        if layer in {"commands", FACADE}:
            continue
        for line, module in _imports(path):
            assert _layer_of(module) != "commands", f"{rel}:{line} imports {module}"


def test_layers_the_facade_only_re_exports_the_commands() -> None:
    modules = [module for _, module in _imports(NLP / f"{FACADE}.py") if module != "__future__"]
    assert modules and all(_layer_of(module) == "commands" for module in modules), modules


def test_layers_cli_calls_the_commands() -> None:
    """``cli.py`` parses and prints: from calcminer.nlp it imports the commands, the coded
    errors and the engine's option type, nothing else."""
    cli = NLP.parent / "cli.py"
    layers = {_layer_of(module) for _, module in _imports(cli)} - {None}
    assert "commands" in layers and layers <= {"commands", "errors", "engine"}, layers


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
    """The paths the README documents (calcminer.nlp.io.read_reports, calcminer.nlp.tables,
    calcminer.nlp.writers.write_table, calcminer.nlp.evaluate), the engine's names at its
    package and the package-level names give the same objects as the modules that define
    them (spaCy's test_factory_imports, in small)."""
    import calcminer
    from calcminer.nlp import engine, evaluate, io, schema, tables, writers
    from calcminer.nlp.commands import evaluate as commands_evaluate
    from calcminer.nlp.engine import run
    from calcminer.nlp.io import readers
    from calcminer.nlp.io import tables as io_tables
    from calcminer.nlp.io import writers as io_writers
    from calcminer.nlp.mining.miner import Miner
    from calcminer.nlp.pipeline import build, build_pipeline

    assert calcminer.Miner is Miner
    assert build_pipeline is build.build_pipeline
    assert io.read_reports is readers.read_reports
    assert io.MAX_REPORT_CHARS == schema.MAX_REPORT_CHARS
    assert tables.reports_frame is io_tables.reports_frame
    assert writers.write_table is io_writers.write_table
    assert engine.EngineOptions is run.EngineOptions
    assert evaluate.evaluate is commands_evaluate.evaluate
    assert evaluate.score is commands_evaluate.score
    assert evaluate.EvaluationResult is commands_evaluate.EvaluationResult
    with pytest.raises(AttributeError):
        io.no_such_name  # noqa: B018


#: Modules split into several (issue 13) -> the modules that now define their names.
SPLIT_MODULES: dict[str, tuple[str, ...]] = {
    "calcminer.nlp.engine.run": ("engine.assembly", "engine.chunks", "engine.inputs"),
    "calcminer.nlp.engine": ("engine.assembly", "engine.chunks", "engine.inputs"),
    "calcminer.nlp.engine.workfolder": ("engine.folder",),
    "calcminer.nlp.io.readers": ("io.records", "io.jsonl_reader", "io.csv_reader", "io.txt_reader"),
    "calcminer.nlp.io": ("io.records", "io.jsonl_reader", "io.csv_reader", "io.txt_reader"),
    "calcminer.nlp.io.writers": ("io.formats", "io.atomic", "io.stream"),
    "calcminer.nlp.writers": ("io.formats", "io.atomic", "io.stream"),
    "calcminer.nlp.commands.evaluate": ("commands.scoring",),
    "calcminer.nlp.evaluate": ("commands.scoring",),
    "calcminer.nlp.audit": ("audit.config", "audit.exams", "audit.followup"),
}


@pytest.mark.parametrize(("old", "new"), sorted(SPLIT_MODULES.items()))
def test_layers_split_modules_keep_every_name_at_its_old_path(
    old: str, new: tuple[str, ...]
) -> None:
    """Every public name of a module split out of another is importable from the old module's
    path too, as the same object."""
    from importlib import import_module

    before = import_module(old)
    for name in new:
        module = import_module(f"calcminer.nlp.{name}")
        assert module.__doc__, name
        missing = [n for n in module.__all__ if getattr(before, n, None) is not getattr(module, n)]
        assert missing == [], (name, missing)


def test_layers_no_module_imports_another_modules_private_names() -> None:
    """Shared helpers are public where they live: no ``from calcminer... import _name``."""
    private = []
    for path in [*NLP.rglob("*.py"), NLP.parent / "cli.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("calcminer"):
                names = [a.name for a in node.names if a.name.startswith("_")]
                private += [
                    f"{path.name}:{node.lineno} {name}"
                    for name in names
                    if not name.startswith("__")
                ]
    assert private == []
