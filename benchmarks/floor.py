"""Throughput floor of a spaCy pipeline over the archive: what any spaCy design must pay.

Sits beside ``throughput.py`` (outside the miner's flow) and reuses its synthetic archive
(``ensure_archive``: same arguments, same cached file) and its regex baseline
(``REGEX_SCAN_PATTERN``, ``worker_regex_scan``, ``measure_regex``). In ONE process, on one
core, it times six steps over every report of the archive, each step cumulative (each one
does step a's work plus its own):

- ``a``: read lines + ``json.loads`` + lower-case + the regex scan (throughput.py's
  ``regex_scan``, in-process): the regex baseline per core;
- ``b``: a + ``spacy.blank("en")`` tokenizer (``nlp.make_doc``) on every report the regex
  hits (whole text);
- ``c``: a + that tokenizer on only the candidate sentences of hit reports (text split on
  line breaks and after ``.`` or ``;`` followed by white space; sentences the regex hits);
- ``d``: a + calcminer's full pipeline (``Miner().nlp.pipe``) on those candidate sentences,
  without section context: a lower bound on any sentence-level design;
- ``e``: a + calcminer's full pipeline on whole hit reports;
- ``f``: ``Miner().mine()`` over all reports (its own prefilter; JSON decoding included).

Each step's CPU time comes from ``time.process_time`` (so other processes on the machine
slow it far less than wall time), after an untimed warm-up on the first reports (tokenizer
caches, lazy initialisation). Each step builds its own pipeline, untimed, just before it
runs, and drops it after, so no step runs with another's caches or objects. Start-up is measured
separately, as subprocesses: ``calcminer extract`` on a 1-report file (interpreter start-up,
imports, pipeline build, worker pool, writing), and throughput.py's ``regex_scan`` worker
over the whole archive, whose fixed cost (wall time minus its scan time) is the start-up of
the regex baseline.

For an archive of ``--archive-reports`` reports (200,000, the issue's size) it then prints
the ideal 2-core end-to-end rate of each step,
``N / (startup_s + N * us_per_report / 2 / 1e6)`` (perfect parallelism, no parent-process
work, no output), and divides it by the regex scan's whole-process rate at the same size
(the scan is single-process, so that is its 2-core figure too). That ratio is the one the
archive-scale issue's ``>= 0.2x`` target applies to.

Usage:
    .venv/bin/python benchmarks/floor.py --reports 20000
    .venv/bin/python benchmarks/floor.py --reports 20000 --repeat 3 --json out/floor.json

Run as a script: ``import throughput`` resolves because Python puts the script's folder
first on ``sys.path``.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import platform
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Literal

import throughput

# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------

#: Archive size for the per-report costs (per-report figures settle well below 200k).
DEFAULT_REPORTS = 20_000
#: Archive size the issue's targets are stated for.
DEFAULT_ARCHIVE_REPORTS = 200_000
#: Cores the issue's targets are stated for.
TARGET_CORES = 2
#: Reports each spaCy step runs on, untimed, before it is timed.
DEFAULT_WARMUP_REPORTS = 300
#: Timed runs of each step, and runs of each subprocess (start-ups, regex scan); the fastest
#: run counts.
DEFAULT_REPEAT = 1
DEFAULT_PROCESS_RUNS = 3
#: Candidate sentence boundaries: a line break, or white space after ``.`` or ``;``.
SENTENCE_SPLIT_PATTERN = r"\n|(?<=[.;])\s+"
#: A minimal spaCy process, for the note on start-up: import and a blank English pipeline.
SPACY_BLANK_STARTUP_CODE = "import spacy; spacy.blank('en')"

US_PER_S = 1e6

# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Tally:
    """What a step saw: reports read, reports the regex hit, texts given to spaCy."""

    reports: int = 0
    hit_reports: int = 0
    regex_hits: int = 0
    spacy_texts: int = 0
    spacy_chars: int = 0
    tokens: int = 0
    positives: int = 0


#: A step body: (archive, report limit or None for all, tally to fill) -> None.
StepBody = Callable[[Path, int | None, _Tally], None]
#: Builds a step's pipeline and returns its body (called untimed, just before the step).
StepBuilder = Callable[[], StepBody]
#: Which start-up a step pays end to end.
StartupKind = Literal["python", "calcminer"]


@dataclasses.dataclass(frozen=True)
class StepSpec:
    """One step of the floor.

    Attributes:
        step: Its letter (``a`` ... ``f``).
        name: Short name for the table.
        description: What it runs, for the notes.
        startup: Which start-up it pays end to end: ``python`` (the regex scan process's
            fixed cost) or ``calcminer`` (``calcminer extract`` on one report).
        build: Builds the step's pipeline and returns the work (a function of the archive,
            a report limit and a tally).
    """

    step: str
    name: str
    description: str
    startup: StartupKind
    build: StepBuilder


@dataclasses.dataclass(frozen=True)
class StepResult:
    """The timed run of one step over the whole archive.

    Attributes:
        step: Its letter.
        name: Short name.
        description: What it runs.
        startup: Which start-up it pays (``python`` or ``calcminer``).
        reports: Reports read.
        hit_reports: Reports the regex hit.
        regex_hits: All regex matches.
        spacy_texts: Texts given to spaCy (reports or sentences; 0 for step a).
        spacy_chars: Characters in those texts.
        tokens: Tokens spaCy made.
        positives: Reports with a calcification (step f only).
        cpu_seconds: CPU time of the fastest timed run (``time.process_time``).
        wall_seconds: Wall time of that run.
        other_load: Cores used on average by other processes during that run (None
            without ``/proc/stat``).
        cpu_seconds_runs: CPU time of every timed run.
    """

    step: str
    name: str
    description: str
    startup: StartupKind
    reports: int
    hit_reports: int
    regex_hits: int
    spacy_texts: int
    spacy_chars: int
    tokens: int
    positives: int
    cpu_seconds: float
    wall_seconds: float
    other_load: float | None
    cpu_seconds_runs: tuple[float, ...]

    @property
    def us_per_report(self) -> float:
        """CPU microseconds per report (all reports, hit or not)."""
        return self.cpu_seconds * US_PER_S / self.reports

    @property
    def reports_per_s(self) -> float:
        """Reports per CPU second: the rate of one core."""
        return self.reports / self.cpu_seconds


def ideal_rate(
    n_archive: int, startup_s: float, us_per_report: float, cores: int = TARGET_CORES
) -> float:
    """End-to-end reports/s of an ideal run: start-up once, then the per-report CPU cost
    spread perfectly over ``cores`` (no parent-process work, no output).

    Args:
        n_archive: Reports in the archive.
        startup_s: Start-up seconds paid once.
        us_per_report: CPU microseconds per report.
        cores: Cores working in parallel.

    Returns:
        ``n_archive / (startup_s + n_archive * us_per_report / cores / 1e6)``.
    """
    return n_archive / (startup_s + n_archive * us_per_report / cores / US_PER_S)


def _hit_texts(archive: Path, limit: int | None, tally: _Tally) -> Iterator[str]:
    """The texts of the reports the regex hits, after step a's work on every report (the
    same reading and matching as throughput.py's ``worker_regex_scan``)."""
    pattern = re.compile(throughput.REGEX_SCAN_PATTERN)
    for text in throughput._read_texts(archive, limit):
        tally.reports += 1
        found = len(pattern.findall(text.lower()))
        tally.regex_hits += found
        if found:
            tally.hit_reports += 1
            yield text


def _candidate_sentences(archive: Path, limit: int | None, tally: _Tally) -> Iterator[str]:
    """The sentences of hit reports that the regex hits."""
    pattern = re.compile(throughput.REGEX_SCAN_PATTERN)
    splitter = re.compile(SENTENCE_SPLIT_PATTERN)
    for text in _hit_texts(archive, limit, tally):
        for sentence in splitter.split(text):
            if pattern.search(sentence.lower()):
                yield sentence


def _counted(texts: Iterator[str], tally: _Tally) -> Iterator[str]:
    for text in texts:
        tally.spacy_texts += 1
        tally.spacy_chars += len(text)
        yield text


def _regex_step() -> StepBody:
    def body(archive: Path, limit: int | None, tally: _Tally) -> None:
        if limit is not None:
            # worker_regex_scan reads the whole archive; step a needs no warm-up.
            return
        result = throughput.worker_regex_scan(archive)
        tally.reports += result["reports"]
        tally.regex_hits += result["hits"]
        tally.hit_reports += result["reports_with_hit"]

    return body


def _tokenizer_step(sentences: bool) -> StepBody:
    import spacy

    make_doc = spacy.blank("en").make_doc
    source = _candidate_sentences if sentences else _hit_texts

    def body(archive: Path, limit: int | None, tally: _Tally) -> None:
        for text in _counted(source(archive, limit, tally), tally):
            tally.tokens += len(make_doc(text))

    return body


def _pipeline_step(sentences: bool) -> StepBody:
    try:
        from calcminer.nlp.mining.miner import Miner
    except ImportError:  # a checkout from before the layered layout (issue 13)
        from calcminer.nlp.miner import Miner  # type: ignore[no-redef]

    miner = Miner()
    source = _candidate_sentences if sentences else _hit_texts

    def body(archive: Path, limit: int | None, tally: _Tally) -> None:
        texts = _counted(source(archive, limit, tally), tally)
        for doc in miner.nlp.pipe(texts, batch_size=miner.batch_size):
            tally.tokens += len(doc)

    return body


def _miner_step() -> StepBody:
    try:
        from calcminer.nlp.mining.miner import Miner
    except ImportError:  # a checkout from before the layered layout (issue 13)
        from calcminer.nlp.miner import Miner  # type: ignore[no-redef]
    from calcminer.nlp.schema import Report

    miner = Miner()

    def reports(archive: Path, limit: int | None, tally: _Tally) -> Iterator[Report]:
        with archive.open(encoding="utf-8") as handle:
            for line in handle:
                if limit is not None and tally.reports >= limit:
                    return
                if line.strip():
                    record = json.loads(line)
                    tally.reports += 1
                    yield Report(report_id=record["report_id"], text=record["text"])

    def body(archive: Path, limit: int | None, tally: _Tally) -> None:
        for result in miner.mine(reports(archive, limit, tally)):
            tally.positives += result.calcification

    return body


def build_steps() -> list[StepSpec]:
    """The six steps. Each builds its own pipeline just before it runs, so no step warms
    another's caches or runs with another's pipeline in memory."""
    return [
        StepSpec(
            "a",
            "regex scan",
            "read lines + json.loads + lower() + regex findall (throughput.py worker_regex_scan)",
            "python",
            _regex_step,
        ),
        StepSpec(
            "b",
            "+ tokenizer, hit reports",
            'a + spacy.blank("en").make_doc on the whole text of every hit report',
            "calcminer",
            partial(_tokenizer_step, sentences=False),
        ),
        StepSpec(
            "c",
            "+ tokenizer, candidate sentences",
            'a + spacy.blank("en").make_doc on the candidate sentences of hit reports',
            "calcminer",
            partial(_tokenizer_step, sentences=True),
        ),
        StepSpec(
            "d",
            "+ calcminer pipeline, candidate sentences",
            "a + Miner().nlp.pipe on the candidate sentences (no section context)",
            "calcminer",
            partial(_pipeline_step, sentences=True),
        ),
        StepSpec(
            "e",
            "+ calcminer pipeline, hit reports",
            "a + Miner().nlp.pipe on the whole text of every hit report",
            "calcminer",
            partial(_pipeline_step, sentences=False),
        ),
        StepSpec(
            "f",
            "Miner().mine(), all reports",
            "json.loads + Report + Miner().mine() over all reports (its own prefilter)",
            "calcminer",
            _miner_step,
        ),
    ]


def run_step(spec: StepSpec, archive: Path, warmup: int, repeat: int) -> StepResult:
    """Build a step's pipeline, warm it up, then time it over the whole archive ``repeat``
    times (the fastest run counts). The pipeline is dropped and garbage collected after.

    Args:
        spec: The step.
        archive: The archive.
        warmup: Reports the untimed warm-up runs on (0: none).
        repeat: Timed runs.

    Returns:
        The fastest run's figures.
    """
    body = spec.build()
    if warmup > 0:
        body(archive, warmup, _Tally())
    best: tuple[float, float, float | None, _Tally] | None = None
    runs: list[float] = []
    for _ in range(max(1, repeat)):
        tally = _Tally()
        busy_before = throughput._machine_busy_seconds()
        wall_before, cpu_before = time.perf_counter(), time.process_time()
        body(archive, None, tally)
        cpu = time.process_time() - cpu_before
        wall = time.perf_counter() - wall_before
        busy_after = throughput._machine_busy_seconds()
        other = None
        if busy_before is not None and busy_after is not None and wall > 0:
            other = max(0.0, busy_after - busy_before - cpu) / wall
        runs.append(cpu)
        if best is None or cpu < best[0]:
            best = (cpu, wall, other, tally)
    del body
    gc.collect()
    assert best is not None
    cpu, wall, other, tally = best
    return StepResult(
        step=spec.step,
        name=spec.name,
        description=spec.description,
        startup=spec.startup,
        reports=tally.reports,
        hit_reports=tally.hit_reports,
        regex_hits=tally.regex_hits,
        spacy_texts=tally.spacy_texts,
        spacy_chars=tally.spacy_chars,
        tokens=tally.tokens,
        positives=tally.positives,
        cpu_seconds=cpu,
        wall_seconds=wall,
        other_load=other,
        cpu_seconds_runs=tuple(runs),
    )


# ---------------------------------------------------------------------------------------------
# Start-up and the whole-process regex baseline (subprocesses)
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Startup:
    """Wall seconds of a start-up subprocess, over several runs.

    Attributes:
        name: What was started.
        command: The command line.
        seconds: The fastest run.
        runs: Every run.
        other_load: Other processes' load during the fastest run.
    """

    name: str
    command: tuple[str, ...]
    seconds: float
    runs: tuple[float, ...]
    other_load: float | None


def measure_startup(name: str, command: Sequence[str], workdir: Path, runs: int) -> Startup:
    """Run a command ``runs`` times; the fastest wall time is its start-up.

    Raises:
        RuntimeError: When the command fails (its exit code; its output stays in the log
            folder and is not shown).
    """
    timed: list[throughput.ProcessRun] = []
    for index in range(max(1, runs)):
        run = throughput.run_measured(command, workdir / "logs", f"floor-{name}-{index}")
        if not run.ok:
            raise RuntimeError(
                f"start-up run {name!r} failed with exit code {run.returncode}; "
                f"see {workdir / 'logs'}"
            )
        timed.append(run)
    fastest = min(timed, key=lambda r: r.seconds)
    return Startup(
        name=name,
        command=tuple(command),
        seconds=fastest.seconds,
        runs=tuple(r.seconds for r in timed),
        other_load=fastest.other_load,
    )


def one_report_archive(archive: Path, workdir: Path) -> Path:
    """A copy of the archive's first report, for timing ``calcminer extract``'s start-up."""
    path = workdir / "runs" / "floor-1-report.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(encoding="utf-8") as handle:
        first = handle.readline()
    path.write_text(first, encoding="utf-8")
    return path


@dataclasses.dataclass(frozen=True)
class RegexProcess:
    """throughput.py's ``regex_scan`` as a whole process, and its rate at the issue's size.

    Attributes:
        reports: Reports in the measured archive.
        seconds: Wall time, spawn to exit.
        scan_seconds: Time inside the process from start of the scan to its end.
        fixed_seconds: ``seconds - scan_seconds`` (interpreter start-up and imports).
        reports_per_s: Measured rate.
        n_archive: The issue's archive size.
        archive_reports_per_s: Rate at ``n_archive`` reports: fixed cost once plus the scan
            time scaled (equal to the measured rate when the sizes agree).
        other_load: Other processes' load during the run.
    """

    reports: int
    seconds: float
    scan_seconds: float
    fixed_seconds: float
    reports_per_s: float
    n_archive: int
    archive_reports_per_s: float
    other_load: float | None


def measure_regex_process(
    archive: throughput.ArchiveSummary, workdir: Path, n_archive: int, runs: int
) -> RegexProcess:
    """Run throughput.py's regex scan measurement (a subprocess) ``runs`` times and scale the
    fastest run to the issue's archive size.

    Raises:
        RuntimeError: When the scan process fails.
    """
    measured = None
    for _ in range(max(1, runs)):
        run = throughput.measure_regex(archive, workdir)
        if not run.ok:
            raise RuntimeError(f"regex_scan failed with exit code {run.returncode}")
        if measured is None or run.seconds < measured.seconds:
            measured = run
    assert measured is not None
    scan_s = float(measured.detail["scan_seconds"])
    fixed_s = max(0.0, measured.seconds - scan_s)
    at_archive = n_archive / (fixed_s + scan_s * n_archive / archive.reports)
    return RegexProcess(
        reports=archive.reports,
        seconds=measured.seconds,
        scan_seconds=scan_s,
        fixed_seconds=fixed_s,
        reports_per_s=measured.reports_per_s,
        n_archive=n_archive,
        archive_reports_per_s=at_archive,
        other_load=measured.other_load,
    )


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FloorRow:
    """One row of the results table.

    Attributes:
        step: The step's figures.
        startup_seconds: The start-up it pays end to end.
        ideal_reports_per_s: Ideal end-to-end rate on TARGET_CORES cores at the issue's size.
        vs_regex: That rate / the regex scan's whole-process rate at the same size: the
            figure the issue's 0.2x target applies to.
        vs_regex_no_startup: The same with no start-up at all (the most generous bound).
    """

    step: StepResult
    startup_seconds: float
    ideal_reports_per_s: float
    vs_regex: float
    vs_regex_no_startup: float


def floor_rows(
    steps: Sequence[StepResult],
    startups: dict[StartupKind, float],
    regex: RegexProcess,
    n_archive: int,
) -> list[FloorRow]:
    """The table's rows: each step's ideal 2-core rate and its ratio to the regex scan."""
    rows = []
    for step in steps:
        startup_s = startups[step.startup]
        ideal = ideal_rate(n_archive, startup_s, step.us_per_report)
        bare = ideal_rate(n_archive, 0.0, step.us_per_report)
        rows.append(
            FloorRow(
                step=step,
                startup_seconds=startup_s,
                ideal_reports_per_s=ideal,
                vs_regex=ideal / regex.archive_reports_per_s,
                vs_regex_no_startup=bare / regex.archive_reports_per_s,
            )
        )
    return rows


def format_rows(rows: Sequence[FloorRow], n_archive: int) -> str:
    """Render the rows as an aligned plain-text table."""
    header = (
        "step",
        "reports/s per core",
        "µs/report",
        "start-up s",
        f"ideal {TARGET_CORES}-core reports/s @{n_archive:,}",
        "vs regex scan",
        "vs regex, no start-up",
    )
    table = [header]
    for row in rows:
        s = row.step
        table.append(
            (
                f"{s.step}. {s.name}",
                f"{s.reports_per_s:,.0f}",
                f"{s.us_per_report:,.1f}",
                f"{row.startup_seconds:.2f}",
                f"{row.ideal_reports_per_s:,.0f}",
                f"{row.vs_regex:.4f}x",
                f"{row.vs_regex_no_startup:.4f}x",
            )
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = []
    for r in table:
        cells = [r[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(r[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _load(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def describe(
    rows: Sequence[FloorRow],
    startups: Sequence[Startup],
    regex: RegexProcess,
    n_archive: int,
) -> list[str]:
    """Notes under the table: what each step ran, start-ups, the regex reference."""
    notes = [f"{row.step.step}. {row.step.description}" for row in rows]
    notes.append("")
    by_step = {row.step.step: row.step for row in rows}
    a = by_step.get("a")
    if a is not None:
        notes.append(
            f"regex hits: {a.hit_reports:,} of {a.reports:,} reports "
            f"({a.hit_reports / max(1, a.reports):.1%}), {a.regex_hits:,} matches."
        )
    for step in ("b", "c", "d", "e"):
        s = by_step.get(step)
        if s is not None:
            notes.append(
                f"{step}: {s.spacy_texts:,} texts to spaCy, "
                f"{s.spacy_chars / max(1, s.spacy_texts):,.0f} chars and "
                f"{s.tokens / max(1, s.spacy_texts):,.1f} tokens each."
            )
    f = by_step.get("f")
    if f is not None:
        notes.append(f"f: {f.positives:,} reports with a calcification.")
    notes.append(
        "other load (cores used by other processes) per step: "
        + ", ".join(f"{r.step.step} {_load(r.step.other_load)}" for r in rows)
        + "."
    )
    for startup in startups:
        runs = ", ".join(f"{s:.2f}" for s in startup.runs)
        notes.append(
            f"start-up {startup.name}: {startup.seconds:.2f} s (fastest of {runs}; "
            f"other load {_load(startup.other_load)}): {' '.join(startup.command[-6:])}"
        )
    notes.append(
        "regex_scan process (throughput.py, one process, fastest run): "
        f"{regex.reports:,} reports in {regex.seconds:.3f} s = "
        f"{regex.reports_per_s:,.0f} reports/s (fixed cost {regex.fixed_seconds:.3f} s, "
        f"scan {regex.scan_seconds:.3f} s; other load {_load(regex.other_load)}); "
        f"at {n_archive:,} reports: {regex.archive_reports_per_s:,.0f} reports/s."
    )
    target = throughput.TARGET_VS_REGEX_X
    notes.append(
        f'The issue\'s ">= {target:g}x the regex scan" target corresponds to the column '
        f'"vs regex scan": ideal {TARGET_CORES}-core end-to-end rate at {n_archive:,} '
        f"reports / the regex scan's whole-process rate at {n_archive:,} reports (it needs "
        f"{target * regex.archive_reports_per_s:,.0f} reports/s). Rows b-f are bounds for "
        "spaCy designs: they leave out the parent process, reading in parallel, findings "
        "and output. Row a is above 1x because its rate is spread over "
        f"{TARGET_CORES} cores and the reference is one process."
    )
    return notes


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the floor benchmark's command line."""
    parser = argparse.ArgumentParser(
        description="Per-report CPU floor of spaCy pipelines over throughput.py's synthetic "
        "archive, and the ideal 2-core end-to-end rates it allows.",
    )
    parser.add_argument("--reports", type=int, default=DEFAULT_REPORTS, help="archive size")
    parser.add_argument(
        "--prevalence",
        type=float,
        default=throughput.DEFAULT_PREVALENCE,
        help="share of liver positives",
    )
    parser.add_argument(
        "--distractor-share",
        type=float,
        default=throughput.DEFAULT_DISTRACTOR_SHARE,
        help="share of reports with distractor calcifications",
    )
    parser.add_argument("--seed", type=int, default=throughput.DEFAULT_SEED, help="seed")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=throughput.DEFAULT_WORKDIR,
        help=f"archives, outputs and logs (default {throughput.DEFAULT_WORKDIR}; shared with "
        "throughput.py, so its archives are reused)",
    )
    parser.add_argument(
        "--archive-reports",
        type=int,
        default=DEFAULT_ARCHIVE_REPORTS,
        help="archive size the ideal end-to-end rates are computed for (the issue's 200k)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=DEFAULT_WARMUP_REPORTS,
        help="reports each spaCy step runs on, untimed, before it is timed",
    )
    parser.add_argument(
        "--repeat", type=int, default=DEFAULT_REPEAT, help="timed runs per step (fastest counts)"
    )
    parser.add_argument(
        "--process-runs",
        type=int,
        default=DEFAULT_PROCESS_RUNS,
        help="runs of each subprocess: the two start-ups and the regex scan (fastest counts)",
    )
    parser.add_argument("--json", type=Path, help="write all figures to this JSON file")
    args = parser.parse_args(argv)
    if args.reports < 1 or args.archive_reports < 1:
        parser.error("--reports and --archive-reports must be at least 1")
    if not 0.0 <= args.prevalence <= 1.0:
        parser.error("--prevalence must lie in [0, 1]")
    if not 0.0 <= args.distractor_share <= 1.0:
        parser.error("--distractor-share must lie in [0, 1]")
    if args.warmup < 0 or args.repeat < 1 or args.process_runs < 1:
        parser.error("--warmup must be >= 0, --repeat and --process-runs >= 1")
    return args


def _print(text: str = "") -> None:
    print(text, flush=True)


def run_floor(args: argparse.Namespace) -> int:
    """Run the floor benchmark; print it and optionally write it as JSON.

    Returns:
        The exit code (0; a failed subprocess raises).
    """
    workdir: Path = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    load_before = throughput._load_average()
    _print(
        f"calcminer floor benchmark ({os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {platform.platform(terse=True)}; load average "
        f"{_load(load_before)} before the run)"
    )
    archive = throughput.ensure_archive(
        workdir, args.reports, args.prevalence, args.seed, args.distractor_share
    )
    _print(throughput._describe_archive(archive))
    throughput._warm_page_cache(archive.path)

    _print("running regex_scan (subprocess, throughput.py)")
    regex = measure_regex_process(archive, workdir, args.archive_reports, args.process_runs)
    one_report = one_report_archive(archive.path, workdir)
    extract = throughput.calcminer_command(one_report, workdir / "runs" / "floor-1.csv", [])
    _print("timing start-up: calcminer extract on 1 report; python + spacy.blank('en')")
    calcminer_startup = measure_startup("calcminer_extract", extract, workdir, args.process_runs)
    spacy_startup = measure_startup(
        "spacy_blank",
        [sys.executable, "-c", SPACY_BLANK_STARTUP_CODE],
        workdir,
        args.process_runs,
    )

    steps: list[StepResult] = []
    for spec in build_steps():
        _print(f"step {spec.step}: {spec.name}")
        steps.append(run_step(spec, archive.path, args.warmup, args.repeat))

    startups: dict[StartupKind, float] = {
        "python": regex.fixed_seconds,
        "calcminer": calcminer_startup.seconds,
    }
    rows = floor_rows(steps, startups, regex, args.archive_reports)
    _print()
    _print(
        f"per-report CPU (one process, one core, {archive.reports:,} reports, "
        f"fastest of {args.repeat}) and ideal {TARGET_CORES}-core end-to-end rates at "
        f"{args.archive_reports:,} reports:"
    )
    _print(format_rows(rows, args.archive_reports))
    for note in describe(rows, (calcminer_startup, spacy_startup), regex, args.archive_reports):
        _print(note)
    load_after = throughput._load_average()
    _print(f"load average after the run: {_load(load_after)}")

    if args.json:
        _write_json(
            args,
            archive,
            rows,
            regex,
            (calcminer_startup, spacy_startup),
            {"load_average_before": load_before, "load_average_after": load_after},
        )
        _print(f"wrote {args.json}")
    return 0


def _write_json(
    args: argparse.Namespace,
    archive: throughput.ArchiveSummary,
    rows: Sequence[FloorRow],
    regex: RegexProcess,
    startups: Sequence[Startup],
    machine: dict[str, Any],
) -> None:
    arguments = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    steps: dict[str, Any] = {}
    for row in rows:
        data = dataclasses.asdict(row.step)
        data.update(
            us_per_report=row.step.us_per_report,
            reports_per_s_per_core=row.step.reports_per_s,
            startup_seconds=row.startup_seconds,
            ideal_reports_per_s=row.ideal_reports_per_s,
            vs_regex=row.vs_regex,
            vs_regex_no_startup=row.vs_regex_no_startup,
        )
        steps[row.step.step] = data
    payload = {
        "benchmark": "calcminer floor",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            **machine,
        },
        "arguments": arguments,
        "archive": {
            "path": str(archive.path),
            "reports": archive.reports,
            "liver_positive": archive.liver_positive,
            "distractor_reports": archive.distractor_reports,
            "bytes": archive.bytes,
        },
        "target_cores": TARGET_CORES,
        "n_archive": args.archive_reports,
        "target_vs_regex_x": throughput.TARGET_VS_REGEX_X,
        "target_column": "vs_regex",
        "steps": steps,
        "startup": {s.name: dataclasses.asdict(s) for s in startups},
        "regex_scan_process": dataclasses.asdict(regex),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    return run_floor(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
