"""review, figures and extract's batch safeguards: text cleaning, size cap, duplicates,
skipped files, --strict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from calcminer.cli import app
from calcminer.nlp.errors import PatternError
from calcminer.nlp.io.readers import MAX_REPORT_CHARS, read_reports
from calcminer.nlp.pipeline.normalize import TextCleaner
from calcminer.nlp.rules.patterns import load_patterns
from calcminer.nlp.schema import RecordError

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def cleaner() -> TextCleaner:
    return TextCleaner(load_patterns().normalization["text_char_map"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5\u00a0mm", "5 mm"),
        ("0.5\u202fcm", "0.5 cm"),
        ("a\r\nb", "a \nb"),
        ("a\rb", "a\nb"),
        ("a\u2028b\u2029c\x0bd\x0ce\x85f", "a\nb\nc\nd\ne\nf"),
        ("\uff15 mm in segment \uff16", "5 mm in segment 6"),
        ("\uff2c\uff29\uff36\uff25\uff32\uff1a", "LIVER:"),
        ("800\u03bcm", "800\u00b5m"),
        ("3\u20135 mm", "3-5 mm"),
        ("1.2 \u00d7 0.8 cm", "1.2 x 0.8 cm"),
        ("plain text stays", "plain text stays"),
    ],
)
def test_batch_text_cleaner_replaces_one_for_one(
    cleaner: TextCleaner, raw: str, expected: str
) -> None:
    cleaned = cleaner(raw)
    assert cleaned == expected
    assert len(cleaned) == len(raw)


@pytest.mark.parametrize(
    "char_map",
    [{"\u00a0": "  "}, {"ab": "c"}, {"_context": {"\u03bc": {"to": "mu", "before": "m"}}}],
)
def test_batch_text_cleaner_rejects_multi_character_entries_e014(char_map: dict[str, Any]) -> None:
    with pytest.raises(PatternError) as info:
        TextCleaner(char_map)
    assert info.value.code == "E014"


@pytest.mark.parametrize(
    ("text", "size", "segments"),
    [
        ("LIVER:\u00a0A 5\u00a0mm calcified granuloma in segment VI.", 5.0, ("VI",)),
        ("LIVER: A \uff15 mm calcified granuloma in segment \uff16.", 5.0, ("VI",)),
        ("LIVER: A 500 \u00b5m calcification in segment 2.", 0.5, ("II",)),
        ("LIVER: A 800\u03bcm calcification in segment 2.", 0.8, ("II",)),
        ("ULTRASOUND\r\nLIVER: A 4 mm calcified focus in segment 3.\r\n", 4.0, ("III",)),
    ],
)
def test_batch_unicode_oddities_are_mined(miner, text: str, size: float, segments: tuple) -> None:  # type: ignore[no-untyped-def]
    result = miner.mine_text(text)
    assert (result.triage, result.max_size_mm, result.segments) == ("benign", size, segments)
    for finding in result.findings:  # offsets and quotes point into the original text
        assert finding.text == text[finding.start_char : finding.end_char]


def test_batch_oversized_report_is_an_error_row(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    rows = [
        {"report_id": "big", "text": "x" * (MAX_REPORT_CHARS + 1)},
        {"report_id": "ok", "text": "LIVER: normal."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    items = list(read_reports([path]))
    assert isinstance(items[0], RecordError) and items[0].code == "E124"
    assert str(MAX_REPORT_CHARS) in items[0].reason
    assert not isinstance(items[1], RecordError)


def test_batch_large_report_is_mined(miner) -> None:  # type: ignore[no-untyped-def]
    """A report of about 1 MB (past spaCy's default limit) is mined, in linear time."""
    text = "LIVER: normal echotexture. Spleen: calcified granuloma. " * 18_000
    text += "\nLIVER: A 4 cm calcified mass in segment 7."
    assert len(text) > 1_000_000
    result = miner.mine_text(text)
    assert result.triage == "urgent" and result.segments == ("VII",)


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_batch_duplicates_skipped_files_and_strict(tmp_path: Path) -> None:
    archive = _jsonl(
        tmp_path / "a.jsonl",
        [
            {"report_id": "a", "text": "LIVER: 5 mm calcified granuloma in segment 6."},
            {"report_id": "a", "text": "LIVER: normal."},
            {"report_id": "b", "text": "   "},
        ],
    )
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "r1.txt").write_text("LIVER: normal.", encoding="utf-8")
    (folder / "scan.png").write_bytes(PNG + b"\x00\x01")
    (folder / ".hidden").write_text("x", encoding="utf-8")
    args = ["extract", str(archive), str(folder), "-o", str(tmp_path / "r.csv"), "-w", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "check: records in 4 = report rows 3 + error rows 1: ok" in result.output
    assert "duplicate report ids: 1 repeated rows, all kept (e.g. 'a')" in result.output
    assert "skipped files (not .txt) in input folders: 1 (scan.png)" in result.output
    assert "W001" in result.output and "W002" in result.output
    table = pd.read_csv(tmp_path / "r.csv", dtype=str)
    assert list(table["report_id"]) == ["a", "a", "r1"]
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == 1
    assert "E213" in strict.output
    assert (tmp_path / "r.csv").exists()  # outputs are still written


def test_batch_strict_passes_without_errors(tmp_path: Path) -> None:
    archive = _jsonl(tmp_path / "a.jsonl", [{"report_id": "a", "text": "LIVER: normal."}])
    result = runner.invoke(
        app, ["extract", str(archive), "-o", str(tmp_path / "r.csv"), "-w", "1", "--strict"]
    )
    assert result.exit_code == 0, result.output


HOSTILE = (
    'LIVER: <script>window.__x=1</script> 5 mm calcified granuloma "><img src=x onerror=alert(1)>'
)


def test_batch_review_command(tmp_path: Path) -> None:
    archive = _jsonl(
        tmp_path / "a.jsonl",
        [
            {"report_id": "u1", "text": "LIVER: A 4 cm calcified mass in segment 7."},
            {"report_id": "n1", "text": "LIVER: No calcification."},
            {"report_id": "h1", "text": HOSTILE},
            {"report_id": "e1", "text": None},
        ],
    )
    page = tmp_path / "review.html"
    result = runner.invoke(app, ["review", str(archive), "-o", str(page)])
    assert result.exit_code == 0, result.output
    assert "check: records in 4 = reports 3 + error rows 1: ok" in result.output
    html = page.read_text(encoding="utf-8")
    assert "<script>window.__x" not in html and "<img" not in html
    assert "&lt;script&gt;window.__x=1&lt;/script&gt;" in html
    assert html.index('data-id="u1"') < html.index('data-id="n1"')  # flagged first
    assert (tmp_path / "review.errors.csv").exists()
    flagged = runner.invoke(
        app, ["review", str(archive), "-o", str(tmp_path / "f.html"), "--flagged-only"]
    )
    assert flagged.exit_code == 0
    only = (tmp_path / "f.html").read_text(encoding="utf-8")
    assert 'data-id="u1"' in only and 'data-id="n1"' not in only
    bad = runner.invoke(app, ["review", str(archive), "-o", str(tmp_path / "r.txt")])
    assert bad.exit_code == 1 and "E403" in bad.output
    strict = runner.invoke(app, ["review", str(archive), "-o", str(page), "--strict"])
    assert strict.exit_code == 1


def test_batch_figures_command_mined_and_from_table(tmp_path: Path) -> None:
    archive = _jsonl(
        tmp_path / "a.jsonl",
        [
            {"report_id": "u1", "text": "LIVER: A 4 cm calcified mass in segment 7."},
            {"report_id": "b1", "text": "LIVER: A 5 mm calcified granuloma in segment 6."},
        ],
    )
    mined = runner.invoke(app, ["figures", str(archive), "-o", str(tmp_path / "f1")])
    assert mined.exit_code == 0, mined.output
    assert "reports drawn: 2" in mined.output
    extract = runner.invoke(
        app, ["extract", str(archive), "-o", str(tmp_path / "r.csv"), "-w", "1", "-q"]
    )
    assert extract.exit_code == 0
    table = runner.invoke(
        app, ["figures", str(tmp_path / "r.csv"), "--from-table", "-o", str(tmp_path / "f2")]
    )
    assert table.exit_code == 0, table.output
    for name in ("triage.png", "sizes.png", "segments.png"):
        first = (tmp_path / "f1" / name).read_bytes()
        assert first[:8] == PNG
        assert first == (tmp_path / "f2" / name).read_bytes()  # same figures either way
    broken = _jsonl(tmp_path / "b.jsonl", [{"report_id": "x", "text": None}])
    with_errors = runner.invoke(app, ["figures", str(broken), "-o", str(tmp_path / "f4")])
    assert with_errors.exit_code == 0, with_errors.output
    assert "record errors: 1" in with_errors.output
    assert "check: records in 1 = reports 0 + error rows 1: ok" in with_errors.output
    strict = runner.invoke(app, ["figures", str(broken), "-o", str(tmp_path / "f5"), "--strict"])
    assert strict.exit_code == 1 and "E213" in strict.output
    assert pd.read_csv(tmp_path / "f4" / "errors.csv")["code"].tolist() == ["E112"]
    wrong = tmp_path / "other.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    bad = runner.invoke(app, ["figures", str(wrong), "--from-table", "-o", str(tmp_path / "f3")])
    assert bad.exit_code == 1 and "E212" in bad.output
