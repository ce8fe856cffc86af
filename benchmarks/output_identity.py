"""Byte identity of every CLI output: this checkout's ``calcminer`` against another checkout's.

Runs the same ``calcminer`` commands with each checkout (each command in its own subprocess,
``python -m calcminer.cli`` with that checkout's ``PYTHONPATH``) on the same inputs (those of
the candidate checkout and of the shared folder), then compares every file they wrote, byte
for byte, and each command's exit code, stdout and stderr. Exit code 1 on any difference.

A ROOT is a folder that holds a checkout as ``calcminer/`` (the repository root is the
package), the way ``git worktree add ROOT/calcminer REV`` makes one. Before running, each
side checks that ``import calcminer`` really loads ``ROOT/calcminer``: the virtual
environment's editable install would otherwise answer, silently, for a wrong ROOT. Each
side's commit is printed; a checkout whose commit or tracked files change during the run
makes the run fail (exit 1) with a warning, since it proves nothing.

What runs (SR is the candidate's ``sample_reports/``; ``--quiet`` wherever a command has it,
unless ``--summaries``):

- ``make demo``'s four commands with its arguments: ``extract SR`` with ``--findings-out``
  and ``--flagged-out`` (plus ``--recommendations-out`` when both checkouts have that
  option), ``review SR``, ``figures reports.csv --from-table`` (on the side's own report
  table, as in ``make demo``) and ``audit SR/audit/archive.jsonl`` with ``--summary-out``,
  ``--overdue-out`` and ``--plot-out``;
- ``evaluate --show-mismatches`` (ids and values; never ``--show-text``) on
  ``tests/data/sample_reports_gold.jsonl``, each ``tests/data/challenge*.jsonl`` and
  ``$SHARED/gold/dev.jsonl``;
- ``extract`` on each ``$SHARED/realdata/*.jsonl``, with ``--id-col`` and ``--text-col``
  taken from the file's first record (``report_id`` or ``id``; ``text`` or ``snippet``; a
  file with neither is skipped, and the output says so). The three tables go to the three
  writers: report table as Parquet, findings as JSON Lines, flagged reports as CSV;
- ``rules``, ``rules --kind triage``, ``validate-patterns``, and ``show --no-color`` on two
  sample reports (``us-003``, urgent; ``us-029``, newlines flattened to ", ").

Normalization: none. Running one checkout twice (``--reference X --candidate X``) gives the
same bytes everywhere, with nothing masked, and nothing is masked here: every byte compared
is proven identical. What could have needed masking, and why it does not:

- The output folder's absolute path is printed by ``figures`` (``wrote triage: PATH``),
  ``audit`` (E307 names its errors file) and the non-quiet summaries. Both sides therefore run
  one after the other in the same folder (``TMP/run``, which is also the working directory;
  moved aside after each side), so the path is the same and needs no placeholder. The input
  paths (in the errors tables) are the same too: both sides read the candidate's inputs.
- Timestamps and run times: none in any output or stream (checked for the date and the hour,
  and the summaries print counts and paths only).
- Versions: Parquet files hold ``created_by parquet-cpp-arrow version ...`` of the one
  virtual environment both sides use; calcminer's own version is printed by none of these
  commands.
- PNG: calcminer saves figures without matplotlib's ``Software`` text chunk, and no PNG has
  a ``tIME`` chunk, so PNG files are compared as bytes too. When one differs, the line names
  the chunk and says whether the decoded pixels differ (a diagnosis, not a mask).

``TEXT_MASKS`` is where a precise mask would go if an output ever gained such a field; it is
empty, and ``normalize`` is the identity on every output today.

Usage:
    python benchmarks/output_identity.py --reference OLD_ROOT [--candidate NEW_ROOT]
        [--shared /work/shared] [--summaries] [--keep DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Longest excerpt of a differing line or value, per side, in characters.
EXCERPT = 56

#: Sample reports that ``show`` explains.
SHOW_REPORTS = ("us-003", "us-029")

#: Id and text columns tried, in order, on a realdata file's first record.
ID_COLUMNS = ("report_id", "id")
TEXT_COLUMNS = ("text", "snippet")

# --------------------------------------------------------------------------------------------
# Normalization

#: (pattern, replacement, why): masks applied to every text output and stream. Empty: two
#: runs of one checkout give the same bytes with nothing masked (see the module docstring).
TEXT_MASKS: list[tuple[re.Pattern[bytes], bytes, str]] = []


def is_text(data: bytes) -> bool:
    """UTF-8 without NUL bytes."""
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def normalize(
    data: bytes, masks: Sequence[tuple[re.Pattern[bytes], bytes, str]] | None = None
) -> bytes:
    """``data`` with ``masks`` (default ``TEXT_MASKS``) applied when it is text."""
    masks = TEXT_MASKS if masks is None else masks
    if masks and is_text(data):
        for pattern, replacement, _ in masks:
            data = pattern.sub(replacement, data)
    return data


# --------------------------------------------------------------------------------------------
# Where two outputs differ


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def excerpt(text: str, column: int = 0) -> str:
    """At most ``EXCERPT`` characters of ``text`` from a little before ``column``, escaped,
    with ``…`` where it was cut."""
    start = max(0, min(column - 16, len(text) - EXCERPT))
    shown = _escaped(text[start:])
    cut = len(shown) > EXCERPT
    return ("…" if start else "") + shown[:EXCERPT] + ("…" if cut else "")


def unmatched_lines(lines_a: list[bytes], lines_b: list[bytes]) -> str:
    """How many lines of each side the other lacks (as multisets), when more than one."""
    count_a, count_b = Counter(lines_a), Counter(lines_b)
    only_a, only_b = (count_a - count_b).total(), (count_b - count_a).total()
    return f" (lines the other lacks: ref {only_a}, cand {only_b})" if only_a + only_b > 2 else ""


def text_difference(a: bytes, b: bytes) -> str:
    """The first differing line of two different UTF-8 texts, with a short excerpt of each."""
    lines_a, lines_b = a.splitlines(keepends=True), b.splitlines(keepends=True)
    for number, (la, lb) in enumerate(zip(lines_a, lines_b, strict=False), start=1):
        if la != lb:
            ta, tb = la.decode("utf-8"), lb.decode("utf-8")
            column = next(
                (i for i, (x, y) in enumerate(zip(ta, tb, strict=False)) if x != y),
                min(len(ta), len(tb)),
            )
            return (
                f"line {number} col {column + 1}: "
                f"ref '{excerpt(ta, column)}' cand '{excerpt(tb, column)}'"
                + unmatched_lines(lines_a, lines_b)
            )
    number = min(len(lines_a), len(lines_b)) + 1
    longer, side = (lines_a, "ref") if len(lines_a) > len(lines_b) else (lines_b, "cand")
    extra = excerpt(longer[number - 1].decode("utf-8"))
    return f"{len(lines_a)} vs {len(lines_b)} lines; line {number} only in {side}: '{extra}'"


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes) -> list[tuple[int, bytes, int]]:
    """The chunks of a PNG as (offset, type, size with header and CRC); [] if not a PNG."""
    if not data.startswith(PNG_SIGNATURE):
        return []
    chunks, offset = [], len(PNG_SIGNATURE)
    while offset + 8 <= len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        chunks.append((offset, data[offset + 4 : offset + 8], 12 + length))
        offset += 12 + length
    return chunks


def _chunk_types(data: bytes) -> str:
    """The chunk types of a PNG in order, repeats counted: ``IHDR pHYs IDATx2 IEND``."""
    runs: list[list[Any]] = []
    for _, kind, _ in png_chunks(data):
        if runs and runs[-1][0] == kind:
            runs[-1][1] += 1
        else:
            runs.append([kind, 1])
    return " ".join(k.decode("latin-1") + (f"x{n}" if n > 1 else "") for k, n in runs)


def png_difference(a: bytes, b: bytes, offset: int) -> str:
    """Which chunk holds ``offset`` (or how the chunk lists differ), and whether the decoded
    pixels differ."""
    notes = []
    types_a, types_b = _chunk_types(a), _chunk_types(b)
    if types_a != types_b:
        notes.append(f"chunks ref '{excerpt(types_a)}' cand '{excerpt(types_b)}'")
    else:
        chunk = next((k for at, k, size in png_chunks(a) if at <= offset < at + size), None)
        if chunk is not None:
            notes.append(f"in chunk {chunk.decode('latin-1')}")
    try:
        from PIL import Image

        ia, ib = (Image.open(io.BytesIO(data)) for data in (a, b))
        if ia.size != ib.size:
            notes.append(f"image size {ia.size} vs {ib.size}")
        else:
            pa, pb = ia.convert("RGBA").tobytes(), ib.convert("RGBA").tobytes()
            if pa == pb:
                notes.append("decoded pixels equal")
            else:
                pixels = [pa[i : i + 4] != pb[i : i + 4] for i in range(0, len(pa), 4)]
                first = pixels.index(True)
                width = ia.size[0]
                notes.append(
                    f"{sum(pixels):,} pixels differ, first at x={first % width} y={first // width}"
                )
    except Exception as error:  # a diagnosis only: an unreadable image is said, not raised
        notes.append(f"not decodable ({type(error).__name__})")
    return ", ".join(notes)


def _same(x: Any, y: Any) -> bool:
    return bool(x == y or (x != x and y != y))  # NaN equals NaN here


def parquet_difference(a: bytes, b: bytes) -> str:
    """Where two Parquet files differ as tables: schema, row count, first differing cell."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq

        ta, tb = (pq.read_table(pa.BufferReader(data)) for data in (a, b))
    except Exception as error:  # a diagnosis only
        return f"not readable as Parquet ({type(error).__name__})"
    if ta.schema.names != tb.schema.names:
        names_a, names_b = ta.schema.names, tb.schema.names
        position = next(
            (i for i, (x, y) in enumerate(zip(names_a, names_b, strict=False)) if x != y),
            min(len(names_a), len(names_b)),
        )
        shown_a, shown_b = excerpt(str(names_a[position:])), excerpt(str(names_b[position:]))
        return f"columns differ from column {position + 1}: ref {shown_a} cand {shown_b}"
    if ta.num_rows != tb.num_rows:
        return f"{ta.num_rows} vs {tb.num_rows} rows"
    for name in ta.schema.names:
        ca, cb = ta.column(name), tb.column(name)
        if ca.type != cb.type:
            return f"column {name!r} type {ca.type} vs {cb.type}"
        va, vb = ca.to_pylist(), cb.to_pylist()
        row = next(
            (i for i, (x, y) in enumerate(zip(va, vb, strict=True)) if not _same(x, y)), None
        )
        if row is not None:
            return (
                f"column {name!r} row {row + 1}: "
                f"ref {excerpt(repr(va[row]))} cand {excerpt(repr(vb[row]))}"
            )
    if not ta.schema.equals(tb.schema, check_metadata=True):
        return "same cells, different schema metadata"
    return "same table, different file bytes (encoding or file metadata)"


def first_difference(name: str, a: bytes, b: bytes) -> str | None:
    """Where ``a`` (reference) and ``b`` (candidate) of output ``name`` first differ; None if
    they are equal after ``normalize``."""
    a, b = normalize(a), normalize(b)
    if a == b:
        return None
    if is_text(a) and is_text(b):
        return text_difference(a, b)
    offset = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
    if offset is None:
        offset = min(len(a), len(b))
    where = f"byte {offset:,} (sizes {len(a):,} vs {len(b):,})"
    if name.lower().endswith(".png"):
        where += "; " + png_difference(a, b, offset)
    elif name.lower().endswith(".parquet"):
        where += "; " + parquet_difference(a, b)
    return where


# --------------------------------------------------------------------------------------------
# Comparing folders


@dataclass
class Outcome:
    """One compared item: a command (exit code and streams) or an output file."""

    item: str
    difference: str | None
    detail: str = ""

    def line(self) -> str:
        if self.difference is None:
            return f"IDENTICAL  {self.item}" + (f" ({self.detail})" if self.detail else "")
        return f"DIFFERENT  {self.item}: {self.difference}"


def files_under(folder: Path) -> dict[str, Path]:
    """Every file under ``folder`` by its relative POSIX path."""
    return {
        path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file() or path.is_symlink()
    }


def compare_trees(reference: Path, candidate: Path) -> list[Outcome]:
    """Every file of both folders, by relative name: compared, or missing on one side."""
    ref_files, cand_files = files_under(reference), files_under(candidate)
    outcomes = []
    for name in sorted(ref_files.keys() | cand_files.keys()):
        if name not in cand_files or name not in ref_files:
            missing = "candidate" if name in ref_files else "reference"
            outcomes.append(Outcome(name, f"missing in {missing}"))
            continue
        a, b = ref_files[name].read_bytes(), cand_files[name].read_bytes()
        outcomes.append(Outcome(name, first_difference(name, a, b), f"{len(a):,} bytes"))
    return outcomes


# --------------------------------------------------------------------------------------------
# Commands


@dataclass
class Command:
    """One CLI call: its label and its arguments after ``python -m calcminer.cli``."""

    label: str
    argv: list[str]


@dataclass
class Ran:
    """What one command did on one side."""

    returncode: int
    stdout: bytes
    stderr: bytes
    seconds: float


@dataclass
class Side:
    """One checkout's run: its commands' results and its total time."""

    root: Path
    results: dict[str, Ran] = field(default_factory=dict)
    seconds: float = 0.0


def realdata_columns(path: Path) -> tuple[str, str] | None:
    """(id column, text column) of a JSONL file, from its first record; None if unknown."""
    with path.open(encoding="utf-8") as lines:
        first = json.loads(next(lines, "") or "{}")
    id_col = next((c for c in ID_COLUMNS if c in first), None)
    text_col = next((c for c in TEXT_COLUMNS if c in first), None)
    return None if id_col is None or text_col is None else (id_col, text_col)


def build_commands(
    inputs: Path, shared: Path, out: Path, recommendations: bool, quiet: bool = True
) -> tuple[list[Command], list[str]]:
    """The commands to run with each side, and notes about inputs left out.

    Args:
        inputs: The checkout whose test and sample inputs both sides read.
        shared: The shared folder (``gold/dev.jsonl``, ``realdata/*.jsonl``).
        out: The output folder (the same absolute path on both sides).
        recommendations: Whether both sides' ``extract`` has ``--recommendations-out``.
        quiet: Pass ``--quiet`` to the commands that have it.
    """
    sr, data, demo = inputs / "sample_reports", inputs / "tests" / "data", out / "demo"
    q = ["--quiet"] if quiet else []
    extract = ["extract", str(sr), "-o", f"{demo}/reports.csv"]
    extract += ["--findings-out", f"{demo}/findings.csv", "--flagged-out", f"{demo}/flagged.csv"]
    if recommendations:
        extract += ["--recommendations-out", f"{demo}/recommendations.csv"]
    audit = ["audit", str(sr / "audit" / "archive.jsonl"), "-o", f"{demo}/audit.csv"]
    audit += ["--summary-out", f"{demo}/audit_summary.csv"]
    audit += ["--overdue-out", f"{demo}/audit_overdue.csv", "--plot-out", f"{demo}/audit.png"]
    figures = ["figures", f"{demo}/reports.csv", "--from-table", "-o", f"{demo}/figures"]
    commands = [
        Command("demo extract", [*extract, *q]),
        Command("demo review", ["review", str(sr), "-o", f"{demo}/review.html", *q]),
        Command("demo figures", figures),
        Command("demo audit", [*audit, *q]),
    ]
    golds = [
        data / "sample_reports_gold.jsonl",
        *sorted(data.glob("challenge*.jsonl")),
        shared / "gold" / "dev.jsonl",
    ]
    for gold in golds:
        label = f"evaluate {gold.parent.name}/{gold.name}"
        commands.append(Command(label, ["evaluate", str(gold), "--show-mismatches"]))
    notes = []
    for path in sorted((shared / "realdata").glob("*.jsonl")):
        columns = realdata_columns(path)
        if columns is None:
            notes.append(f"SKIPPED    realdata/{path.name}: no id or text column")
            continue
        folder = out / "realdata" / path.stem
        argv = ["extract", str(path), "-o", f"{folder}/reports.parquet"]
        argv += ["--findings-out", f"{folder}/findings.jsonl"]
        argv += ["--flagged-out", f"{folder}/flagged.csv"]
        argv += ["--id-col", columns[0], "--text-col", columns[1], *q]
        commands.append(Command(f"extract realdata/{path.name}", argv))
    commands += [
        Command("rules", ["rules"]),
        Command("rules --kind triage", ["rules", "--kind", "triage"]),
        Command("validate-patterns", ["validate-patterns"]),
    ]
    for report in SHOW_REPORTS:
        argv = ["show", "--file", str(sr / f"{report}.txt"), "--no-color"]
        commands.append(Command(f"show {report}", argv))
    return commands, notes


def environment(root: Path) -> dict[str, str]:
    """The environment of a side's subprocesses: its ``PYTHONPATH`` and a fixed width."""
    # A fixed terminal width, so that nothing depends on the caller's terminal.
    return {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "120"}


def revision(root: Path) -> str:
    """The checkout's commit, short, with a note when it has uncommitted changes."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(root / "calcminer"), *args],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown commit"
    changed = git("status", "--porcelain", "--untracked-files=no")
    return head + (" with uncommitted changes" if changed else "")


def check_root(root: Path, cwd: Path) -> None:
    """Exit unless ``import calcminer`` with this ROOT loads ``ROOT/calcminer``."""
    probe = "import calcminer, pathlib; print(pathlib.Path(calcminer.__file__).resolve().parent)"
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        env=environment(root),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    expected = (root / "calcminer").resolve()
    if Path(loaded) != expected:
        raise SystemExit(f"PYTHONPATH={root} loads calcminer from {loaded!r}, not {expected}")


def has_option(root: Path, cwd: Path, command: str, option: str) -> bool:
    """Whether ``calcminer COMMAND --help`` of a checkout lists ``option``."""
    shown = subprocess.run(
        [sys.executable, "-m", "calcminer.cli", command, "--help"],
        env={**environment(root), "COLUMNS": "250"},  # wide: no option name cut short
        cwd=cwd,
        capture_output=True,
        check=False,
    ).stdout
    return option.encode() in shown


def run_side(
    root: Path, commands: Sequence[Command], run: Path, log: Callable[[str], None]
) -> Side:
    """Run every command with one checkout, in ``run`` (its output folder and cwd)."""
    side = Side(root)
    started = time.perf_counter()
    for command in commands:
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "calcminer.cli", *command.argv],
            env=environment(root),
            cwd=run,
            capture_output=True,
            check=False,
        )
        seconds = time.perf_counter() - began
        side.results[command.label] = Ran(done.returncode, done.stdout, done.stderr, seconds)
        log(f"  {command.label}: exit {done.returncode}, {seconds:.1f} s")
    side.seconds = time.perf_counter() - started
    return side


def compare_commands(
    commands: Iterable[Command], reference: Side, candidate: Side
) -> list[Outcome]:
    """One outcome per command: its exit code, then stdout, then stderr."""
    outcomes = []
    for command in commands:
        a, b = reference.results[command.label], candidate.results[command.label]
        difference = None
        if a.returncode != b.returncode:
            difference = f"exit code {a.returncode} vs {b.returncode}"
        for stream in ("stdout", "stderr"):
            found = first_difference(stream, getattr(a, stream), getattr(b, stream))
            if difference is None and found is not None:
                difference = f"{stream} {found}"
        detail = f"exit {a.returncode}, stdout {len(a.stdout):,} B, stderr {len(a.stderr):,} B"
        outcomes.append(Outcome(f"command {command.label}", difference, detail))
    return outcomes


def keep_streams(side: Side, folder: Path) -> None:
    """Write a side's captured streams to ``folder`` (for ``--keep``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for label, ran in side.results.items():
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", label)
        (folder / f"{stem}.stdout").write_bytes(ran.stdout)
        (folder / f"{stem}.stderr").write_bytes(ran.stderr)
        (folder / f"{stem}.exit").write_text(f"{ran.returncode}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run both checkouts and compare everything they wrote and printed."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reference", required=True, type=Path, help="ROOT of the reference")
    parser.add_argument(
        "--candidate", type=Path, help="ROOT of the candidate (default: this checkout's parent)"
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("CALCMINER_SHARED", "../shared")),
        help="shared folder (default: $CALCMINER_SHARED or ../shared)",
    )
    parser.add_argument(
        "--summaries",
        action="store_true",
        help="leave out --quiet, so that the commands' summaries are compared too",
    )
    parser.add_argument(
        "--keep", type=Path, help="copy both sides' outputs and captured streams here"
    )
    args = parser.parse_args(argv)
    # Not resolved: a checkout reached through a link keeps its ROOT (ROOT/calcminer -> repo).
    candidate = (args.candidate or Path(__file__).absolute().parents[2]).absolute()
    reference, shared = args.reference.absolute(), args.shared.absolute()
    inputs = candidate / "calcminer"
    if not (shared / "gold" / "dev.jsonl").is_file():
        raise SystemExit(f"no shared folder at {shared} (give --shared or $CALCMINER_SHARED)")

    with tempfile.TemporaryDirectory(prefix="calcminer-output-identity-") as tmp:
        run = Path(tmp) / "run"
        run.mkdir()
        for root in (reference, candidate):
            check_root(root, run)
        recommendations = all(
            has_option(root, run, "extract", "--recommendations-out")
            for root in (reference, candidate)
        )
        commands, notes = build_commands(inputs, shared, run, recommendations, not args.summaries)
        revisions = {root: revision(root) for root in (reference, candidate)}
        print(f"reference {reference} ({revisions[reference]})")
        print(f"candidate {candidate} ({revisions[candidate]})")
        print(f"inputs    {inputs}, {shared}")
        print(f"{len(commands)} commands per side, in {run} (moved aside after each side)")
        if not recommendations:
            print("--recommendations-out left out: not an option of both checkouts")
        sides = {}
        for name, root in (("reference", reference), ("candidate", candidate)):
            print(f"running the {name}", flush=True)
            sides[name] = run_side(root, commands, run, lambda text: print(text, flush=True))
            run.rename(Path(tmp) / name)
            run.mkdir()
        outcomes = compare_commands(commands, sides["reference"], sides["candidate"])
        outcomes += compare_trees(Path(tmp) / "reference", Path(tmp) / "candidate")
        if args.keep is not None:
            for name in ("reference", "candidate"):
                shutil.copytree(Path(tmp) / name, args.keep / name, dirs_exist_ok=True)
                keep_streams(sides[name], args.keep / f"{name}-streams")
    print()
    for note in notes:
        print(note)
    for outcome in outcomes:
        print(outcome.line())
    different = sum(outcome.difference is not None for outcome in outcomes)
    failed = [c.label for c in commands if sides["reference"].results[c.label].returncode]
    if failed:
        print(f"note: exit code not 0 in the reference for {len(failed)}: {', '.join(failed)}")
    print(
        f"{len(outcomes)} items compared ({len(commands)} commands, "
        f"{len(outcomes) - len(commands)} files), {different} different; run time: reference "
        f"{sides['reference'].seconds:.1f} s, candidate {sides['candidate'].seconds:.1f} s"
    )
    # A checkout that changed while its commands ran proves nothing: say so, and exit 1.
    moved = [(root, before, revision(root)) for root, before in revisions.items()]
    moved = [(root, before, now) for root, before, now in moved if now != before]
    for root, before, now in moved:
        print(f"WARNING: {root} changed during the run (was {before}, now {now}); run again")
    print("ALL IDENTICAL" if different == 0 else "DIFFERENCES FOUND")
    return 0 if different == 0 and not moved else 1


if __name__ == "__main__":
    raise SystemExit(main())
