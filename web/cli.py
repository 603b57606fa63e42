"""The `announcements` command: index, search, serve (`python -m web` serves)."""
from __future__ import annotations

import json
import logging

import click

from indexer.cli import check_command, delete_command, index_command
from indexer.store.layout import IndexNotFound, index_option, resolve_index_dir
from search.cli import search_command
from search.request import RequestError


@click.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--threads", type=int, default=4, show_default=True, help="waitress worker threads.")
def serve_command(index_dir: str | None, host: str, port: int, threads: int) -> None:
    """Serve the HTML pages and the JSON API with waitress (limits: web/server.py and the README's "Limits")."""
    from indexer.models.embeddings import use_one_thread_per_query
    from web.app import create_app
    from web.context import EXTENSION
    from web.server import create_server
    from search.live import warm

    use_one_thread_per_query()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app({"INDEX_DIR": resolve_index_dir(index_dir), "WARM_INDEX": True})
    try:
        # Open the index and load the model now, so the first request is not the slow one.
        eng = app.extensions[EXTENSION].engine()
        eng.query_encoder.encode_query("warm up")
        warm(eng)
        click.echo(f"Serving {eng.size} releases from {eng.version_dir} on http://{host}:{port}/", err=True)
    except IndexNotFound as exc:
        click.echo(f"warning: {exc}", err=True)
    server = create_server(app, host=host, port=port, threads=threads)
    server.print_listen("Listening on http://{}:{}")
    server.run()


@click.command("evaluate")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--split", default="test", show_default=True, help="Which qrels/<split>.tsv to score.")
@click.option("--modes", default="keyword,semantic,hybrid", show_default=True,
              help="Comma-separated: keyword, semantic, hybrid, or hybrid-rrf / hybrid-convex / hybrid-alpha0.3 / "
                   "hybrid-exact0 (options combine: hybrid-convex-alpha0.5).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None, help="Also write the scores here.")
@click.option("--index", "cache_dir", type=click.Path(file_okay=False), default=None,
              help="Keep the corpus index here and reuse it while the corpus is unchanged (default: a temp dir). "
                   "For a set judged over releases (corpus.json), an index already here is used as it is.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def evaluate_command(directory: str, split: str, modes: str, json_path: str | None, cache_dir: str | None,
                     quiet: bool) -> None:
    """nDCG@10, Recall@100 and MRR@10 per mode on a BEIR-format folder (corpus.jsonl, queries.jsonl, qrels/)."""
    from search.evaluate import EvaluationError, format_table
    from web.evaluate import evaluate

    names = [m.strip() for m in modes.split(",") if m.strip()]
    if not names:
        raise click.BadParameter("name at least one mode", param_hint="--modes")
    try:
        report = evaluate(directory, split=split, modes=names, cache_dir=cache_dir, progress=not quiet)
    except (EvaluationError, RequestError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(format_table(report))
    if json_path:
        with open(json_path, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=2)
            fh.write("\n")


@click.group()
def main() -> None:
    """Announcements Search: hybrid keyword + semantic search over press releases, with entity facets."""


main.add_command(index_command)
main.add_command(delete_command)
main.add_command(check_command)
main.add_command(search_command)
main.add_command(serve_command)
main.add_command(evaluate_command)
