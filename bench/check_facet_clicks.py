"""Facet count == what a click returns, over a real index: for each query and mode, every value shown of every facet
type is clicked (as the results page's links do: an entity, issuer or type added, a month as its date range) and the
clicked search's total compared with the count shown. Prints the match-set sizes and the number of disagreements.

    nice -n 10 .venv/bin/python bench/check_facet_clicks.py --index index-full
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search.engine import Engine  # noqa: E402
from search.facets import month_range  # noqa: E402
from search.request import parse_request  # noqa: E402

QUERIES = ("agreements involving ports", "acquisition of a software company", "quarterly results with revenue growth",
           "FDA approval", "new chief financial officer", "private placement financing", "share buyback program",
           "Qingdao port logistics deals 2023", "clinical trial results phase 3", "company announces results",
           "oil and gas exploration in Texas", "xqzvbnkj")
FACETS = ("org", "person", "place", "facility", "issuer", "category", "month")


def clicked(params: dict[str, list[str]], type_: str, value: str) -> dict[str, list[str]]:
    if type_ == "month":
        first, last = month_range(value)
        return {**params, "date_from": [first.isoformat()], "date_to": [last.isoformat()]}
    if type_ in ("issuer", "category"):
        return {**params, type_: [value]}
    return {**params, "entity": [f"{type_}:{value}"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", required=True)
    parser.add_argument("--modes", default="hybrid,keyword,semantic")
    parser.add_argument("--facet-size", default="10", help="values shown per facet type")
    args = parser.parse_args()
    engine = Engine.open(args.index)
    checked = wrong = 0
    started = time.perf_counter()
    for mode in args.modes.split(","):
        for q in QUERIES:
            params = {"q": [q], "mode": [mode], "facet_size": [args.facet_size], "limit": ["1"]}
            result = engine.search(parse_request(params))
            scope = result.facet_scope
            print(f"{mode:8s} {q[:40]:40s} total {result.total:6d} (keyword {scope['keyword_matches']}, semantic "
                  f"{scope['semantic_candidates']}; {100 * result.total / engine.size:.1f}% of the index)", flush=True)
            for type_ in FACETS:
                for value in result.facets[type_]:
                    if not value.count:
                        continue
                    total = engine.search(parse_request(clicked(params, type_, value.value))).total
                    checked += 1
                    if total != value.count:
                        wrong += 1
                        print(f"  MISMATCH {type_}={value.value!r}: shown {value.count}, click {total}")
    print(f"{checked} facet values clicked, {wrong} disagree ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
