"""`announcements search` (also `python -m search`): the same parameters, parsing and JSON as /api/search.

Its options are made from the parameter registry (search.request.PARAMETERS), one per parameter, so the CLI
cannot fall behind the API; their values go through parse_request unchanged, so the errors are the API's too.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Mapping

import click

from indexer.store.layout import IndexNotFound, index_option, resolve_index_dir
from search.hits import SearchResult
from search.request import PARAMETERS, RequestError, SearchRequest, parameter_default, parse_request

QUERY = "q"  # given as the command's words, not as an option
_DEFAULT_TEXT = dict(SearchRequest().to_params(defaults=True))  # what parse_request assumes; shown in --help


def _option(name: str) -> Callable[[Callable], Callable]:
    """The option of one parameter: repeatable for a list, --x/--no-x for a flag, else a value (a string: the
    parser checks it)."""
    flag = "--" + name.replace("_", "-")
    default = parameter_default(name)
    if isinstance(default, tuple):
        return click.option(flag, name, multiple=True, metavar=name.upper(), help=PARAMETERS[name] + ".")
    if isinstance(default, bool):
        no = "--no-" + name.replace("_", "-")
        return click.option(f"{flag}/{no}", name, default=None,
                            help=f"{PARAMETERS[name]} ({flag} sends {name}=1, {no} sends {name}=0).")
    return click.option(flag, name, default=_DEFAULT_TEXT.get(name) or None, show_default=True,
                        metavar=name.upper(), help=PARAMETERS[name] + ".")


def parameter_options(command: Callable) -> Callable:
    """Add an option for every search parameter but the query text, in the registry's order."""
    for name in reversed([n for n in PARAMETERS if n != QUERY]):
        command = _option(name)(command)
    return command


def request_params(query: tuple[str, ...], options: Mapping[str, Any]) -> dict[str, list[str]]:
    """The command's words and options as query parameters (what /api/search receives); options not given are
    left out, so parse_request applies the same defaults as for the API."""
    params = {QUERY: [" ".join(query)]} if query else {}
    for name in PARAMETERS:
        value = options.get(name)
        if isinstance(value, tuple):
            values = list(value)
        elif isinstance(value, bool):
            values = ["1" if value else "0"]
        else:
            values = [] if value is None else [value]
        if values:
            params[name] = values
    return params


def _print_table(result: SearchResult) -> None:
    r = result.request
    click.echo(f"{result.total} releases for {r.q!r} ({r.mode}, {result.took_ms:.0f} ms)")
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    for rank, hit in enumerate(result.hits, start=r.offset + 1):
        click.echo(f"{rank:>3}. {hit.title}")
        click.echo(f"     {hit.date or 'undated'} · {hit.source or '-'} · id {hit.id} · score {hit.score:.4f}")
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)


@click.command("search")
@click.argument("query", nargs=-1)
@index_option
@parameter_options
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as /api/search.")
def search_command(query: tuple[str, ...], index_dir: str | None, as_json: bool, **options: Any) -> None:
    """Search the index for the QUERY words (none: the newest releases that pass the filters)."""
    from search.engine import Engine

    try:
        request = parse_request(request_params(query, options))
        result = Engine.open(resolve_index_dir(index_dir)).search(request)
    except (RequestError, IndexNotFound) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_table(result)


def main() -> None:
    search_command()
