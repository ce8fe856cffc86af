"""The spaCy pipeline as a whole: analysis, serialisation, multiprocessing, packaging."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import Doc

from calcminer.nlp.pipeline.build import PIPE_NAMES, build_pipeline
from calcminer.nlp.pipeline.extensions import CONTEXT_EDGES, FINDINGS, FOLLOWUP

TEXTS = [
    "LIVER: A 1.2 x 0.8 cm coarse calcification in segment IVb.\nIMPRESSION: Benign. CT advised.",
    "LIVER: Normal. No calcification.\nSPLEEN: Two calcified granulomas.",
    "US ABDOMEN\nLIVER: Multiple calcified granulomas in the right lobe, the largest 8 mm.",
    "Ultrasound findings: A strong echo with acoustic shadow in S7 of the liver, about 1.0 cm.",
    "INDICATION: evaluate for calcification.\nLIVER: Echogenic foci with dirty shadowing.",
]


def _annotations(doc: Doc) -> Any:
    """The calcminer annotations as plain JSON values (msgpack turns tuples into lists)."""
    return json.loads(
        json.dumps([doc._.get(FINDINGS), doc._.get(FOLLOWUP), doc._.get(CONTEXT_EDGES)])
    )


def test_pipeline_components_in_order(nlp: Any) -> None:
    assert tuple(nlp.pipe_names) == PIPE_NAMES


def test_pipeline_analyze_pipes_reports_no_problems(nlp: Any) -> None:
    analysis = nlp.analyze_pipes()
    assert all(not problems for problems in analysis["problems"].values())


def test_pipeline_build_returns_a_fresh_pipeline() -> None:
    first, second = build_pipeline(), build_pipeline()
    assert first is not second
    assert first.get_pipe("calcminer_targets") is not second.get_pipe("calcminer_targets")


def test_pipeline_extensions_are_primitive_and_survive_to_bytes(nlp: Any) -> None:
    for text in TEXTS:
        doc = nlp(text)
        restored = Doc(nlp.vocab).from_bytes(doc.to_bytes())
        assert _annotations(restored) == _annotations(doc)


def test_pipeline_to_disk_and_spacy_load_round_trip(nlp: Any, tmp_path: Path) -> None:
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert loaded.pipe_names == nlp.pipe_names
    for text in TEXTS:
        assert _annotations(loaded(text)) == _annotations(nlp(text))


def test_pipeline_n_process_2_equals_serial(nlp: Any) -> None:
    texts = TEXTS * 4
    serial = [_annotations(d) for d in nlp.pipe(texts)]
    parallel = [_annotations(d) for d in nlp.pipe(texts, n_process=2, batch_size=3)]
    assert parallel == serial
    assert any(findings for findings, _f, _e in serial)


def test_pipeline_no_report_text_in_doc_extensions(nlp: Any) -> None:
    doc = nlp("LIVER: A 5 mm calcified granuloma in segment VI.")
    assert "granuloma" not in repr(doc._.get(FINDINGS))


def test_pipeline_patterns_found_from_any_working_directory(tmp_path: Path) -> None:
    code = (
        "from calcminer.nlp.mining.miner import Miner;"
        "r = Miner().mine_text('LIVER: A 5 mm calcified granuloma in segment VI.');"
        "print(r.triage, r.max_size_mm, ','.join(r.segments))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["benign", "5.0", "VI"]
    assert out.stderr == ""
