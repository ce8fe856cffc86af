"""Dask engine: chunks mined on a ``dask.distributed`` cluster (local by default).

Each worker process builds its miner once (a worker plugin) and returns the part (Arrow
bytes) and counts of each chunk it is given; the client saves them, so the workers need no
access to the output's file system. Needs the ``dask`` extra (``pip install
'calcminer[dask]'``). The rules travel loaded, with the worker plugin: the workers need no
access to the ``--patterns`` folder.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from distributed import Client, LocalCluster, WorkerPlugin, get_worker

from calcminer.nlp.engine.chunks import ChunkJob, mine_chunk
from calcminer.nlp.rules.patterns import PatternSet
from calcminer.nlp.schema import RecordError, Report

if TYPE_CHECKING:
    from calcminer.nlp.io.formats import OutputFormat

PLUGIN_NAME = "calcminer-miner"


class MinerPlugin(WorkerPlugin):
    """Worker plugin: builds the worker's miner once, when the worker starts."""

    name = PLUGIN_NAME

    def __init__(self, patterns: PatternSet, prefilter: bool) -> None:
        self.patterns = patterns
        self.prefilter = prefilter
        self.miner: Any = None

    def setup(self, worker: Any) -> None:
        """Build the miner on the worker."""
        from calcminer.nlp.mining.miner import Miner

        self.miner = Miner(patterns=self.patterns, prefilter=self.prefilter)

    def teardown(self, worker: Any) -> None:
        """Nothing to release."""


def _mine_chunk(
    index: int,
    items: Sequence[Report | RecordError],
    render: Mapping[str, OutputFormat] | None = None,
    job: ChunkJob | None = None,
) -> Any:
    plugin = cast(MinerPlugin, get_worker().plugins[PLUGIN_NAME])
    if job is not None:
        return job(index, list(items), plugin.miner)
    return mine_chunk(index, items, plugin.miner, render)


@contextmanager
def dask_client(
    scheduler: str | None, workers: int, patterns: PatternSet, prefilter: bool
) -> Iterator[Any]:
    """A Dask client with calcminer's worker plugin registered.

    Args:
        scheduler: Address of an existing scheduler (``tcp://host:8786``); None starts a local
            cluster of ``workers`` single-threaded worker processes.
        workers: Worker processes of the local cluster.
        patterns: The loaded rules; they travel to the workers with the plugin.
        prefilter: Whether the workers' miners use the prefilter.

    Yields:
        The connected client; the local cluster is shut down on exit.
    """
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        client.register_plugin(MinerPlugin(patterns, prefilter), name=PLUGIN_NAME)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def submit_chunk(
    client: Any,
    index: int,
    items: Sequence[Report | RecordError],
    render: Mapping[str, OutputFormat] | None = None,
    job: ChunkJob | None = None,
) -> Any:
    """Submit one chunk; the future's result is its :class:`MinedChunk` (or what ``job``,
    if given, returns: see :func:`calcminer.nlp.engine.run.run_local`).

    ``render`` (role -> ``csv``/``jsonl``) has the worker encode those rows as well.
    """
    return client.submit(_mine_chunk, index, list(items), render, job, pure=False)
