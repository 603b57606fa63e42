"""p50/p95 of /api/suggest through the Flask app on an index (warm: the first call builds the lists).

    .venv/bin/python bench/bench_suggest.py INDEX_DIR
"""
import random, statistics, sys, time
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
from web.app import create_app
from web.context import EXTENSION
app = create_app({"INDEX_DIR": sys.argv[1]})
client = app.test_client()
eng = app.extensions[EXTENSION].engine()
t = time.perf_counter(); client.get("/api/suggest?q=a"); first = time.perf_counter() - t
words = sorted(eng.spelling.vocabulary.df, key=lambda w: -eng.spelling.vocabulary.df[w])[:2000]
names = [e.name for e in eng.catalog.entities.values()]
rng = random.Random(1)
queries = []
for _ in range(1000):
    text = rng.choice(words) if rng.random() < 0.5 else rng.choice(names)
    queries.append(text[: rng.randint(1, min(8, len(text)))])
times = []
for q in queries:
    t = time.perf_counter()
    res = client.get("/api/suggest", query_string={"q": q})
    times.append((time.perf_counter() - t) * 1000)
    assert res.status_code == 200
times.sort()
direct = []
from search.suggest import parse_suggest_query
for q in queries:
    t = time.perf_counter(); eng.suggester.suggest(parse_suggest_query({"q": [q]})); direct.append((time.perf_counter() - t) * 1000)
direct.sort()
one = [q for q in queries if len(q) == 1]
print(f"{eng.size} releases, {len(names)} entities, {len(eng.spelling.vocabulary.df)} words; first call {first*1000:.0f} ms")
print(f"HTTP (test client) p50 {times[500]:.2f} ms p95 {times[950]:.2f} ms max {times[-1]:.2f} ms")
print(f"suggester alone p50 {direct[500]:.2f} ms p95 {direct[950]:.2f} ms max {direct[-1]:.2f} ms ({len(one)} one-letter queries)")
