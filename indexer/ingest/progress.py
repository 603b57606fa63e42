"""The one reporter of a build or an update: times each stage, shows its progress bar, and tells a watcher which
point the run has reached (the crash tests kill the process there).

    progress = Progress(show=True, on_stage=hook)
    with progress.stage("ner", unit="release", total=len(releases)) as ner:
        for release in releases:
            ...
            ner.advance()          # moves the bar; the first advance reports "ner" reached
    progress.seconds               # {"ner": 12.3, ...}: a stage entered twice adds up

Stages run in the main thread and in the build's keyword thread at once; each thread times its own stages.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from tqdm import tqdm

StageHook = Callable[[str], None]  # told each point a run reaches, by name


class Stage:
    """An open stage: its bar (when it has one) and whether its first item is done."""

    def __init__(self, progress: "Progress", name: str, bar: tqdm | None) -> None:
        self._progress = progress
        self._name = name
        self._bar = bar
        self._started = False

    def advance(self, items: int = 1) -> None:
        """`items` more are done; after the first, the stage counts as reached."""
        if self._bar is not None:
            self._bar.update(items)
        if not self._started:
            self._started = True
            self._progress.reached(self._name)


class Progress:
    """Seconds per stage, a progress bar per counted stage (when `show`), and `on_stage` told each point reached."""

    def __init__(self, show: bool = True, on_stage: StageHook | None = None) -> None:
        self.show = show
        self.seconds: dict[str, float] = {}
        self._on_stage = on_stage
        self._lock = threading.Lock()

    @contextmanager
    def stage(self, name: str, *, unit: str | None = None, total: int | None = None) -> Iterator[Stage]:
        """Time the block as stage `name`; with a `unit`, show a bar of the items `Stage.advance` counts."""
        bar = tqdm(total=total, desc=name, unit=unit, disable=not self.show) if unit else None
        start = time.perf_counter()
        try:
            yield Stage(self, name, bar)
        finally:
            elapsed = time.perf_counter() - start
            if bar is not None:
                bar.close()
            with self._lock:
                self.seconds[name] = self.seconds.get(name, 0.0) + elapsed

    def reached(self, point: str) -> None:
        """Tell the watcher the run got to `point` (a stage's first item, or a step such as "renamed")."""
        if self._on_stage is not None:
            self._on_stage(point)
