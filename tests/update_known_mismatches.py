"""Rewrite the known-mismatch lists of the gold sets from the current miner.

The accuracy gate (``tests/quality/test_accuracy.py``) fails on any mismatch that is not listed and
on any listed one that is fixed. After an intended change of the rules, refresh the lists
deliberately and review the diff before committing it::

    PYTHONPATH=.. python tests/update_known_mismatches.py            # every gold set
    PYTHONPATH=.. python tests/update_known_mismatches.py challenge  # one set
    PYTHONPATH=.. python tests/update_known_mismatches.py --check    # exit 1 if any would change

The output names report ids, fields and values, never report text. Files named ``blind*`` are
never scored.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gold_gates import (
    DATA_DIR,
    KNOWN_DIR,
    GoldSet,
    gold_sets,
    measured,
    read_known,
    write_known,
)

from calcminer.nlp.evaluate import evaluate

REPO_ROOT = Path(__file__).resolve().parents[1]


def refresh(
    sets: Sequence[GoldSet],
    miner: Any,
    shared_dir: Path | None,
    known_dir: Path = KNOWN_DIR,
    check: bool = False,
    data_dir: Path = DATA_DIR,
) -> tuple[list[str], bool]:
    """Score each gold set and rewrite its list where it changed.

    Args:
        sets: The gold sets.
        miner: The miner to score.
        shared_dir: The shared folder, or None when it is absent (its sets are skipped).
        known_dir: Where the lists are.
        check: Only report; write nothing.
        data_dir: The ``tests/data`` folder.

    Returns:
        One summary line per set, and whether any list changed (or would change).
    """
    lines: list[str] = []
    changed = False
    for gold_set in sets:
        if gold_set.root == "shared" and shared_dir is None:
            lines.append(f"{gold_set.name}: skipped, no shared folder (set CALCMINER_SHARED)")
            continue
        now = measured(evaluate(gold_set.path(shared_dir, data_dir), miner=miner))
        path = gold_set.known_path(known_dir)
        before = read_known(path)
        old = before.mismatches if before is not None else frozenset()
        added, removed = len(now.mismatches - old), len(old - now.mismatches)
        same = before == now
        changed = changed or not same
        verb = "unchanged" if same else ("would change" if check else "rewritten")
        lines.append(
            f"{gold_set.name}: {len(now.mismatches)} known mismatch(es) over {now.n_reports} "
            f"reports (+{added} new, -{removed} fixed), {path.name} {verb}"
        )
        if not same and not check:
            write_known(path, gold_set, now)
    return lines, changed


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: refresh the named sets (all by default)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", help="gold set names (default: all)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 on a change")
    parser.add_argument("--patterns", type=Path, help="pattern folder (default: packaged)")
    args = parser.parse_args(argv)
    sets = gold_sets()
    by_name = {s.name: s for s in sets}
    if unknown := [name for name in args.sets if name not in by_name]:
        parser.error(f"unknown gold set(s) {', '.join(unknown)}; known: {', '.join(by_name)}")
    chosen = [by_name[name] for name in args.sets] if args.sets else list(sets)
    shared = Path(os.environ.get("CALCMINER_SHARED", REPO_ROOT.parent / "shared"))
    shared_dir = shared if (shared / "gold" / "dev.jsonl").is_file() else None

    from calcminer.nlp.api import load_miner

    lines, changed = refresh(chosen, load_miner(args.patterns), shared_dir, check=args.check)
    print("\n".join(lines))
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
