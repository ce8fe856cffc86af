"""Audit throughput benchmark: ``calcminer audit`` against ``calcminer extract`` on one archive.

Reuses the archive generator of ``benchmarks/throughput.py`` (a deterministic synthetic
archive of dated exams: ``report_id``, ``patient_id`` with about 1.7 exams per patient,
``exam_date`` over ten years, and a text whose header names the modality; 5% liver
positives by default, so some exams are flagged index exams), cached in the work folder.
Then, in one run, each in its own measured subprocess (wall time spawn to exit, peak RSS of
the largest process from ``os.wait4``, the process tree's summed PSS):

1. ``calcminer extract ARCHIVE --workers W``;
2. ``calcminer audit ARCHIVE --workers W`` (audit, summary, overdue and errors tables);
3. ``calcminer audit ARCHIVE --workers 1``, whose tables are compared byte for byte with
   those of step 2.

It prints the figures, the ratio audit / extract (target: at least 0.8), whether the tables
are identical (target: yes), and the audit's peak memory (target: under 1 GiB at 300,000
exams). ``--memory-large N`` runs the audit once more on an archive of N exams for the
memory target. A missed target does not make it fail; a crashed process does (exit 1).

Usage:
    .venv/bin/python benchmarks/audit_throughput.py --reports 200000
    .venv/bin/python benchmarks/audit_throughput.py --reports 200000 --memory-large 300000
    .venv/bin/python benchmarks/audit_throughput.py --reports 2000 --workdir /tmp/x  # smoke
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

#: The audit's throughput against extract's on the same archive (issue 15).
TARGET_AUDIT_VS_EXTRACT = 0.8
#: Peak memory of the audit at the large size (issue 15: 300,000 exams under 1 GiB).
TARGET_AUDIT_MEMORY_MIB = 1024.0
#: The tables the audit writes, by their option.
AUDIT_TABLES = ("audit", "summary", "overdue", "errors")


def load_throughput() -> ModuleType:
    """``benchmarks/throughput.py`` as a module (its generator and its measured runs)."""
    path = Path(__file__).resolve().with_name("throughput.py")
    spec = importlib.util.spec_from_file_location("calcminer_benchmark_throughput", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def audit_paths(folder: Path) -> dict[str, Path]:
    """The audit's table paths in ``folder``."""
    return {name: folder / f"{name}.csv" for name in AUDIT_TABLES}


def audit_command(bench: ModuleType, archive: Path, folder: Path, workers: int) -> list[str]:
    """The ``calcminer audit`` command line writing every table into ``folder``."""
    base = bench.calcminer_command(archive, folder / "unused.csv", [])
    base = base[: base.index("extract")]
    paths = audit_paths(folder)
    return [
        *base,
        "audit",
        str(archive),
        "-o",
        str(paths["audit"]),
        "--summary-out",
        str(paths["summary"]),
        "--overdue-out",
        str(paths["overdue"]),
        "--errors-out",
        str(paths["errors"]),
        "--quiet",
        "--workers",
        str(workers),
    ]


def _clean(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in audit_paths(folder).values():
        path.unlink(missing_ok=True)


def measure_audit(
    bench: ModuleType, archive: Any, workdir: Path, workers: int, name: str
) -> tuple[Any, Path]:
    """Time one ``calcminer audit`` run; its tables go to ``workdir/runs/<name>/``."""
    folder = workdir / "runs" / name
    _clean(folder)
    run = bench.run_measured(
        audit_command(bench, archive.path, folder, workers), workdir / "logs", name
    )
    detail = {} if run.ok else {"stderr": run.stderr}
    return bench._measured(f"audit w{workers}", archive.reports, run, detail), folder


def measure_extract(bench: ModuleType, archive: Any, workdir: Path, workers: int) -> Any:
    """Time one ``calcminer extract`` run (the report table only, as in throughput.py)."""
    output = workdir / "runs" / f"extract-{archive.path.stem}.csv"
    output.unlink(missing_ok=True)
    command = bench.calcminer_command(archive.path, output, ["--workers", str(workers)])
    run = bench.run_measured(command, workdir / "logs", f"extract-n{archive.reports}")
    detail = {} if run.ok else {"stderr": run.stderr}
    return bench._measured(f"extract w{workers}", archive.reports, run, detail)


def identical_tables(first: Path, second: Path) -> dict[str, bool]:
    """Per audit table, whether the two runs wrote the same bytes."""
    return {
        name: path.exists() and path.read_bytes() == audit_paths(second)[name].read_bytes()
        for name, path in audit_paths(first).items()
    }


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the benchmark's command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200_000, help="archive size (exams)")
    parser.add_argument("--workers", type=int, default=2, help="workers of the timed runs")
    parser.add_argument("--prevalence", type=float, default=0.05, help="share of positives")
    parser.add_argument("--seed", type=int, default=20_240_601, help="generator seed")
    parser.add_argument("--workdir", type=Path, default=None, help="archives, outputs, logs")
    parser.add_argument(
        "--memory-large",
        type=int,
        default=0,
        help="also run the audit on an archive of this many exams (e.g. 300000) for the "
        "memory target (0: the main archive only)",
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    return parser.parse_args(argv)


def _row(m: Any) -> str:
    return (
        f"{m.method:<12}{m.reports:>9,}{m.seconds:>9.1f}{m.reports_per_s:>11,.0f}"
        f"{m.cpu_seconds:>9.1f}{m.peak_rss_mib:>10.0f}{(m.tree_pss_mib or 0):>10.0f}"
        f"{(m.other_load or 0):>7.2f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit 1 when a measured process crashed."""
    args = parse_args(argv)
    bench = load_throughput()
    workdir = args.workdir or bench.DEFAULT_WORKDIR
    share = bench.DEFAULT_DISTRACTOR_SHARE
    archive = bench.ensure_archive(workdir, args.reports, args.prevalence, args.seed, share)
    print(bench._describe_archive(archive), flush=True)
    bench._warm_page_cache(archive.path)  # every run starts with the archive in the cache
    extract = measure_extract(bench, archive, workdir, args.workers)
    audit, folder = measure_audit(bench, archive, workdir, args.workers, f"audit-w{args.workers}")
    single, single_folder = measure_audit(bench, archive, workdir, 1, "audit-w1")
    runs = [extract, audit, single]
    large = None
    if args.memory_large:
        big = bench.ensure_archive(workdir, args.memory_large, args.prevalence, args.seed, share)
        print(bench._describe_archive(big), flush=True)
        large, _ = measure_audit(bench, big, workdir, args.workers, "audit-large")
        runs.append(large)
    print(
        f"\n{'run':<12}{'exams':>9}{'seconds':>9}{'exams/s':>11}{'CPU s':>9}"
        f"{'RSS MiB':>10}{'PSS MiB':>10}{'load':>7}"
    )
    for m in runs:
        print(_row(m))
    ratio = audit.reports_per_s / extract.reports_per_s if extract.ok and audit.ok else None
    same = identical_tables(folder, single_folder) if audit.ok and single.ok else {}
    memory = (large or audit).memory_mib
    checks = {
        "audit / extract throughput": (
            ratio,
            ratio is not None and ratio >= TARGET_AUDIT_VS_EXTRACT,
            f">= {TARGET_AUDIT_VS_EXTRACT}",
        ),
        f"tables identical, 1 and {args.workers} workers": (
            same,
            bool(same) and all(same.values()),
            "all",
        ),
        f"audit peak memory MiB ({(large or audit).reports:,} exams)": (
            round(memory, 1),
            memory < TARGET_AUDIT_MEMORY_MIB,
            f"< {TARGET_AUDIT_MEMORY_MIB:g}",
        ),
    }
    print()
    for name, (value, ok, target) in checks.items():
        shown = f"{value:.3f}" if isinstance(value, float) else value
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {shown} (target {target})")
    print(
        "memory: the larger of the largest process's peak RSS and the process tree's summed "
        "PSS; load: cores used by other processes meanwhile (above a few tenths, the "
        "figures are slowed by other work)."
    )
    failed = [m for m in runs if not m.ok]
    for m in failed:
        print(f"{m.method} FAILED (exit {m.returncode}): {m.detail.get('stderr', '')[-800:]}")
    if args.json is not None:
        figures = {
            "runs": [
                {k: v for k, v in vars(m).items() if k not in {"detail", "command"}} for m in runs
            ],
            "ratio": ratio,
            "identical": same,
            "memory_mib": memory,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
