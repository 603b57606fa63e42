"""`announcements search` (also `python -m search`): the same request parsing and JSON as /api/search."""
from __future__ import annotations

import json

import click

from indexer.store.layout import IndexNotFound, index_option, resolve_index_dir
from search.hits import SearchResult
from search.request import MODES, SORTS, RequestError, parse_request


def _print_table(result: SearchResult) -> None:
    r = result.request
    click.echo(f"{result.total} releases for {r.q!r} ({r.mode}, {result.took_ms:.0f} ms)")
    for rank, hit in enumerate(result.hits, start=r.offset + 1):
        click.echo(f"{rank:>3}. {hit.title}")
        click.echo(f"     {hit.date or 'undated'} · {hit.source or '-'} · id {hit.id} · score {hit.score:.4f}")
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)


@click.command("search")
@click.argument("query", nargs=-1)
@index_option
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True)
@click.option("--limit", type=int, default=10, show_default=True)
@click.option("--offset", type=int, default=0, show_default=True)
@click.option("--entity", "entities", multiple=True, metavar="TYPE:NAME", help="Filter, repeatable (e.g. org:SITC).")
@click.option("--issuer", "issuers", multiple=True, metavar="NAME", help="Issued by this organisation, repeatable.")
@click.option("--category", "categories", multiple=True, metavar="TYPE",
              help="Announcement type (agreement, acquisition, results, ...), repeatable.")
@click.option("--date-from", default="", help="YYYY-MM-DD")
@click.option("--date-to", default="", help="YYYY-MM-DD")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--explain", is_flag=True, help="Explain every score.")
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as /api/search.")
def search_command(query: tuple[str, ...], index_dir: str | None, mode: str, limit: int, offset: int,
                   entities: tuple[str, ...], issuers: tuple[str, ...], categories: tuple[str, ...], date_from: str,
                   date_to: str, sort: str, explain: bool, as_json: bool) -> None:
    """Search the index."""
    from search.engine import Engine

    params = {"q": [" ".join(query)], "mode": [mode], "limit": [str(limit)], "offset": [str(offset)],
              "entity": list(entities), "issuer": list(issuers), "category": list(categories), "date_from": [date_from], "date_to": [date_to], "sort": [sort],
              "explain": ["1" if explain else "0"]}
    try:
        request = parse_request(params)
        result = Engine.open(resolve_index_dir(index_dir)).search(request)
    except (RequestError, IndexNotFound) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_table(result)


def main() -> None:
    search_command()
