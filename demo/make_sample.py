"""Draw the demo sample: SIZE releases picked at random (seed SEED) from the public corpus, in corpus order.

    python demo/make_sample.py ../shared/data/press-releases/press_releases.jsonl.gz demo/press_releases_sample.jsonl.gz

The lines are copied byte for byte (ids, dates, titles, bodies and URLs as the corpus has them); gzip's header
carries no time stamp, so the same input gives the same file.
"""
from __future__ import annotations

import gzip
import random
import sys

SIZE = 400
SEED = 2026


def main(source: str, target: str) -> None:
    with gzip.open(source, "rb") as fh:
        lines = [line for line in fh if line.strip()]
    picked = sorted(random.Random(SEED).sample(range(len(lines)), SIZE))
    with open(target, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out:
        out.writelines(lines[i] for i in picked)
    print(f"{SIZE} of {len(lines)} releases -> {target}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
