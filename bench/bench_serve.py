"""Load benchmark: `announcements serve` on loopback, concurrent clients, a mix of searches, pages and bad requests.
Prints errors, latency percentiles, throughput and the server's RSS; passes or fails nothing.

    .venv/bin/python bench/bench_serve.py --index DIR [--clients 8] [--requests 2000] [--time-limit 900]
    .venv/bin/python bench/bench_serve.py --n 300      # builds an index of the first 300 real releases (cached)

An error is a connection failure, a timeout, a 5xx, or any status other than the one the request expects
(bad requests expect 400, unknown releases 404).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "press-releases" / "press_releases.jsonl.gz"
BIN = Path(sys.executable).parent
TOPICS = ["agreements involving ports", "acquisition of a mining company", "quarterly revenue growth",
          "appoints chief financial officer", "bitcoin mining expansion", "clinical trial results",
          "private placement financing", "lithium exploration drilling", "merger agreement shareholders",
          "electric vehicle charging", "data center expansion", "gold project feasibility study", "FDA approval",
          "renewable energy solar farm", "dividend announcement", "nasdaq listing", "joint venture in China"]
BAD = ["/api/search?limit=-1", "/api/search?limit=1000000", "/api/search?offset=99999999", "/api/search?mode=fuzzy",
       "/api/search?date_from=2024-13-01", "/api/search?date_from=2024-02-01&date_to=2024-01-01",
       "/api/search?entity=nonsense", "/api/search?colour=red", "/api/entities?type=ship",
       "/search?q=" + "x" * 1500, "/api/search?q=%ff%fe"]


def requests_mix(n: int, seed: int = 7) -> list[tuple[str, int]]:
    """(path, expected status): mostly searches in every mode, some pages, entity lists and bad requests."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        topic = urllib.parse.quote_plus(rng.choice(TOPICS))
        roll = rng.random()
        if roll < 0.25:
            out.append((f"/api/search?q={topic}", 200))
        elif roll < 0.40:
            out.append((f"/api/search?q={topic}&mode=keyword&limit=20", 200))
        elif roll < 0.55:
            out.append((f"/api/search?q={topic}&mode=semantic", 200))
        elif roll < 0.65:
            out.append((f"/search?q={topic}", 200))
        elif roll < 0.72:
            out.append(("/api/search?sort=date&limit=50", 200))
        elif roll < 0.80:
            out.append((f"/api/entities?q={rng.choice('abcdefgms')}", 200))
        elif roll < 0.85:
            out.append(("/api/releases/no-such-release", 404))
        elif roll < 0.93:
            out.append((rng.choice(BAD), 400))
        else:
            out.append(("/healthz", 200))
    return out


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


def fetch(url: str, timeout: float) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as res:
            res.read()
            return res.status
    except urllib.error.HTTPError as err:
        err.read()
        return err.code


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, help="an existing index (default: build the first --n releases)")
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=4, help="waitress worker threads")
    ap.add_argument("--time-limit", type=float, default=900, help="stop sending after this many seconds")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args()

    index = args.index or args.out / f"serve-index-{args.n}"
    if not (index / "CURRENT").exists():
        args.out.mkdir(parents=True, exist_ok=True)
        sample = args.out / f"first-{args.n}.jsonl"
        with gzip.open(CORPUS, "rt", encoding="utf-8") as src, open(sample, "w", encoding="utf-8") as dst:
            dst.writelines(line for _, line in zip(range(args.n), src))
        subprocess.run([str(BIN / "announcements"), "index", str(sample), "--index", str(index), "--quiet"], check=True)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(BIN / "announcements"), "serve", "--index", str(index), "--port", str(port),
                               "--threads", str(args.threads)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                health = json.loads(urllib.request.urlopen(base + "/healthz", timeout=10).read())
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("the server did not start")
                time.sleep(0.3)
        fetch(base + "/api/search?q=warm+up", 120)
        rss_before = rss_mb(server.pid)

        work = requests_mix(args.requests)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        next_item = iter(work)
        stop_at = time.monotonic() + args.time_limit

        def client() -> None:
            while time.monotonic() < stop_at:
                with lock:
                    item = next(next_item, None)
                if item is None:
                    return
                path, expected = item
                started = time.perf_counter()
                try:
                    status = fetch(base + path, 60)
                except Exception as exc:  # every failure is counted, whatever its type
                    status, detail = -1, repr(exc)
                else:
                    detail = f"{path[:60]} → {status}, expected {expected}"
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    if status != expected:
                        errors.append(detail)

        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        rss_after = rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))] * 1000

    print(f"index: {health['releases']} releases ({index}); server: waitress, {args.threads} threads; "
          f"{args.clients} clients on loopback; {os.cpu_count()} cores")
    print(f"requests: {len(latencies)} of {len(work)} in {wall:.1f} s ({len(latencies) / wall:.1f}/s); "
          f"errors: {len(errors)}")
    print(f"latency ms: p50 {pct(0.50):.0f}, p95 {pct(0.95):.0f}, p99 {pct(0.99):.0f}, max {ordered[-1] * 1000:.0f}")
    print(f"server RSS: {rss_before:.0f} MB before, {rss_after:.0f} MB after")
    for line in errors[:10]:
        print("  error:", line)


if __name__ == "__main__":
    main()
