"""Indexing on a Ray cluster: NER and embedding run as Ray tasks over blocks of releases; the rest on the driver.

`build_index(..., ray_address=...)` parses the input on the driver, sends blocks of BLOCK_RELEASES releases to Ray
tasks that run the very steps a local build runs (pipeline.extract_all and pipeline.embed_releases, so passage
splitting, entity extraction and Embedder.encode are one code path), and joins their results in input order. What
must see every release (the catalog vote, the keyword and vector index writes, the publish) then runs on the driver
exactly as in a local build. Each worker process loads its models once and keeps them for every later block of the
same build. A task whose worker dies (killed, out of memory, a node lost) is run again by Ray (TASK_RETRIES); its
result is only taken once, so nothing is lost or doubled.

Ray is imported here only, inside functions: a build without `--ray` never loads it.
"""
from __future__ import annotations

import itertools
import logging
import uuid
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from indexer.ingest.entities import load_nlp
from indexer.ingest.pipeline import BuildError, embed_releases, extract_all
from indexer.ingest.progress import Progress
from indexer.models.embeddings import Embedder, load_embedder
from indexer.store.records import Mention, Release
from indexer.store.vectors import PassageMap

BLOCK_RELEASES = 500  # per task: a few seconds of NER and ~1 min of MiniLM on one core, small next to a worker's start
IN_FLIGHT_PER_CPU = 2  # blocks submitted per cluster CPU at a time: one running, one queued behind it
TASK_RETRIES = 3  # runs of a block after its worker died, before the build fails
AUTO = "auto"  # --ray auto: the cluster this machine runs (RAY_ADDRESS, or `ray start`), else a local one for the build


@dataclass(frozen=True)
class ModelSource:
    """How a worker gets its models: the objects given to build_index (pickled once into Ray's object store), else
    loaded by name from the worker's own installation."""

    ner_model: str
    embedding_model: str
    nlp: Any = None
    embedder: Embedder | None = None

    def load(self) -> tuple[Any, Embedder]:
        return self.nlp or load_nlp(self.ner_model), self.embedder or load_embedder(self.embedding_model)


@dataclass(frozen=True)
class BlockResult:
    """What one block's task returns: per release its mentions, per passage its vector, and the passages' map."""

    mentions: list[list[Mention]]
    vectors: np.ndarray
    passages: PassageMap
    model: tuple[str, int, str]  # the embedder's name, dimensions and precision on that worker


# One build's models per worker process, by build key: a worker runs many blocks and loads its models for the first.
_LOADED: dict[str, tuple[Any, Embedder]] = {}


def analyse_block(key: str, source: list, releases: Sequence[Release]) -> BlockResult:
    """NER and embedding of one block (runs in a Ray worker). `source` holds the ModelSource's object reference in
    a list, so that Ray does not fetch and unpickle the models for every block, only for a worker's first."""
    if key not in _LOADED:
        import ray

        _LOADED.clear()  # a finished build's models
        _LOADED[key] = ray.get(source[0]).load()
    nlp, embedder = _LOADED[key]
    quiet = Progress(show=False)
    # One NER process: the worker is one of the cluster's processes already (Ray gives each task one CPU).
    mentions = extract_all(nlp, releases, quiet, processes=1)
    vectors, passages = embed_releases(embedder, releases, quiet)
    return BlockResult(mentions, vectors, passages, (embedder.name, embedder.dim, embedder.precision))


def analyse_on_ray(releases: Sequence[Release], progress: Progress, *, address: str, nlp, ner_model: str,
                   embedder: Embedder | None, embedding_model: str,
                   ) -> tuple[list[list[Mention]], Embedder, tuple[np.ndarray, PassageMap]]:
    """The mentions of `releases`, the embedder (loaded on the driver too, for the manifest and the query encoder)
    and the releases' passage vectors and map, computed by Ray tasks on the cluster at `address` (AUTO: see
    connect). Raises BuildError when the cluster cannot be reached or a block fails for a reason other than a
    lost worker (a model that does not load fails every retry the same way, so errors are not retried)."""
    ray = _ray()
    started = connect(address)
    try:
        source = ray.put(ModelSource(ner_model, embedding_model, nlp, embedder))
        task = ray.remote(num_cpus=1, max_retries=TASK_RETRIES, retry_exceptions=False)(analyse_block)
        key = uuid.uuid4().hex
        blocks = [releases[i : i + BLOCK_RELEASES] for i in range(0, len(releases), BLOCK_RELEASES)]
        # A few blocks in flight per CPU, not all: each submitted block's releases sit in the object store.
        in_flight = IN_FLIGHT_PER_CPU * max(1, int(ray.cluster_resources().get("CPU", 1)))
        waiting = iter(enumerate(blocks))
        pending: dict[Any, int] = {}
        results: list[BlockResult | None] = [None] * len(blocks)
        with progress.stage("ray: ner + embed", unit="release", total=len(releases)) as stage:
            while True:
                for n, block in itertools.islice(waiting, max(0, in_flight - len(pending))):
                    pending[task.remote(key, [source], block)] = n
                if not pending:
                    break
                done, _ = ray.wait(list(pending), num_returns=1)
                n = pending.pop(done[0])
                try:
                    results[n] = ray.get(done[0])
                except ray.exceptions.RayError as exc:
                    for ref in pending:  # a cluster the caller keeps would run them for nothing
                        ray.cancel(ref)
                    raise BuildError(f"a Ray task failed on releases {blocks[n][0].id} … {blocks[n][-1].id}: "
                                     f"{_cause(exc)}") from exc
                stage.advance(len(blocks[n]))
    finally:
        if started:
            ray.shutdown()
    with progress.stage("load models"):
        embedder = embedder or load_embedder(embedding_model)
    return _join(results, embedder)  # type: ignore[arg-type]  # every block is done here


def _join(results: Sequence[BlockResult], embedder: Embedder,
          ) -> tuple[list[list[Mention]], Embedder, tuple[np.ndarray, PassageMap]]:
    """The blocks' results in input order, checked to come from the driver's embedding model."""
    ours = (embedder.name, embedder.dim, embedder.precision)
    if theirs := {r.model for r in results} - {ours}:
        raise BuildError(f"the workers embedded with {sorted(theirs)}, the driver loads {ours}: install the same "
                         "model everywhere (precision 'auto' follows each CPU's bf16 support)")
    mentions = [m for r in results for m in r.mentions]
    passages = results[0].passages
    for r in results[1:]:
        passages = passages.extend(r.passages)
    vectors = np.concatenate([r.vectors for r in results]) if results else np.zeros((0, embedder.dim), np.float32)
    return mentions, embedder, (vectors, passages)


def connect(address: str) -> bool:
    """Join the Ray cluster at `address`; True when this call started Ray (the caller shuts it down).

    Already connected (a test's or a caller's own ray.init): that cluster. AUTO: the cluster RAY_ADDRESS names or
    `ray start` started on this machine, else a local one of this machine's cores. Otherwise a head's HOST:PORT
    (or ray://HOST:10001 for Ray Client)."""
    ray = _ray()
    if ray.is_initialized():
        return False
    options: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": True}
    try:
        if address == AUTO:
            ray.init(include_dashboard=False, **options)  # no address: Ray's own search, then a new local cluster
        else:
            ray.init(address=address, **options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise BuildError(f"cannot reach a Ray cluster at {address!r}: {exc}") from exc
    return True


def _cause(exc: BaseException) -> str:
    """The last line of a Ray error (its full message repeats the worker's traceback)."""
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException):
        return f"{type(cause).__name__}: {cause}"
    return str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__


def _ray():
    """The ray package, or a BuildError saying how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise BuildError("--ray needs the ray package: pip install 'announcements-search[ray]' "
                         f"(or pip install ray) on the driver and every worker ({exc})") from exc
    return ray
