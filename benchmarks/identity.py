"""Live identity check: this checkout's miner against another checkout's, on the same reports.

Mines (a) every report of the test and shared corpora (``tests/data/challenge*.jsonl``,
``tests/data/sample_reports_gold.jsonl``, ``tests/data/realphrasing/dev_*.jsonl`` and
``blind_*.jsonl``, ``$CALCMINER_SHARED/gold/dev.jsonl``, ``$CALCMINER_SHARED/realdata/*.jsonl``
and ``sample_reports/*.txt``) and (b) the first ``--archive-reports`` reports of the benchmark
archive, with the prefilter on and off, once with each checkout (each in its own
subprocess, with its own ``PYTHONPATH``), and checks that ``findings_frame``,
``reports_frame`` and ``recommendations_frame`` (when both checkouts have one) are
``.equals()`` identical. Exit code 1 on any difference.

A ROOT is a folder that holds a checkout as ``calcminer/`` (the repository root is the
package), the way ``git worktree add ROOT/calcminer REV`` makes one.

Usage:
    python benchmarks/identity.py --reference OTHER_ROOT --archive ARCHIVE.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

#: Archive reports mined by default.
DEFAULT_ARCHIVE_REPORTS = 20_000


def _reports(root: Path, shared: Path, archive: Path | None, archive_reports: int) -> Any:
    """The reports to mine, as (corpus name, list of Report)."""
    from calcminer.nlp.schema import Report

    data = root / "tests" / "data"
    paths = [
        *sorted(data.glob("challenge*.jsonl")),
        data / "sample_reports_gold.jsonl",
        *sorted((data / "realphrasing").glob("dev_*.jsonl")),
        # Blind sets too: only their outputs are compared, nothing of them is shown.
        *sorted((data / "realphrasing").glob("blind_*.jsonl")),
        shared / "gold" / "dev.jsonl",
    ]
    corpus = [
        Report(p.stem, p.read_text(encoding="utf-8"))
        for p in sorted((root / "sample_reports").glob("*.txt"))
    ]
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            corpus += [Report(r["report_id"], r["text"]) for r in map(json.loads, lines)]
    for path in sorted((shared / "realdata").glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for r in map(json.loads, lines):
                rid = str(r.get("id", r.get("report_id")))
                corpus.append(Report(rid, r.get("text") or r.get("snippet")))
    sets = [("corpus", corpus)]
    if archive is not None:
        with archive.open(encoding="utf-8") as lines:
            rows = map(json.loads, itertools.islice(lines, archive_reports))
            sets.append(("archive", [Report(r["report_id"], r["text"]) for r in rows]))
    return sets


def _child(args: argparse.Namespace) -> None:
    """Mine every set with the prefilter on and off; pickle the frames to ``args.out``."""
    import calcminer

    try:
        from calcminer.nlp.mining.miner import Miner
    except ImportError:  # a checkout from before the layered layout (issue 13)
        from calcminer.nlp.miner import Miner  # type: ignore[no-redef]
    # The documented path: it imports in every layout, before and after issue 13.
    from calcminer.nlp.tables import findings_frame, reports_frame

    try:  # older checkouts have no recommendations table
        from calcminer.nlp.tables import recommendations_frame
    except ImportError:
        recommendations_frame = None

    print("mining with", Path(calcminer.__file__).parent, file=sys.stderr)
    sets = _reports(args.root, args.shared, args.archive, args.archive_reports)
    frames = {}
    for prefilter in (True, False):
        miner = Miner(prefilter=prefilter)
        for name, reports in sets:
            results = list(miner.mine(reports))
            frames[(name, prefilter)] = (
                len(reports),
                findings_frame(results),
                reports_frame(results),
                recommendations_frame(results) if recommendations_frame else None,
            )
    with open(args.out, "wb") as out:
        pickle.dump(frames, out)


def main() -> int:
    """Run both checkouts and compare their tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reference", required=True, help="PYTHONPATH of the reference")
    parser.add_argument("--candidate", help="PYTHONPATH of the candidate (default: this one)")
    parser.add_argument("--archive", type=Path)
    parser.add_argument("--archive-reports", type=int, default=DEFAULT_ARCHIVE_REPORTS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument(
        "--shared", type=Path, default=Path(os.environ.get("CALCMINER_SHARED", "../shared"))
    )
    args = parser.parse_args()
    if args.child:
        _child(args)
        return 0
    candidate = args.candidate or str(Path(__file__).resolve().parents[2])
    with tempfile.TemporaryDirectory() as tmp:
        children = []
        for side, path in (("reference", args.reference), ("candidate", candidate)):
            command = [sys.executable, __file__, "--child", "--out", f"{tmp}/{side}.pkl"]
            command += ["--root", str(args.root), "--shared", str(args.shared)]
            command += ["--reference", args.reference]
            if args.archive is not None:
                command += ["--archive", str(args.archive)]
                command += ["--archive-reports", str(args.archive_reports)]
            env = {**os.environ, "PYTHONPATH": path}
            children.append(subprocess.Popen(command, env=env))
        if any(child.wait() for child in children):
            print("a child failed")
            return 1
        with open(f"{tmp}/reference.pkl", "rb") as a, open(f"{tmp}/candidate.pkl", "rb") as b:
            reference, candidate_frames = pickle.load(a), pickle.load(b)
    same = True
    for key in sorted(reference):
        n, fa, ra, qa = reference[key]
        _, fb, rb, qb = candidate_frames[key]
        # The recommendations tables are compared when both checkouts have one.
        same_recommendations = qa is None or qb is None or qa.equals(qb)
        equal = fa.equals(fb) and ra.equals(rb) and same_recommendations
        same &= equal
        name, prefilter = key
        print(
            f"{name:8} prefilter={'on ' if prefilter else 'off'} reports={n} "
            f"findings={len(fa)}/{len(fb)} rows={len(ra)}/{len(rb)} "
            f"recommendations={'-' if qa is None else len(qa)}/{'-' if qb is None else len(qb)} "
            f"{'IDENTICAL' if equal else 'DIFFERENT'}"
        )
    print("ALL IDENTICAL" if same else "DIFFERENCES FOUND")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
