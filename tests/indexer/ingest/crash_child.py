"""Run a real build, update or delete and SIGKILL this process at a named stage (used by test_crash.py).

usage: crash_child.py build|update|delete INDEX_DIR STAGE [PATH_OR_ID ...]
STAGE is one of indexer.ingest.pipeline.STAGES, or "commit": a kill at a random moment in the 50 ms after the Whoosh
writer starts committing (at the latest just before CURRENT would be swapped).
"""
import os
import random
import signal
import sys
import threading
import time

from indexer.ingest.build import build_index
from indexer.ingest.update import delete_releases, update_index


def main() -> None:
    command, index_dir, stage, *args = sys.argv[1:]

    def kill() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    def on_stage(name: str) -> None:
        if name == stage:
            kill()
        if stage == "commit" and name == "keyword":
            delay = random.Random().uniform(0, 0.05)  # a private RNG: never touch the global one in a writer
            threading.Thread(target=lambda: (time.sleep(delay), kill()), daemon=True).start()
        if stage == "commit" and name == "renamed":
            kill()  # the timer was slower than the rest of the write: still die before CURRENT is swapped

    if command == "build":
        build_index(args, index_dir, progress=False, on_stage=on_stage)
    elif command == "update":
        update_index(args, index_dir, progress=False, on_stage=on_stage)
    else:
        delete_releases(args, index_dir, on_stage=on_stage)
    print("finished without being killed")


if __name__ == "__main__":
    main()
