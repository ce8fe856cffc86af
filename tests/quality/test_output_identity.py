"""The comparison of ``benchmarks/output_identity.py`` on small synthetic folders.

Fast: no miner runs (the script's end-to-end runs take minutes); only its folder comparison,
difference reports and normalization."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from suite_env import REPO_ROOT

SCRIPT = REPO_ROOT / "benchmarks" / "output_identity.py"


@pytest.fixture(scope="module")
def oi() -> ModuleType:
    """The script, imported as a module (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location("calcminer_benchmark_output_identity", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve annotations through sys.modules while the module executes.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _png(color: tuple[int, int, int], text: str | None = None) -> bytes:
    from PIL import Image, PngImagePlugin

    info = None
    if text is not None:
        info = PngImagePlugin.PngInfo()
        info.add_text("Software", text)
    out = io.BytesIO()
    Image.new("RGB", (4, 3), color).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


FILES = {
    "demo/reports.csv": b"report_id,triage\nus-001,benign\nus-002,none\n",
    "demo/figures/triage.png": _png((10, 20, 30)),
    "realdata/x/findings.jsonl": '{"id": "a", "unit": "мм"}\n'.encode(),
}


def test_output_identity_identical_folders(oi: ModuleType, tmp_path: Path) -> None:
    a, b = _tree(tmp_path / "a", FILES), _tree(tmp_path / "b", FILES)
    outcomes = oi.compare_trees(a, b)
    assert [o.item for o in outcomes] == sorted(FILES)
    assert all(o.difference is None for o in outcomes)
    assert outcomes[0].line().startswith("IDENTICAL  demo/figures/triage.png (")


def test_output_identity_one_byte_different_in_text(oi: ModuleType, tmp_path: Path) -> None:
    changed = {**FILES, "demo/reports.csv": FILES["demo/reports.csv"].replace(b"none", b"nonE")}
    outcomes = oi.compare_trees(_tree(tmp_path / "a", FILES), _tree(tmp_path / "b", changed))
    different = [o for o in outcomes if o.difference is not None]
    assert [o.item for o in different] == ["demo/reports.csv"]
    line = different[0].line()
    assert (
        line
        == "DIFFERENT  demo/reports.csv: line 3 col 11: ref 'us-002,none\\n' cand 'us-002,nonE\\n'"
    )


def test_output_identity_missing_and_extra_files(oi: ModuleType, tmp_path: Path) -> None:
    fewer = {k: v for k, v in FILES.items() if not k.endswith(".jsonl")}
    more = {**FILES, "demo/reports.errors.csv": b"source,line\n"}
    outcomes = {
        o.item: o.difference
        for o in oi.compare_trees(_tree(tmp_path / "a", fewer), _tree(tmp_path / "b", more))
    }
    assert outcomes["realdata/x/findings.jsonl"] == "missing in reference"
    assert outcomes["demo/reports.errors.csv"] == "missing in reference"
    assert outcomes["demo/reports.csv"] is None


def test_output_identity_lines_added_and_long_lines_cut(oi: ModuleType) -> None:
    a = b"header\n" + b"x" * 300 + b"\n"
    assert oi.first_difference("t.csv", a, a + b"extra row\n") == (
        "2 vs 3 lines; line 3 only in cand: 'extra row\\n'"
    )
    b = b"header\n" + b"x" * 200 + b"Y" + b"x" * 99 + b"\n"
    found = oi.first_difference("t.csv", a, b)
    assert found.startswith("line 2 col 201: ref '…")
    # each excerpt is short, whatever the line length
    assert all(len(part) < 120 for part in found.split("'"))
    assert len(found) < 200
    # more than one line changed: how many lines each side has that the other lacks
    two = oi.first_difference("t.csv", b"a\nb\nc\nd\n", b"a\nB\nc\nD\n")
    assert two == "line 2 col 1: ref 'b\\n' cand 'B\\n' (lines the other lacks: ref 2, cand 2)"


def test_output_identity_binary_difference_names_png_chunk_and_pixels(
    oi: ModuleType, tmp_path: Path
) -> None:
    changed = {**FILES, "demo/figures/triage.png": _png((10, 20, 31))}
    outcomes = oi.compare_trees(_tree(tmp_path / "a", FILES), _tree(tmp_path / "b", changed))
    (png,) = [o for o in outcomes if o.difference is not None]
    assert png.item == "demo/figures/triage.png"
    assert re.fullmatch(
        r"byte \d+ \(sizes [\d,]+ vs [\d,]+\); in chunk IDAT, 12 pixels differ, first at x=0 y=0",
        png.difference,
    )


def test_output_identity_png_metadata_is_compared_not_stripped(oi: ModuleType) -> None:
    # Same pixels, a Software text chunk on one side only: a difference, said as such.
    found = oi.first_difference("a.png", _png((1, 2, 3)), _png((1, 2, 3), "matplotlib 3.9"))
    assert found is not None
    assert found.endswith(
        "; chunks ref 'IHDR IDAT IEND' cand 'IHDR tEXt IDAT IEND', decoded pixels equal"
    )


def test_output_identity_parquet_difference_names_the_cell(oi: ModuleType) -> None:
    import pandas as pd

    def parquet(triage: str) -> bytes:
        out = io.BytesIO()
        pd.DataFrame({"report_id": ["a", "b"], "triage": ["none", triage]}).to_parquet(out)
        return out.getvalue()

    found = oi.first_difference("r.parquet", parquet("benign"), parquet("urgent"))
    assert found is not None
    assert found.endswith("column 'triage' row 2: ref 'benign' cand 'urgent'")


def test_output_identity_nothing_is_masked_by_default(oi: ModuleType) -> None:
    # Two runs of one checkout give the same bytes: no mask is needed, so a timestamp that
    # appeared in an output would be reported, not hidden.
    assert oi.TEXT_MASKS == []
    a, b = b"run at 2026-12-07T02:16:22\nrows 41\n", b"run at 2026-12-07T02:17:05\nrows 41\n"
    assert oi.first_difference("log.txt", a, b) == (
        "line 1 col 23: ref 'run at 2026-12-07T02:16:22\\n' cand 'run at 2026-12-07T02:17:05\\n'"
    )


def test_output_identity_a_mask_hides_only_what_it_matches(
    oi: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamp = re.compile(rb"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\b")
    monkeypatch.setattr(oi, "TEXT_MASKS", [(stamp, b"<TIMESTAMP>", "test")])
    a, b = b"run at 2026-12-07T02:16:22\nrows 41\n", b"run at 2026-12-07T02:17:05\nrows 41\n"
    assert oi.normalize(a) == b"run at <TIMESTAMP>\nrows 41\n"
    assert oi.first_difference("log.txt", a, b) is None
    assert oi.first_difference("log.txt", a, b.replace(b"41", b"42")) == (
        "line 2 col 7: ref 'rows 41\\n' cand 'rows 42\\n'"
    )
    # binary outputs are never masked
    png = _png((1, 2, 3))
    assert oi.normalize(png + b"2026-12-07T02:16:22") == png + b"2026-12-07T02:16:22"


def test_output_identity_realdata_columns(oi: ModuleType, tmp_path: Path) -> None:
    cases = {
        "a.jsonl": '{"id": "x", "text": "t"}\n',
        "b.jsonl": '{"report_id": "x", "snippet": "t", "file": "f"}\n',
        "c.jsonl": '{"report_id": "x", "text": "t", "id": "y"}\n',
        "d.jsonl": '{"name": "x"}\n',
        "e.jsonl": "",
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = {name: oi.realdata_columns(tmp_path / name) for name in cases}
    assert found == {
        "a.jsonl": ("id", "text"),
        "b.jsonl": ("report_id", "snippet"),
        "c.jsonl": ("report_id", "text"),
        "d.jsonl": None,
        "e.jsonl": None,
    }
