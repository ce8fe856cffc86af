"""CPU time of ``Miner.mine`` for two checkouts, alternating: old, new, old, new, ...

Each run is one subprocess with its checkout on ``PYTHONPATH``: it reads the first
``--reports`` archive reports, builds a ``Miner``, mines ``--warmup`` reports untimed, calls
``gc.freeze()`` (as the CLI does), then times ``list(miner.mine(reports))`` with
``time.process_time`` ``--repeat`` times. The medians of each checkout's runs are printed,
with the machine's load average, since the machine may be shared.

A ROOT is a folder that holds a checkout as ``calcminer/`` (the repository root is the
package), the way ``git worktree add ROOT/calcminer REV`` makes one.

Usage:
    python benchmarks/mine_cpu.py --old OLD_ROOT --new NEW_ROOT \
        --archive ARCHIVE.jsonl --rounds 3
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_REPORTS = 20_000
DEFAULT_WARMUP = 200


def _child(args: argparse.Namespace) -> None:
    try:
        from calcminer.nlp.mining.miner import Miner
    except ImportError:  # a checkout from before the layered layout (issue 13)
        from calcminer.nlp.miner import Miner  # type: ignore[no-redef]
    from calcminer.nlp.schema import Report

    with args.archive.open(encoding="utf-8") as lines:
        rows = map(json.loads, itertools.islice(lines, args.reports))
        reports = [Report(r["report_id"], r["text"]) for r in rows]
    miner = Miner()
    list(miner.mine(reports[: args.warmup]))
    gc.freeze()
    for _ in range(args.repeat):
        start = time.process_time()
        list(miner.mine(reports))
        print(time.process_time() - start, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--old", help="PYTHONPATH of the old checkout")
    parser.add_argument("--new", help="PYTHONPATH of the new checkout")
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--reports", type=int, default=DEFAULT_REPORTS)
    parser.add_argument("--warmup", type=int, default=DEFAULT_WARMUP)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per process")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    times: dict[str, list[float]] = {"old": [], "new": []}
    for round_ in range(args.rounds):
        for side in ("old", "new"):
            command = [sys.executable, __file__, "--child", "--archive", str(args.archive)]
            command += ["--reports", str(args.reports), "--warmup", str(args.warmup)]
            command += ["--repeat", str(args.repeat)]
            env = {**os.environ, "PYTHONPATH": getattr(args, side)}
            out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            runs = [float(x) for x in out.stdout.split()]
            times[side] += runs
            load = os.getloadavg()[0]
            print(f"round {round_} {side}: {' '.join(f'{t:.2f}' for t in runs)} (load {load:.2f})")
    old, new = statistics.median(times["old"]), statistics.median(times["new"])
    print(f"median old {old:.2f} s, new {new:.2f} s, new/old {new / old:.3f}")


if __name__ == "__main__":
    main()
